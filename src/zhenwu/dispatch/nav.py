from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.dispatch.capabilities import CAPABILITIES
from zhenwu.orgs.scope import user_has_capability


def section(user: Any) -> NavSection | None:
    if not user_has_capability(user, CAPABILITIES.MANAGE):
        return None
    return NavSection(
        "派单",
        [
            NavItem("派单目录", reverse("dispatch:catalogue_list"), "list-details"),
            NavItem("派单模型与准确率", reverse("dispatch:model_status"), "chart-bar"),
        ],
    )


def todo_cards(user: Any) -> list[dict[str, Any]]:
    return []

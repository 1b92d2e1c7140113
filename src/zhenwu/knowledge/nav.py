from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.orgs.scope import user_grants


def section(user: Any) -> NavSection | None:
    # Staff with a data scope (not citizens) search the standard answers.
    if not user_grants(user) or all(g.scope == "self" for g in user_grants(user)):
        return None
    return NavSection("知识库", [NavItem("标准答复", reverse("knowledge:article_list"), "book")])


def todo_cards(user: Any) -> list[dict[str, Any]]:
    return []

"""The 专项行动 section of the side navigation and its workbench cards."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.campaigns.capabilities import CAPABILITIES as CAP
from zhenwu.campaigns.selectors import is_staff_member
from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.orgs.scope import user_has_capability


def section(user: Any) -> NavSection | None:
    if not is_staff_member(user):
        return None
    s = NavSection("专项行动", [NavItem("专项行动", reverse("campaigns:list"), "flag")])
    if user_has_capability(user, CAP.MANAGE):
        s.items.append(NavItem("新建专项行动", reverse("campaigns:create"), "plus"))
    s.items.append(NavItem("年度目标任务", reverse("campaigns:target_list"), "target"))
    return s


def todo_cards(user: Any) -> list[dict[str, Any]]:
    from zhenwu.campaigns import selectors

    cards: list[dict[str, Any]] = []
    if not is_staff_member(user):
        return cards
    if user_has_capability(user, CAP.REPORT):
        late = selectors.campaigns_late_for_report(user=user)
        if late:
            cards.append(
                {
                    "title": "专项行动进展逾期未报",
                    "value": len(late),
                    "url": reverse("campaigns:list") + "?status=active",
                    "hint": "、".join(c.title for c in late[:3]),
                }
            )
    if user_has_capability(user, CAP.COMMENT):
        n = selectors.reports_to_review(user=user).count()
        if n:
            cards.append(
                {
                    "title": "待审阅的专项行动进展",
                    "value": n,
                    "url": reverse("campaigns:list"),
                    "hint": "审阅后可作批示",
                }
            )
    return cards

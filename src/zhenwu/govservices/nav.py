"""The 小牛办 section of the side navigation and its workbench cards."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.govservices.capabilities import CAPABILITIES as CAP
from zhenwu.govservices.selectors import is_staff_member
from zhenwu.orgs.scope import user_has_capability


def section(user: Any) -> NavSection | None:
    if not is_staff_member(user):
        return None
    s = NavSection("小牛办政务服务", [NavItem("办件", reverse("govservices:list"), "list")])
    if user_has_capability(user, CAP.INTAKE):
        s.items.append(NavItem("收件受理", reverse("govservices:intake"), "plus"))
    s.items.append(NavItem("事项目录", reverse("govservices:catalogue"), "book"))
    s.items.append(NavItem("电子证照", reverse("govservices:licences"), "certificate"))
    s.items.append(NavItem("差评整改", reverse("govservices:rectifications"), "alert-triangle"))
    if user_has_capability(user, CAP.QUEUE):
        s.items.append(NavItem("窗口叫号", reverse("govservices:queue"), "speakerphone"))
    s.items.append(NavItem("服务指标", reverse("govservices:figures"), "chart-bar"))
    return s


def todo_cards(user: Any) -> list[dict[str, Any]]:
    from zhenwu.govservices import selectors

    cards: list[dict[str, Any]] = []
    if not is_staff_member(user):
        return cards
    if user_has_capability(user, CAP.INTAKE):
        n = selectors.to_accept_count(user)
        if n:
            cards.append(
                {
                    "title": "待受理的办件",
                    "value": n,
                    "url": reverse("govservices:list") + "?status=received",
                    "hint": "核对材料后受理或不予受理",
                }
            )
    if user_has_capability(user, CAP.RECTIFY):
        n = selectors.open_rectifications(user).count()
        if n:
            cards.append(
                {
                    "title": "差评待整改",
                    "value": n,
                    "url": reverse("govservices:rectifications"),
                    "hint": "按期整改并答复申请人",
                }
            )
    return cards

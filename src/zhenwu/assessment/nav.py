"""The assessment section of the side navigation and its workbench cards."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.assessment.capabilities import CAPABILITIES as CAP
from zhenwu.assessment.selectors import is_staff_member
from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.orgs.scope import user_has_capability


def section(user: Any) -> NavSection | None:
    if not is_staff_member(user):
        return None
    s = NavSection("融合考核", [NavItem("考核总览", reverse("assessment:home"), "chart")])
    if user_has_capability(user, CAP.INSPECT):
        s.items.append(NavItem("现场检查", reverse("assessment:inspect"), "camera"))
    s.items.append(NavItem("扣分与整改", reverse("assessment:finding_list"), "list"))
    if user_has_capability(user, CAP.REVIEW):
        s.items.append(NavItem("申诉审核", reverse("assessment:objection_list"), "scale"))
    s.items.append(NavItem("月度考核", reverse("assessment:month_list"), "calendar"))
    s.items.append(NavItem("考核看板", reverse("assessment:dashboard"), "chart-bar"))
    s.items.append(NavItem("点评会", reverse("assessment:meeting_list"), "users"))
    if user_has_capability(user, CAP.MANAGE_SCHEME):
        s.items.append(NavItem("方案与权重", reverse("assessment:scheme_current"), "settings"))
    return s


def todo_cards(user: Any) -> list[dict[str, Any]]:
    from zhenwu.assessment import selectors

    cards: list[dict[str, Any]] = []
    if not is_staff_member(user):
        return cards
    if user_has_capability(user, CAP.REVIEW):
        n = selectors.pending_objection_count(user=user)
        if n:
            cards.append(
                {
                    "title": "待审核的考核申诉",
                    "value": n,
                    "url": reverse("assessment:objection_list"),
                    "hint": "关账前须审核完毕",
                }
            )
    if user_has_capability(user, CAP.INSPECT):
        n = selectors.rectification_to_verify(user=user).count()
        if n:
            cards.append(
                {
                    "title": "待核验的整改",
                    "value": n,
                    "url": reverse("assessment:finding_list") + "?rectification=submitted",
                    "hint": "现场核验后确认",
                }
            )
    if user_has_capability(user, CAP.OBJECT):
        n = selectors.rectification_due(user=user).count()
        if n:
            cards.append(
                {
                    "title": "考核扣分待整改",
                    "value": n,
                    "url": reverse("assessment:finding_list"),
                    "hint": "整改后上传照片",
                }
            )
        t = selectors.open_tasks(user=user).count()
        if t:
            cards.append(
                {
                    "title": "点评会交办任务",
                    "value": t,
                    "url": reverse("assessment:meeting_list"),
                    "hint": "按期完成并填写完成情况",
                }
            )
    return cards

"""The 科技创新 section of the side navigation and its workbench cards."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.enterprises.selectors import can_manage, can_view


def section(user: Any) -> NavSection | None:
    if not can_view(user):
        return None
    s = NavSection(
        "科技创新",
        [
            NavItem("年度数字", reverse("enterprises:home"), "chart-bar"),
            NavItem("企业库", reverse("enterprises:list"), "building-factory"),
            NavItem("高企培育库预检", reverse("enterprises:pool"), "checklist"),
            NavItem("智改数转诊断", reverse("enterprises:diagnosis_list"), "cpu"),
            NavItem("沙龙与游学", reverse("enterprises:event_list"), "users"),
        ],
    )
    if can_manage(user):
        s.items.append(NavItem("导入企业", reverse("enterprises:import"), "upload"))
    return s


def todo_cards(user: Any) -> list[dict[str, Any]]:
    from zhenwu.enterprises.selectors import expiring_certificates

    if not can_manage(user):
        return []
    n = expiring_certificates(user=user, today=timezone.localdate()).count()
    if not n:
        return []
    return [
        {
            "title": "高企证书 90 天内到期",
            "value": n,
            "url": reverse("enterprises:list"),
            "hint": "提醒企业及时申请重新认定",
        }
    ]

"""What the home page shows each person: their real work, by role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from zhenwu.core.errors import DomainError
from zhenwu.core.selectors import get_work_calendar
from zhenwu.orgs.choices import Capability
from zhenwu.orgs.models import Membership, Unit
from zhenwu.orgs.scope import user_has_capability


@dataclass
class TodayInfo:
    today: date
    is_workday: bool | None
    next_workday: date | None
    deadline_example: date | None
    message: str = ""


def today_info() -> TodayInfo:
    today = timezone.localdate()
    calendar = get_work_calendar()
    try:
        return TodayInfo(
            today,
            calendar.is_workday(today),
            calendar.next_workday(today),
            calendar.add_working_days(today, 5),
        )
    except DomainError as exc:
        return TodayInfo(today, None, None, None, exc.message)


def my_memberships(*, user: Any) -> Any:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("unit", "role")
        .order_by("unit__path")
    )


def unit_counts(*, user: Any) -> dict[str, int]:
    """Active units in the person's scope, with grids and service stations, in one query."""
    return (
        Unit.objects.visible_to(user)
        .filter(is_active=True)
        .aggregate(
            total=Count("id"),
            grids=Count("id", filter=Q(kind="grid")),
            stations=Count("id", filter=Q(kind="station")),
        )
    )


def admin_cards(*, user: Any) -> list[dict[str, Any]]:
    """Counts for the admin roles' home page; each card links to where the work is done."""
    from django.urls import reverse

    from zhenwu.accounts.models import User

    cards: list[dict[str, Any]] = []
    if user_has_capability(user, Capability.MANAGE_USERS):
        visible = User.objects.visible_to(user)
        cards.append(
            {
                "title": "待首次改密的账号",
                "value": visible.filter(must_change_password=True, is_active=True, is_demo=False).count(),
                "url": reverse("accounts:user_list") + "?state=must_change",
                "hint": "新建或重置密码后尚未登录修改的账号",
            }
        )
        cards.append(
            {
                "title": "已停用账号",
                "value": visible.filter(is_active=False).count(),
                "url": reverse("accounts:user_list") + "?state=inactive",
                "hint": "可在用户管理中重新启用",
            }
        )
    if user_has_capability(user, Capability.MANAGE_UNITS):
        cards.append(
            {
                "title": "启用中的单位",
                "value": Unit.objects.visible_to(user).filter(is_active=True).count(),
                "url": reverse("orgs:unit_list"),
                "hint": "镇、部门、村/社区、网格与便民服务站",
            }
        )
    if user_has_capability(user, Capability.MANAGE_SECURITY):
        from axes.models import AccessAttempt

        since = timezone.now() - timedelta(hours=24)
        cards.append(
            {
                "title": "24小时内登录失败",
                "value": AccessAttempt.objects.filter(attempt_time__gte=since).count(),
                "url": reverse("accounts:security"),
                "hint": "连续 5 次失败的账号会被锁定 30 分钟",
            }
        )
    if user_has_capability(user, Capability.VIEW_AUDIT):
        from zhenwu.audit.models import AuditEvent

        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        cards.append(
            {
                "title": "今日审计事件",
                "value": AuditEvent.objects.filter(created_at__gte=start).count(),
                "url": reverse("audit:event_list"),
                "hint": "包括登录、失败登录与所有数据修改",
            }
        )
        cards.append(
            {
                "title": "今日失败或拒绝的操作",
                "value": AuditEvent.objects.filter(created_at__gte=start).exclude(result="success").count(),
                "url": reverse("audit:event_list") + "?result=failure",
                "hint": "需要关注的异常操作",
            }
        )
    return cards


def todo_cards(*, user: Any) -> list[dict[str, Any]]:
    """Each part's counts of work waiting for this person (待签收, 即将超期, 待整改 ...)."""
    from zhenwu.core.parts import part_modules

    cards: list[dict[str, Any]] = []
    for module in part_modules("nav"):
        if hasattr(module, "todo_cards"):
            cards.extend(module.todo_cards(user))
    return cards


def notices(*, user: Any, limit: int = 8) -> list[Any]:
    """Workbench notices (outbox channel "inbox") for the person or the units they belong to."""
    from zhenwu.core.models import Notification

    unit_ids = list(
        Membership.objects.filter(user=user, is_active=True, unit__is_active=True).values_list(
            "unit_id", flat=True
        )
    )
    return list(
        Notification.objects.filter(channel="inbox")
        .filter(Q(recipient_user=user) | Q(recipient_unit_id__in=unit_ids))
        .select_related("recipient_unit")
        .order_by("-created_at")[:limit]
    )


def calendar_notice(*, user: Any) -> int | None:
    """From 1 October, the year whose official holidays are still missing, for those who keep the
    calendar (系统管理员) or run the town (镇级管理员, leaders): deadlines into it are 暂定."""
    from zhenwu.core.selectors import next_year_missing
    from zhenwu.orgs.choices import Capability
    from zhenwu.orgs.scope import user_has_capability

    if not (
        user_has_capability(user, Capability.MANAGE_CALENDAR)
        or user_has_capability(user, Capability.VIEW_DASHBOARD)
    ):
        return None
    return next_year_missing()

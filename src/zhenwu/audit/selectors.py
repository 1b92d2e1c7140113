"""Reads of the audit log. Only holders of `audit.view` (审计管理员) may read it; everyone else is refused."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhenwu.audit.models import AuditChainHead, AuditEvent, AuditResult
from zhenwu.core.errors import NotFoundError, PermissionDeniedError
from zhenwu.core.parts import has_capability

# Chinese names of the actions written so far; unknown actions fall back to their prefix's name.
ACTION_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "otp.confirm": "绑定动态口令",
    "otp.verify": "动态口令验证",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.reset_password": "重置密码",
    "user.change_password": "修改密码",
    "user.unlock": "解锁账号",
    "user.reveal_phone": "查看完整手机号",
    "membership.add": "添加任职",
    "membership.remove": "移除任职",
    "role.update": "修改角色",
    "unit.create": "新建单位",
    "unit.update": "修改单位",
    "calendar.seed": "导入节假日",
    "calendar.year_add": "添加日历年度",
    "calendar.day_set": "设置节假日/调休",
    "attachment.create": "上传附件",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计链",
    "demo.bootstrap": "加载演示数据",
}

PREFIX_LABELS: dict[str, str] = {
    "auth": "登录与退出",
    "otp": "双因素认证",
    "user": "用户",
    "membership": "任职",
    "role": "角色",
    "unit": "组织机构",
    "calendar": "工作日历",
    "attachment": "附件",
    "audit": "审计",
    "demo": "演示数据",
    "workorder": "诉求工单",
    "hotline": "政风热线",
    "assessment": "融合考核",
    "campaign": "专项行动",
    "govservice": "政务服务",
    "enterprise": "企业服务",
    "workorders": "诉求工单",
    "dispatch": "智能派单",
    "knowledge": "知识库",
    "pii": "个人信息",
    "admin": "系统管理",
}

FILTER_KEYS = ("q", "action", "result", "date_from", "date_to", "actor")


VIEW_AUDIT = "audit.view"  # orgs.choices.Capability.VIEW_AUDIT


def action_labels() -> dict[str, str]:
    """The registry of action labels: the platform's own, then each part's ``audit_labels.LABELS``."""
    from zhenwu.core.parts import part_modules

    labels = dict(ACTION_LABELS)
    for module in part_modules("audit_labels"):
        labels.update(getattr(module, "LABELS", {}))
    return labels


def action_label(action: str) -> str:
    """The action in Chinese; an action no registry names still says which part it belongs to."""
    labels = action_labels()
    if action in labels:
        return labels[action]
    prefix = action.split(".", 1)[0]
    return f"{PREFIX_LABELS[prefix]}（其他操作）" if prefix in PREFIX_LABELS else "其他操作"


def _require_audit_viewer(user: Any) -> None:
    if not has_capability(user, VIEW_AUDIT):
        raise PermissionDeniedError("您没有查看审计日志的权限。审计日志仅向审计管理员开放。")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """Audit events matching `filters`, newest first.

    filters: q (actor name, object or message contains), action (dotted prefix: "auth", "auth." or "user.update"),
    result (success/failure/denied), date_from / date_to (local dates, inclusive), actor (name or username).
    """
    _require_audit_viewer(user)
    filters = filters or {}
    qs = AuditEvent.objects.all().order_by("-id")
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(actor_name__icontains=q)
            | Q(object_repr__icontains=q)
            | Q(message__icontains=q)
            | Q(object_id=q)
        )
    action = str(filters.get("action") or "").strip()
    if action:
        # A dotted prefix: "auth" and "auth." select auth.*; "auth.login" selects auth.login, not auth.login_failed.
        if action.endswith("."):
            qs = qs.filter(action__startswith=action)
        else:
            qs = qs.filter(Q(action=action) | Q(action__startswith=action + "."))
    result = str(filters.get("result") or "").strip()
    if result in AuditResult.values:
        qs = qs.filter(result=result)
    date_from = filters.get("date_from")
    if isinstance(date_from, date):
        qs = qs.filter(created_at__gte=_start_of(date_from))
    date_to = filters.get("date_to")
    if isinstance(date_to, date):
        qs = qs.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
    actor = str(filters.get("actor") or "").strip()
    if actor:
        from django.contrib.auth import get_user_model

        model = get_user_model()
        user_ids = model._default_manager.filter(**{model.USERNAME_FIELD: actor}).values("pk")
        # Login events name the account in object_repr (a failed login has no actor).
        qs = qs.filter(
            Q(actor_name=actor) | Q(actor_id__in=user_ids) | Q(action__startswith="auth.", object_repr=actor)
        )
    return qs


def audit_event_get(*, user: Any, pk: int) -> AuditEvent:
    _require_audit_viewer(user)
    event = AuditEvent.objects.filter(pk=pk).first()
    if event is None:
        raise NotFoundError("审计事件不存在。")
    return event


def audit_chain_head(*, user: Any) -> dict[str, Any]:
    """State of the chain for the verify page: last sealed row, when, and how many rows wait to be sealed."""
    _require_audit_viewer(user)
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "head": head,
        "unsealed": AuditEvent.objects.filter(seq__isnull=True).count(),
    }


def field_label(object_type: str, name: str) -> str:
    """The verbose name of `name` on the model `object_type` ("app.model"), else the name itself."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def field_value_label(object_type: str, name: str, value: Any) -> Any:
    """A coded value in Chinese: the label of the field's choice (status "handling" → 办理中), else the value."""
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return value
    choices = dict(getattr(field, "flatchoices", None) or [])
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    return value

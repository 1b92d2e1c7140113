"""Login events in the audit log: sign-in, sign-out, failed sign-in and lockout (django-axes).

The failed-login credentials dict carries the (already cleansed) password: only the attempted
username is ever read from it. Receivers run inside the login request; if the audit row cannot be
written the request fails (fail closed), as for every other audited action.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhenwu.audit.models import AuditResult
from zhenwu.audit.services import audit_record

USERNAME_MAX = 150


def _attempted_username(value: Any) -> str:
    return str(value or "").strip()[:USERNAME_MAX]


def _user_object(username: str) -> tuple[str, str]:
    """(object_type, object_id) of the account the username names, or empty when there is none."""
    if not username:
        return "", ""
    model = get_user_model()
    pk = (
        model._default_manager.filter(**{model.USERNAME_FIELD: username}).values_list("pk", flat=True).first()
    )
    if pk is None:
        return "", ""
    return model._meta.label_lower, str(pk)


def _failure_limit() -> int:
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    return limit if isinstance(limit, int) else 5


@receiver(user_logged_in, dispatch_uid="zhenwu.audit.login")
def audit_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(
        actor=user, action="auth.login", obj=user, object_repr=user.get_username(), message="登录成功"
    )


@receiver(user_logged_out, dispatch_uid="zhenwu.audit.logout")
def audit_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return
    audit_record(
        actor=user, action="auth.logout", obj=user, object_repr=user.get_username(), message="退出登录"
    )


@receiver(user_login_failed, dispatch_uid="zhenwu.audit.login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    # Never store the credentials dict: it contains the password (even if Django has cleansed it).
    field = get_user_model().USERNAME_FIELD
    username = _attempted_username((credentials or {}).get(field) or (credentials or {}).get("username"))
    object_type, object_id = _user_object(username)
    failures = getattr(request, "axes_failures_since_start", None) if request is not None else None
    limit = _failure_limit()
    if isinstance(failures, int) and failures > limit:
        message = "账号处于锁定期，登录被拒绝。"
    elif isinstance(failures, int) and failures == limit:
        message = f"用户名或密码错误（连续第 {failures} 次），账号已被锁定。"
    elif isinstance(failures, int) and failures > 0:
        message = f"用户名或密码错误（连续第 {failures} 次）。"
    else:
        message = "用户名或密码错误。"
    if username and not object_id:
        message += "该用户名不存在。"
    audit_record(
        actor=None,
        action="auth.login_failed",
        object_type=object_type,
        object_id=object_id,
        object_repr=username or "（未填写用户名）",
        result=AuditResult.FAILURE,
        message=message,
    )


@receiver(user_locked_out, dispatch_uid="zhenwu.audit.lockout")
def audit_locked_out(
    sender: Any, request: Any = None, username: Any = None, ip_address: Any = None, **kwargs: Any
) -> None:
    name = _attempted_username(username)
    object_type, object_id = _user_object(name)
    failures = getattr(request, "axes_failures_since_start", None) if request is not None else None
    limit = _failure_limit()
    if isinstance(failures, int) and failures > limit:
        message = "锁定期内再次尝试登录，锁定时间重新计算。"
    else:
        message = f"连续 {limit} 次登录失败，账号已被临时锁定。"
    audit_record(
        actor=None,
        action="auth.lockout",
        object_type=object_type,
        object_id=object_id,
        object_repr=name or "（未填写用户名）",
        result=AuditResult.DENIED,
        message=message,
    )

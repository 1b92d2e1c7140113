"""System-admin pages for users, roles and account security (系统管理员 / 安全管理员).

Every page checks a capability (403 without it), reads through `visible_to` (404 outside the data
scope) and writes through the services, whose `DomainError` is shown on the form with the input kept.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhenwu.accounts import services
from zhenwu.accounts.manage_forms import (
    MembershipForm,
    RoleForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from zhenwu.accounts.models import User
from zhenwu.accounts.validators import POLICY_TEXT
from zhenwu.audit.models import AuditResult
from zhenwu.audit.services import audit_record
from zhenwu.core import crypto
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.exports import Column, xlsx_response
from zhenwu.core.web import capability_required, form_error, paginate, querystring_without_page
from zhenwu.orgs.choices import Capability, DataScope
from zhenwu.orgs.models import Membership, Role
from zhenwu.orgs.scope import access_of, get_scoped_object, user_has_capability

ONE_TIME_PASSWORD_KEY = "zhenwu_one_time_password"
USERS_PER_PAGE = 20


# --------------------------------------------------------------------------- users


def _filtered_users(request: HttpRequest, form: UserFilterForm) -> QuerySet[User]:
    """The scoped user list with the page's filters; the page and the export read the same rows."""
    filters = form.filters()
    qs: QuerySet[User] = User.objects.visible_to(request.user)
    q = (filters.get("q") or "").strip()
    if q:
        condition = Q(username__icontains=q) | Q(real_name__icontains=q)
        digits = re.sub(r"[\s-]", "", q)
        if digits.isdigit() and len(digits) == 11:
            condition |= Q(phone_index=crypto.blind_index(digits, kind="phone"))
        qs = qs.filter(condition)
    if filters.get("unit") or filters.get("role"):
        held = Membership.objects.filter(is_active=True)
        if filters.get("unit"):
            held = held.filter(unit=filters["unit"])
        if filters.get("role"):
            held = held.filter(role=filters["role"])
        qs = qs.filter(pk__in=held.values("user_id"))
    state = filters.get("state")
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "inactive":
        qs = qs.filter(is_active=False)
    elif state == "must_change":
        # The same rule as the home page's count: active, non-demo accounts still on a one-time password.
        qs = qs.filter(must_change_password=True, is_active=True, is_demo=False)
    visible_memberships = (
        Membership.objects.visible_to(request.user).filter(is_active=True).select_related("unit", "role")
    )
    return qs.prefetch_related(
        Prefetch("memberships", queryset=visible_memberships, to_attr="visible_memberships")
    ).order_by("username")


@capability_required(Capability.MANAGE_USERS, Capability.MANAGE_SECURITY)
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET, user=request.user)
    page, querystring_base = paginate(request, _filtered_users(request, form), USERS_PER_PAGE)
    return render(
        request,
        "accounts/manage/user_list.html",
        {
            "form": form,
            "page_obj": page,
            "users": page.object_list,
            "querystring_base": querystring_base,
            "querystring": querystring_without_page(request),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def _memberships_text(user: Any) -> str:
    return "；".join(
        f"{m.unit.name}·{m.role.name}{'（' + m.title + '）' if m.title else ''}"
        for m in user.visible_memberships
    )


def _state_text(user: Any) -> str:
    if not user.is_active:
        return "已停用"
    if user.must_change_password and not user.is_demo:
        return "待首次改密"
    return "启用"


@capability_required(Capability.MANAGE_USERS)
def user_export(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET, user=request.user)
    users = list(_filtered_users(request, form))
    audit_record(
        actor=request.user,
        action="user.export",
        message=f"导出用户列表 {len(users)} 条",
        extra={"filters": {k: str(v) for k, v in form.filters().items()}},
    )
    columns = [
        Column("用户名", lambda u: u.username, width=18),
        Column("姓名", lambda u: u.real_name, width=14),
        Column("手机号", lambda u: u.phone, pii="phone", width=16),
        Column("单位与角色", _memberships_text, width=48),
        Column("状态", _state_text, width=12),
        Column("演示账号", lambda u: u.is_demo, width=10),
        Column("最近登录", lambda u: u.last_login, width=20),
        Column("创建时间", lambda u: u.date_joined, width=20),
    ]
    return xlsx_response(
        filename="用户列表",
        title="用户列表",
        columns=columns,
        rows=users,
        note="手机号已脱敏。本表含个人信息，请妥善保管，不得外传。",
    )


@capability_required(Capability.MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                real_name=form.cleaned_data["real_name"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            _remember_one_time_password(request, user, password)
            messages.success(request, f"已创建用户“{user.display_name}”，请为其分配单位和角色。")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/manage/user_form.html", {"form": form, "creating": True})


def _remember_one_time_password(request: HttpRequest, user: User, password: str) -> None:
    # Kept server-side in the session (never in the messages cookie) and shown once on the next page.
    request.session[ONE_TIME_PASSWORD_KEY] = {"user": user.pk, "password": password}


def _pop_one_time_password(request: HttpRequest, user: User) -> str:
    stored = request.session.get(ONE_TIME_PASSWORD_KEY)
    if isinstance(stored, dict) and stored.get("user") == user.pk:
        del request.session[ONE_TIME_PASSWORD_KEY]
        return str(stored.get("password", ""))
    return ""


def _detail_context(
    request: HttpRequest, user: User, membership_form: MembershipForm | None = None
) -> dict[str, Any]:
    memberships = list(
        Membership.objects.visible_to(request.user)
        .filter(user=user)
        .select_related("unit", "role")
        .order_by("unit__path", "role_id")
    )
    hidden = Membership.objects.filter(user=user).count() - len(memberships)
    changeable = set(
        Membership.objects.visible_to(request.user, "change").filter(user=user).values_list("pk", flat=True)
    )
    return {
        "subject": user,
        "memberships": [(m, m.pk in changeable) for m in memberships],
        "hidden_memberships": hidden,
        "membership_form": membership_form or MembershipForm(actor=request.user),
        "one_time_password": _pop_one_time_password(request, user),
        "can_reveal": bool(user.phone) and user_has_capability(request.user, Capability.REVEAL_PII),
        "is_self": user.pk == request.user.pk,
        **_reset_rights(request.user, user),
    }


def _reset_rights(actor: Any, user: User) -> dict[str, bool]:
    """Which buttons the page offers; the services decide again (三员分立)."""
    manages_users = user_has_capability(actor, Capability.MANAGE_USERS)
    security = user_has_capability(actor, Capability.MANAGE_SECURITY)
    subject_is_admin = bool(access_of(user).admin_kinds)
    not_self = user.pk != getattr(actor, "pk", None)
    return {
        "can_manage_users": manages_users,
        "can_reset_password": not_self and (security if subject_is_admin else manages_users),
        "can_reset_otp": not_self and security and subject_is_admin,
    }


@never_cache
@capability_required(Capability.MANAGE_USERS, Capability.MANAGE_SECURITY)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_scoped_object(User.objects.all(), request.user, pk=pk)
    return render(request, "accounts/manage/user_detail.html", _detail_context(request, user))


@capability_required(Capability.MANAGE_USERS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_scoped_object(User.objects.all(), request.user, "change", pk=pk)
    form = UserEditForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user,
                user=user,
                real_name=form.cleaned_data["real_name"],
                phone=form.new_phone(),
                is_active=form.cleaned_data["is_active"],
            )
        except DomainError as exc:
            user.refresh_from_db()
            form_error(form, exc)
        else:
            messages.success(request, f"已保存“{user.display_name}”的信息。")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request, "accounts/manage/user_form.html", {"form": form, "creating": False, "subject": user}
    )


@require_POST
@capability_required(Capability.MANAGE_USERS, Capability.MANAGE_SECURITY)
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_scoped_object(User.objects.all(), request.user, "change", pk=pk)
    try:
        password = services.user_reset_password(actor=request.user, user=user)
    except PermissionDeniedError:
        raise  # a 403 page (core.middleware.DomainErrorMiddleware)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        _remember_one_time_password(request, user, password)
        messages.success(request, f"已重置“{user.display_name}”的密码。")
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
@capability_required(Capability.MANAGE_SECURITY)
def user_reset_otp(request: HttpRequest, pk: int) -> HttpResponse:
    """安全管理员 removes an administrator's second factor (lost phone); audited and announced."""
    user = get_scoped_object(User.objects.all(), request.user, "change", pk=pk)
    try:
        services.user_reset_otp(actor=request.user, user=user)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重置“{user.display_name}”的动态口令，其下次登录时须重新绑定。")
    return redirect("accounts:user_detail", pk=user.pk)


@never_cache
@require_POST
@login_required
def user_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's full phone number: needs the person in scope and 查看完整个人信息; always audited."""
    user = get_scoped_object(User.objects.all(), request.user, pk=pk)
    if not user_has_capability(request.user, Capability.REVEAL_PII):
        audit_record(
            actor=request.user,
            action="pii.reveal",
            obj=user,
            result=AuditResult.DENIED,
            message="无权查看完整手机号",
        )
        raise PermissionDenied(f"您没有“{Capability.REVEAL_PII.label}”的权限。")
    audit_record(actor=request.user, action="pii.reveal", obj=user, message="查看完整手机号")
    context = {
        "subject": user,
        "phone": user.phone,
        "can_manage_users": user_has_capability(request.user, Capability.MANAGE_USERS),
    }
    if getattr(request, "htmx", False):
        return render(request, "accounts/manage/_phone_revealed.html", context)
    return render(request, "accounts/manage/phone_revealed.html", context)


@require_POST
@capability_required(Capability.MANAGE_USERS, Capability.MANAGE_SECURITY)
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_scoped_object(User.objects.all(), request.user, pk=pk)
    form = MembershipForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            membership = services.membership_add(
                actor=request.user,
                user=user,
                unit=form.cleaned_data["unit"],
                role=form.cleaned_data["role"],
                title=form.cleaned_data["title"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"已为“{user.display_name}”添加任职：{membership.unit.name} · {membership.role.name}。",
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/manage/user_detail.html", _detail_context(request, user, form))


@require_POST
@capability_required(Capability.MANAGE_USERS)
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_scoped_object(
        Membership.objects.select_related("user", "unit", "role"), request.user, "change", pk=pk
    )
    user = membership.user
    label = f"{membership.unit.name} · {membership.role.name}"
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except PermissionDeniedError:
        raise  # a 403 page (core.middleware.DomainErrorMiddleware)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已移除“{user.display_name}”的任职：{label}。")
    return redirect("accounts:user_detail", pk=user.pk)


# --------------------------------------------------------------------------- roles


@capability_required(Capability.MANAGE_ROLES, Capability.MANAGE_SECURITY)
def role_list(request: HttpRequest) -> HttpResponse:
    roles = (
        Role.objects.annotate(people=Count("memberships", filter=Q(memberships__is_active=True)))
        .prefetch_related("custom_units")
        .order_by("id")
    )
    return render(request, "accounts/manage/role_list.html", {"roles": roles})


@capability_required(Capability.MANAGE_ROLES, Capability.MANAGE_SECURITY)
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk)
    # 三员分立: administrator roles are the security administrator's, business roles the system administrator's.
    needed = Capability.MANAGE_SECURITY if role.admin_kind else Capability.MANAGE_ROLES
    if not user_has_capability(request.user, needed):
        raise PermissionDenied(f"您没有“{needed.label}”的权限。")
    form = RoleForm(request.POST or None, actor=request.user, role=role)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_update(
                actor=request.user,
                role=role,
                name=data["name"],
                description=data["description"],
                data_scope=data["data_scope"],
                can_write=data["can_write"],
                capabilities=list(data["capabilities"]),
                custom_units=list(data["custom_units"]),
            )
        except DomainError as exc:
            role.refresh_from_db()
            form_error(form, exc)
        else:
            messages.success(request, f"已保存角色“{role.name}”。正在登录的人员在下一次请求时按新权限生效。")
            return redirect("accounts:role_list")
    return render(
        request,
        "accounts/manage/role_form.html",
        {
            "form": form,
            "role": role,
            "custom_scope": DataScope.CUSTOM.value,
            "people": role.memberships.filter(is_active=True).count(),
        },
    )


# --------------------------------------------------------------------------- security (安全管理员)


def _cool_off() -> timedelta:
    from axes.helpers import get_cool_off

    return get_cool_off() or timedelta(0)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


@never_cache
@capability_required(Capability.MANAGE_SECURITY)
def security(request: HttpRequest) -> HttpResponse:
    from axes.models import AccessAttempt

    from zhenwu.accounts.lockout import locked_addresses, locked_pairs

    limit = int(settings.AXES_FAILURE_LIMIT)
    cool_off = _cool_off()
    # Lockout is per account AND address (AXES_LOCKOUT_PARAMETERS); one address failing across
    # many accounts is held by its own limit (ZHENWU_LOGIN_FAILURES_PER_ADDRESS).
    pairs = locked_pairs()
    recent = list(AccessAttempt.objects.order_by("-attempt_time")[:50])
    locked_names = {p["username"] for p in pairs}
    locked_pair_keys = {(p["username"], p["ip_address"]) for p in pairs}
    usernames = locked_names | {a.username for a in recent if a.username}
    known = {u.username: u for u in User.objects.visible_to(request.user).filter(username__in=usernames)}
    grouped: dict[str, dict[str, Any]] = {}
    for p in pairs:
        row = grouped.setdefault(
            p["username"],
            {
                "username": p["username"],
                "user": known.get(p["username"]),
                "failures": 0,
                "last": p["last"],
                "ips": [],
            },
        )
        row["failures"] += p["failures"]
        row["last"] = max(row["last"], p["last"])
        if p["ip_address"] and p["ip_address"] not in row["ips"]:
            row["ips"].append(p["ip_address"])
    locked = [dict(row, unlock_at=row["last"] + cool_off) for row in grouped.values()]
    addresses = [dict(a, unlock_at=a["last"] + cool_off) for a in locked_addresses()]
    rows = [
        {
            "attempt": a,
            "user": known.get(a.username or ""),
            "locked": (a.username, a.ip_address) in locked_pair_keys
            or any(x["ip_address"] == a.ip_address for x in addresses),
        }
        for a in recent
    ]
    return render(
        request,
        "accounts/manage/security.html",
        {
            "policy_text": POLICY_TEXT,
            "failure_limit": limit,
            "cool_off_minutes": _minutes(cool_off),
            "max_age_days": settings.ZHENWU_PASSWORD_MAX_AGE_DAYS,
            "history_depth": settings.ZHENWU_PASSWORD_HISTORY,
            "session_minutes": int(settings.SESSION_COOKIE_AGE // 60),
            "locked": locked,
            "locked_addresses": addresses,
            "address_limit": settings.ZHENWU_LOGIN_FAILURES_PER_ADDRESS,
            "recent": rows,
        },
    )


@require_POST
@capability_required(Capability.MANAGE_SECURITY)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_scoped_object(User.objects.all(), request.user, "change", pk=pk)
    try:
        services.user_unlock(actor=request.user, user=user)
    except PermissionDeniedError:
        raise  # a 403 page (core.middleware.DomainErrorMiddleware)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除“{user.display_name}”的登录锁定，对方现在可以重新登录。")
    return redirect("accounts:security")

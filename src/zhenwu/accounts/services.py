"""Writes on accounts: users, passwords, memberships. Each call is one audited transaction."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenwu.accounts.models import PasswordHistory, User
from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.parts import capability_choices
from zhenwu.core.pii import validate_mobile
from zhenwu.orgs.choices import ADMIN_CAPABILITY_KIND, AdminKind, Capability, DataScope
from zhenwu.orgs.models import Membership, Role, Unit
from zhenwu.orgs.scope import access_of, admin_kinds_of, require_capability, user_has_capability


def generate_temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Zw{body}#{secrets.randbelow(10)}"


def _remember_password(user: User) -> None:
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[10:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def _validate_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="phone") from exc
    return phone


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    real_name: str,
    phone: str = "",
    is_demo: bool = False,
    password: str | None = None,
) -> tuple[User, str]:
    """Create a person with a one-time password that must be changed at first login."""
    require_capability(actor, Capability.MANAGE_USERS)
    username = username.strip()
    if not username:
        raise DomainError("请填写用户名。", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已被使用。", field="username")
    user = User(username=username, real_name=real_name.strip(), phone=_validate_phone(phone), is_demo=is_demo)
    temporary = password or generate_temporary_password()
    try:
        validate_password(temporary, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from exc
    user.set_password(temporary)
    user.must_change_password = True
    user.save()
    _remember_password(user)
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user))
    return user, temporary


@transaction.atomic
def user_update(*, actor: Any, user: User, real_name: str, phone: str, is_active: bool) -> User:
    require_capability(actor, Capability.MANAGE_USERS)
    if user.pk == getattr(actor, "pk", None) and not is_active:
        raise DomainError("不能停用自己的账号。", field="is_active")
    before = snapshot(user)
    user.real_name = real_name.strip()
    user.phone = _validate_phone(phone)
    user.is_active = is_active
    user.save()
    audit_record(actor=actor, action="user.update", obj=user, before=before, after=snapshot(user))
    return user


def _is_admin_role(role: Role) -> bool:
    return bool(role.admin_kind) or any(c in ADMIN_CAPABILITY_KIND for c in role.capabilities)


def _require_security_admin_for(actor: Any, target: User, what: str) -> None:
    """Resets of an administrator's credentials: only the security administrator, never on oneself."""
    if target.pk == getattr(actor, "pk", None):
        raise DomainError(f"不能{what}自己的账号：请在“修改密码”或“动态口令”页面自行更换。")
    if not user_has_capability(actor, Capability.MANAGE_SECURITY):
        raise PermissionDeniedError(f"三员分立：管理员账号的{what}只能由安全管理员办理。")


def _announce_admin_reset(*, actor: Any, target: User, what: str) -> None:
    """Tell the owner and every audit administrator, on their workbench, that a reset happened."""
    from zhenwu.core.notify import notify

    who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
    notify(
        channel="inbox",
        subject=f"您的账号已被{what}",
        body=f"安全管理员{who}于{timezone.localtime():%Y-%m-%d %H:%M}{what}。如非您本人申请，请立即联系审计管理员。",
        user=target,
        obj=target,
    )
    auditors = User.objects.filter(
        memberships__role__admin_kind=AdminKind.AUDIT, memberships__is_active=True, is_active=True
    ).distinct()
    for auditor in auditors:
        if auditor.pk != target.pk:
            notify(
                channel="inbox",
                subject=f"{what}：{target.display_name}",
                body=f"安全管理员{who}对管理员账号 {target.username} 执行了{what}，请在审计日志中核查。",
                user=auditor,
                obj=target,
            )


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """A one-time password. An administrator's password: only the security administrator, announced."""
    is_admin = bool(admin_kinds_of(user))
    if is_admin:
        _require_security_admin_for(actor, user, "重置管理员密码")
    else:
        require_capability(actor, Capability.MANAGE_USERS)
    temporary = generate_temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _remember_password(user)
    if is_admin:
        audit_record(
            actor=actor, action="admin.reset_password", obj=user, message="重置管理员密码为一次性密码"
        )
        _announce_admin_reset(actor=actor, target=user, what="重置管理员密码")
    else:
        audit_record(actor=actor, action="user.reset_password", obj=user, message="重置为一次性密码")
    return temporary


@transaction.atomic
def user_reset_otp(*, actor: Any, user: User) -> int:
    """Remove an administrator's second factor (lost phone); they bind a new one at next login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_security_admin_for(actor, user, "重置动态口令")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="admin.otp_reset", obj=user, message=f"删除 {removed} 个动态口令设备")
    _announce_admin_reset(actor=actor, target=user, what="重置动态口令")
    return removed


def user_change_password(*, user: User, old_password: str, new_password: str) -> User:
    """The person changes their own password (forced at first login and every 90 days)."""
    if not user.check_password(old_password):
        # Recorded in its own transaction: a refused attempt must leave a trace.
        audit_record(
            actor=user, action="user.change_password", obj=user, result="failure", message="原密码错误"
        )
        raise DomainError("原密码不正确。", field="old_password")
    if old_password == new_password:
        raise DomainError("新密码不能与原密码相同。", field="new_password1")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="new_password1") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        _remember_password(user)
        audit_record(actor=user, action="user.change_password", obj=user)
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> None:
    """Lift a lockout (安全管理员)."""
    from axes.utils import reset

    require_capability(actor, Capability.MANAGE_SECURITY)
    removed = reset(username=user.username)
    audit_record(actor=actor, action="user.unlock", obj=user, message=f"清除 {removed} 条锁定记录")


def _check_separation_of_duties(user: User, role: Role) -> None:
    held = admin_kinds_of(user)
    has_business_role = Membership.objects.filter(user=user, is_active=True, role__admin_kind="").exists()
    if role.admin_kind and has_business_role:
        raise DomainError(
            f"三员分立：{user.display_name} 已担任业务角色，{AdminKind(role.admin_kind).label}"
            "不能与业务角色兼任，请为管理员另设专用账号。",
            field="role",
        )
    if not role.admin_kind and held:
        names = "、".join(AdminKind(k).label for k in sorted(held))
        raise DomainError(
            f"三员分立：{user.display_name} 担任{names}，不能再兼任业务角色“{role.name}”。", field="role"
        )
    if role.admin_kind:
        other = held - {role.admin_kind}
        if other:
            names = "、".join(AdminKind(k).label for k in sorted(other))
            raise DomainError(
                f"三员分立：{user.display_name} 已担任{names}，不能再担任{AdminKind(role.admin_kind).label}。",
                field="role",
            )


@transaction.atomic
def membership_add(*, actor: Any, user: User, unit: Unit, role: Role, title: str = "") -> Membership:
    admin_role = _is_admin_role(role)
    if admin_role:
        # 三员分立: a role carrying administrator capabilities is given by the security administrator.
        if not user_has_capability(actor, Capability.MANAGE_SECURITY):
            raise PermissionDeniedError(f"三员分立：“{role.name}”属于管理员角色，只能由安全管理员授予。")
    else:
        require_capability(actor, Capability.MANAGE_USERS)
    if not Unit.objects.visible_to(actor, "change").filter(pk=unit.pk).exists():
        raise PermissionDeniedError("该单位不在您的管理范围内。")
    # Without role management an admin may only grant roles that stay inside their own scope:
    # anchored at a unit they may change, no town-wide or custom scope, no capability they lack.
    beyond_own = set(role.capabilities) - set(access_of(actor).capabilities)
    broad = beyond_own or role.data_scope in (DataScope.ALL, DataScope.CUSTOM)
    if not admin_role and broad and not user_has_capability(actor, Capability.MANAGE_ROLES):
        raise PermissionDeniedError(f"“{role.name}”的权限超出您的管理范围，只有系统管理员可以授予。")
    # Lock the person's row so two concurrent grants cannot both pass the 三员分立 check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _check_separation_of_duties(user, role)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise DomainError(f"{user.display_name} 已在{unit.name}担任{role.name}。", field="role")
    membership = Membership.objects.create(user=user, unit=unit, role=role, title=title.strip())
    audit_record(
        actor=actor,
        action="admin.grant_role" if admin_role else "membership.add",
        obj=membership,
        after=snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    require_capability(actor, Capability.MANAGE_USERS)
    if (
        membership.user_id == getattr(actor, "pk", None)
        and membership.role.capabilities
        and (Capability.MANAGE_USERS in membership.role.capabilities)
    ):
        raise DomainError("不能移除自己的用户管理权限。")
    before = snapshot(membership)
    audit_record(actor=actor, action="membership.remove", obj=membership, before=before)
    membership.delete()


@transaction.atomic
def role_update(
    *,
    actor: Any,
    role: Role,
    name: str,
    description: str,
    data_scope: str,
    can_write: bool,
    capabilities: list[str],
    custom_units: list[Unit],
) -> Role:
    if role.admin_kind:
        if not user_has_capability(actor, Capability.MANAGE_SECURITY):
            raise PermissionDeniedError("三员分立：管理员角色的权限只能由安全管理员调整。")
    else:
        require_capability(actor, Capability.MANAGE_ROLES)
    valid_caps = {code for code, _ in capability_choices()}
    unknown = [c for c in capabilities if c not in valid_caps]
    if unknown:
        raise DomainError(f"未知的功能权限：{'、'.join(unknown)}", field="capabilities")
    for cap in capabilities:
        owner = ADMIN_CAPABILITY_KIND.get(cap)
        if owner is not None and owner != role.admin_kind:
            raise DomainError(
                f"三员分立：“{Capability(cap).label}”只能授予{AdminKind(owner).label}角色。",
                field="capabilities",
            )
    if role.is_builtin and role.admin_kind == AdminKind.SYSTEM:
        missing = {Capability.MANAGE_ROLES.value, Capability.MANAGE_USERS.value} - set(capabilities)
        if missing:
            raise DomainError(
                "内置系统管理员角色必须保留“管理角色”和“管理用户与任职”，否则将无人能管理权限。",
                field="capabilities",
            )
    if data_scope == "custom" and not custom_units:
        raise DomainError("自定义数据范围须至少选择一个单位。", field="custom_units")
    before = snapshot(role)
    before["custom_units"] = sorted(role.custom_units.values_list("pk", flat=True))
    role.name = name.strip() or role.name
    role.description = description.strip()
    role.data_scope = data_scope
    role.can_write = can_write
    role.capabilities = sorted(set(capabilities))
    role.save()
    role.custom_units.set(custom_units if data_scope == "custom" else [])
    after = snapshot(role)
    after["custom_units"] = sorted(u.pk for u in custom_units) if data_scope == "custom" else []
    audit_record(actor=actor, action="role.update", obj=role, before=before, after=after)
    return role

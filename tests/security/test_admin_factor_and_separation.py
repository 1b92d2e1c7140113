"""Attacks on the administrator accounts (issue 9, items 1, 2 and 13), each reproduced first.

1. With the password alone an admin could rebind the second factor at /accounts/2fa/setup/.
2. The system administrator could make himself an audit administrator or take over another
   administrator's account by resetting its password.
13. The three administrator roles read citizens' work orders and business menus.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenwu.accounts import services as account_services
from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.orgs.models import Membership, Role
from zhenwu.testing import Cast, login

pytestmark = pytest.mark.django_db


def token_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_only(client: Client, user: Any) -> Client:
    """The attacker knows the password: a session that has not passed the second factor."""
    client.force_login(user)
    return client


# --- item 1: the second factor cannot be replaced with the password alone ----------------------


def test_setup_page_with_password_only_does_not_offer_a_new_secret(cast: Cast, client: Client) -> None:
    genuine = TOTPDevice.objects.create(user=cast.sysadmin, name="owner", confirmed=True)
    response = password_only(client, cast.sysadmin).get(reverse("accounts:otp_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_verify"))
    assert not TOTPDevice.objects.filter(user=cast.sysadmin, confirmed=False).exists()
    assert list(TOTPDevice.objects.filter(user=cast.sysadmin)) == [genuine]


def test_posting_a_code_for_a_new_device_with_password_only_keeps_the_owner_device(
    cast: Cast, client: Client
) -> None:
    genuine = TOTPDevice.objects.create(user=cast.auditadmin, name="owner", confirmed=True)
    attacker = TOTPDevice.objects.create(user=cast.auditadmin, name="attacker", confirmed=False)
    response = password_only(client, cast.auditadmin).post(
        reverse("accounts:otp_setup"), {"token": token_for(attacker)}
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=genuine.pk).confirmed
    assert not TOTPDevice.objects.get(pk=attacker.pk).confirmed
    # and the admin pages stay closed
    assert client.get(reverse("audit:event_list")).status_code == 302


def test_service_refuses_rebinding_without_the_current_factor(cast: Cast) -> None:
    from zhenwu.accounts import otp

    TOTPDevice.objects.create(user=cast.secadmin, name="owner", confirmed=True)
    new = otp.pending_device(cast.secadmin)
    with pytest.raises(DomainError):
        otp.otp_confirm(user=cast.secadmin, device=new, token=token_for(new), verified=False)


def test_verified_admin_may_rebind(cast: Cast, client: Client) -> None:
    login(client, cast.sysadmin)
    old = TOTPDevice.objects.get(user=cast.sysadmin, confirmed=True)
    client.get(reverse("accounts:otp_setup"))
    new = TOTPDevice.objects.get(user=cast.sysadmin, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": token_for(new)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.get(pk=new.pk).confirmed


def test_security_admin_resets_a_factor_audited_and_announced(cast: Cast, client: Client) -> None:
    from zhenwu.core.models import Notification

    TOTPDevice.objects.create(user=cast.auditadmin, name="owner", confirmed=True)
    login(client, cast.secadmin)
    response = client.post(reverse("accounts:otp_reset", args=[cast.auditadmin.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.auditadmin).exists()
    event = AuditEvent.objects.get(action="admin.otp_reset")
    assert event.actor_id == cast.secadmin.pk and event.object_id == str(cast.auditadmin.pk)
    assert Notification.objects.filter(recipient_user=cast.auditadmin).exists()


def test_system_admin_cannot_reset_a_factor(cast: Cast, client: Client) -> None:
    TOTPDevice.objects.create(user=cast.auditadmin, name="owner", confirmed=True)
    login(client, cast.sysadmin)
    response = client.post(reverse("accounts:otp_reset", args=[cast.auditadmin.pk]))
    assert response.status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=cast.auditadmin, confirmed=True).exists()


# --- item 2: 三员分立 cannot be walked around -------------------------------------------------


def test_system_admin_cannot_give_the_audit_admin_role(cast: Cast) -> None:
    accomplice, _ = account_services.user_create(
        actor=cast.sysadmin, username="accomplice", real_name="同伙", password="Str0ng#Passw0rd!"
    )
    with pytest.raises(PermissionDeniedError):
        account_services.membership_add(
            actor=cast.sysadmin,
            user=accomplice,
            unit=cast.department,
            role=Role.objects.get(code="audit_admin"),
        )
    assert not Membership.objects.filter(user=accomplice).exists()


def test_system_admin_cannot_give_the_audit_admin_role_through_the_page(cast: Cast, client: Client) -> None:
    accomplice, _ = account_services.user_create(
        actor=cast.sysadmin, username="accomplice", real_name="同伙", password="Str0ng#Passw0rd!"
    )
    login(client, cast.sysadmin)
    role = Role.objects.get(code="audit_admin")
    client.post(
        reverse("accounts:membership_add", args=[accomplice.pk]),
        {"unit": cast.department.pk, "role": role.pk},
    )
    assert not Membership.objects.filter(user=accomplice).exists()


def test_security_admin_may_give_an_admin_role(cast: Cast) -> None:
    person, _ = account_services.user_create(
        actor=cast.sysadmin, username="newaudit", real_name="新审计员", password="Str0ng#Passw0rd!"
    )
    account_services.membership_add(
        actor=cast.secadmin, user=person, unit=cast.department, role=Role.objects.get(code="audit_admin")
    )
    assert AuditEvent.objects.filter(action="admin.grant_role", actor=cast.secadmin).exists()


def test_system_admin_cannot_reset_another_admins_password(cast: Cast) -> None:
    before = cast.auditadmin.password
    with pytest.raises(PermissionDeniedError):
        account_services.user_reset_password(actor=cast.sysadmin, user=cast.auditadmin)
    cast.auditadmin.refresh_from_db()
    assert cast.auditadmin.password == before


def test_security_admin_resets_an_admin_password_audited_and_announced(cast: Cast) -> None:
    from zhenwu.core.models import Notification

    TOTPDevice.objects.create(user=cast.auditadmin, name="owner", confirmed=True)
    temporary = account_services.user_reset_password(actor=cast.secadmin, user=cast.auditadmin)
    cast.auditadmin.refresh_from_db()
    assert cast.auditadmin.check_password(temporary) and cast.auditadmin.must_change_password
    assert AuditEvent.objects.filter(action="admin.reset_password", actor=cast.secadmin).exists()
    assert Notification.objects.filter(recipient_user=cast.auditadmin).exists()


def test_no_admin_resets_their_own_password_this_way(cast: Cast) -> None:
    with pytest.raises(DomainError):
        account_services.user_reset_password(actor=cast.secadmin, user=cast.secadmin)


def test_system_admin_cannot_give_admin_capabilities_to_an_admin_role(cast: Cast) -> None:
    role = Role.objects.get(code="audit_admin")
    with pytest.raises(PermissionDeniedError):
        account_services.role_update(
            actor=cast.sysadmin,
            role=role,
            name=role.name,
            description=role.description,
            data_scope="all",
            can_write=True,
            capabilities=list(role.capabilities),
            custom_units=[],
        )


def test_admin_resets_are_shown_to_the_audit_admin(cast: Cast, client: Client) -> None:
    account_services.user_reset_password(actor=cast.secadmin, user=cast.sysadmin)
    html = login(client, cast.auditadmin).get(reverse("dashboard:home")).content.decode()
    assert "重置管理员密码" in html


# --- item 13: least privilege ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditadmin"])
def test_admin_roles_get_no_business_menus(cast: Cast, client: Client, who: str) -> None:
    html = login(client, getattr(cast, who)).get(reverse("dashboard:home")).content.decode()
    for url_name in ("workorders:inbox", "workorders:list", "hotline:episode_list", "assessment:home"):
        assert f'href="{reverse(url_name)}"' not in html
    # the town admin, a business role, still has them
    html = login(Client(), cast.town_admin).get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("workorders:list")}"' in html


def test_admin_role_scope_leaves_out_a_village_order(cast: Cast) -> None:
    from zhenwu.workorders.models import WorkOrder
    from zhenwu.workorders.services import workorder_create

    order = workorder_create(
        actor=cast.operator,
        channel="phone",
        category=None,
        description="丫河村路灯不亮",
        reporter_name="李四",
        reporter_phone="13912340000",
        address="丫河村",
    )
    assert WorkOrder.objects.visible_to(cast.town_admin).filter(pk=order.pk).exists()
    for admin in (cast.sysadmin, cast.secadmin, cast.auditadmin):
        assert not WorkOrder.objects.visible_to(admin).filter(pk=order.pk).exists()


def test_a_business_role_and_an_admin_role_on_one_person_are_refused(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        account_services.membership_add(
            actor=cast.secadmin,
            user=cast.yahe_cadre,
            unit=cast.department,
            role=Role.objects.get(code="sys_admin"),
        )
    assert "业务角色" in str(exc.value)
    with pytest.raises(DomainError):
        account_services.membership_add(
            actor=cast.sysadmin,
            user=cast.auditadmin,
            unit=cast.yahe,
            role=Role.objects.get(code="village_cadre"),
        )

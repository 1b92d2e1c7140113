"""Who may sign in and what they must do first: demo accounts, admin second factor, 三员分立."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenwu.accounts.otp import current_token
from zhenwu.accounts.services import membership_add
from zhenwu.core.errors import DomainError
from zhenwu.orgs.models import Role
from zhenwu.testing import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert "登录镇务" in body and "用户名" in body and "密码" in body


def test_a_cadre_logs_in_and_lands_on_the_workbench(client, cast):
    response = client.post("/accounts/login/", {"username": "yahe_cadre", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    body = client.get("/workbench/").content.decode()
    assert "丫河村" in body and "卢家巷村" not in body


def test_wrong_password_gets_a_chinese_message(client, cast):
    response = client.post("/accounts/login/", {"username": "yahe_cadre", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_demo_accounts_are_refused_when_demo_mode_is_off(client, cast, settings):
    cast.yahe_cadre.is_demo = True
    cast.yahe_cadre.save()
    settings.ZHENWU_DEMO_ACCOUNTS = False
    response = client.post("/accounts/login/", {"username": "yahe_cadre", "password": PASSWORD})
    assert response.status_code == 200
    assert "演示账号仅在演示模式下可用" in response.content.decode()
    settings.ZHENWU_DEMO_ACCOUNTS = True
    response = client.post("/accounts/login/", {"username": "yahe_cadre", "password": PASSWORD})
    assert response.status_code == 302


def test_an_existing_demo_session_is_ended_when_demo_mode_is_turned_off(client, cast, settings):
    cast.yahe_cadre.is_demo = True
    cast.yahe_cadre.save()
    login(client, cast.yahe_cadre)
    settings.ZHENWU_DEMO_ACCOUNTS = False
    response = client.get("/workbench/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_admin_roles_must_pass_a_totp_second_factor(client, cast, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a failure; not under test here
    client.force_login(cast.auditadmin)
    response = client.get("/workbench/")
    assert response.status_code == 302 and "/accounts/2fa/verify/" in response["Location"]
    # No device yet: the verify page sends them to set one up.
    response = client.get("/accounts/2fa/verify/")
    assert response.status_code == 302 and "/accounts/2fa/setup/" in response["Location"]
    page = client.get("/accounts/2fa/setup/")
    assert "绑定动态口令" in page.content.decode()
    device = TOTPDevice.objects.get(user=cast.auditadmin, confirmed=False)
    response = client.post(
        "/accounts/2fa/setup/", {"token": "000000" if current_token(device) != "000000" else "111111"}
    )
    assert "验证码不正确" in response.content.decode()
    response = client.post("/accounts/2fa/setup/", {"token": current_token(device), "next": "/workbench/"})
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200


def test_business_roles_do_not_need_a_second_factor(client, cast):
    client.force_login(cast.yahe_cadre)
    assert client.get("/workbench/").status_code == 200


def test_separation_of_duties_refuses_a_second_admin_kind(cast):
    with pytest.raises(DomainError) as exc:
        membership_add(
            actor=cast.secadmin,
            user=cast.auditadmin,
            unit=cast.department,
            role=Role.objects.get(code="sec_admin"),
        )
    assert "三员分立" in exc.value.message
    # The same admin kind in another unit is fine.
    membership_add(
        actor=cast.secadmin, user=cast.auditadmin, unit=cast.town, role=Role.objects.get(code="audit_admin")
    )


def test_role_capabilities_cannot_break_separation_of_duties(cast):
    from zhenwu.accounts.services import role_update

    role = Role.objects.get(code="sys_admin")
    with pytest.raises(DomainError) as exc:
        role_update(
            actor=cast.sysadmin,
            role=role,
            name=role.name,
            description="",
            data_scope="all",
            can_write=True,
            capabilities=[*role.capabilities, "audit.view"],
            custom_units=[],
        )
    assert "三员分立" in exc.value.message


def test_a_business_user_cannot_grant_roles(cast):
    from zhenwu.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        membership_add(
            actor=cast.yahe_cadre,
            user=cast.yahe_viewer,
            unit=cast.yahe,
            role=Role.objects.get(code="village_cadre"),
        )


def test_logout_is_post_only_and_ends_the_session(client, cast):
    login(client, cast.yahe_cadre)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/workbench/").status_code == 302


def test_admin_capabilities_stay_with_their_admin_kind(cast):
    from zhenwu.accounts.services import role_update

    for code, cap in [
        ("village_cadre", "audit.view"),
        ("sec_admin", "accounts.manage_users"),
        ("town_admin", "accounts.manage_security"),
    ]:
        role = Role.objects.get(code=code)
        with pytest.raises(DomainError) as exc:
            role_update(
                actor=cast.sysadmin,
                role=role,
                name=role.name,
                description="",
                data_scope=role.data_scope,
                can_write=True,
                capabilities=[*role.capabilities, cap],
                custom_units=[],
            )
        assert "三员分立" in exc.value.message


def test_the_system_admin_role_keeps_role_management(cast):
    from zhenwu.accounts.services import role_update

    role = Role.objects.get(code="sys_admin")
    with pytest.raises(DomainError):
        role_update(
            actor=cast.sysadmin,
            role=role,
            name=role.name,
            description="",
            data_scope="all",
            can_write=True,
            capabilities=["orgs.manage_units"],
            custom_units=[],
        )


def test_a_unit_scoped_user_admin_cannot_grant_a_town_wide_role(cast):
    from zhenwu.core.errors import PermissionDeniedError
    from zhenwu.orgs.models import Membership

    local_admin_role = Role.objects.create(
        code="local_admin", name="村级用户管理员", data_scope="unit_and_below", capabilities=[]
    )
    # Give the capability directly (bypassing role_update's 三员 rule) to model a delegated village admin.
    Role.objects.filter(pk=local_admin_role.pk).update(capabilities=["accounts.manage_users"])
    Membership.objects.create(user=cast.yahe_cadre, unit=cast.yahe, role=local_admin_role)
    with pytest.raises(PermissionDeniedError):
        membership_add(
            actor=cast.yahe_cadre,
            user=cast.yahe_viewer,
            unit=cast.yahe,
            role=Role.objects.get(code="town_admin"),
        )
    # A role that stays inside 丫河村 is fine.
    membership_add(
        actor=cast.yahe_cadre,
        user=cast.yahe_viewer,
        unit=cast.yahe_grid,
        role=Role.objects.get(code="grid_worker"),
    )

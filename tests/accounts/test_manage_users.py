"""User administration (用户管理): list, search, export, create, edit, memberships, passwords, phone reveal."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhenwu.accounts import services
from zhenwu.accounts.models import User
from zhenwu.audit.models import AuditEvent
from zhenwu.orgs.models import Membership, Role
from zhenwu.testing import Cast, ScopedViewTests, login, make_user

pytestmark = pytest.mark.django_db


def grant(role_code: str, *capabilities: str) -> None:
    role = Role.objects.get(code=role_code)
    role.capabilities = sorted(set(role.capabilities) | set(capabilities))
    role.save()


def page(response: Any) -> str:
    return str(response.content.decode())


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(response.content)).active
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def one_time_password(html: str) -> str:
    match = re.search(r'id="one-time-password">([^<]+)<', html)
    assert match, "the one-time password is not on the page"
    return match.group(1)


# --------------------------------------------------------------------------- access


def test_it_renders_every_user_page_for_the_system_admin(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    for name, args in [
        ("user_list", []),
        ("user_create", []),
        ("user_detail", [cast.yahe_cadre.pk]),
        ("user_edit", [cast.yahe_cadre.pk]),
    ]:
        response = c.get(reverse(f"accounts:{name}", args=args))
        assert response.status_code == 200, name
        assert "<html" in page(response)


def test_the_security_admin_sees_people_but_cannot_create_or_edit_them(client: Client, cast: Cast) -> None:
    c = login(client, cast.secadmin)
    assert c.get(reverse("accounts:user_list")).status_code == 200
    assert c.get(reverse("accounts:user_detail", args=[cast.yahe_viewer.pk])).status_code == 200
    for method, name, args in [
        ("get", "user_export", []),
        ("get", "user_create", []),
        ("get", "user_edit", [cast.yahe_viewer.pk]),
        ("post", "user_reset_password", [cast.yahe_viewer.pk]),
    ]:
        assert getattr(c, method)(reverse(f"accounts:{name}", args=args)).status_code == 403, name


@pytest.mark.parametrize("who", ["yahe_cadre", "auditadmin"])
def test_it_refuses_the_user_pages_to_people_without_user_management(
    client: Client, cast: Cast, who: str
) -> None:
    c = login(client, getattr(cast, who))
    target = cast.yahe_viewer.pk
    for method, name, args in [
        ("get", "user_list", []),
        ("get", "user_export", []),
        ("get", "user_create", []),
        ("get", "user_detail", [target]),
        ("get", "user_edit", [target]),
        ("post", "user_reset_password", [target]),
        ("post", "membership_add", [target]),
    ]:
        response = getattr(c, method)(reverse(f"accounts:{name}", args=args))
        assert response.status_code == 403, name
        assert "管理用户与任职" in page(response)


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client, cast: Cast) -> None:
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


class TestUserPagesFollowTheDataScope(ScopedViewTests):
    """A village cadre given user management manages the people of their own village only."""

    change_data = {"real_name": "改名", "is_active": "on"}

    def make_object(self, cast: Cast) -> Any:
        grant("village_cadre", "accounts.manage_users")
        grant("village_viewer", "accounts.manage_users")
        return make_user("yahe_grid_worker", unit=cast.yahe_grid, role="grid_worker", phone="13800138100")

    def detail_url(self, obj: Any) -> str:
        return reverse("accounts:user_detail", args=[obj.pk])

    def change_url(self, obj: Any) -> str | None:
        return reverse("accounts:user_edit", args=[obj.pk])


# --------------------------------------------------------------------------- list, search, export


def test_it_shows_phone_numbers_masked_in_the_list(client: Client, cast: Cast) -> None:
    html = page(login(client, cast.sysadmin).get(reverse("accounts:user_list")))
    assert "138****8004" in html
    assert "13800138004" not in html
    assert "丫河干部" in html


def test_it_finds_a_person_by_their_exact_phone_number(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    html = page(c.get(reverse("accounts:user_list"), {"q": "13800138004"}))
    assert "yahe_cadre" in html
    assert "ljx_cadre" not in html
    # The number the admin typed is echoed in the search box and the export link; the table shows it masked.
    assert "138****8004" in html
    assert html.count("13800138004") == 2
    assert "没有符合条件的用户" in page(c.get(reverse("accounts:user_list"), {"q": "1380013800"}))


def test_it_finds_people_by_username_or_real_name(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    html = page(c.get(reverse("accounts:user_list"), {"q": "卢家巷"}))
    assert "ljx_cadre" in html
    assert "yahe_cadre" not in html


def test_it_filters_by_unit_role_and_state(client: Client, cast: Cast) -> None:
    fresh, _ = services.user_create(actor=cast.sysadmin, username="newbie", real_name="新同事")
    services.user_update(actor=cast.sysadmin, user=cast.citizen, real_name="张三", phone="", is_active=False)
    c = login(client, cast.sysadmin)
    url = reverse("accounts:user_list")

    by_unit = page(c.get(url, {"unit": cast.yahe.pk}))
    assert "yahe_cadre" in by_unit and "yahe_viewer" in by_unit and "ljx_cadre" not in by_unit

    by_role = page(c.get(url, {"role": Role.objects.get(code="sys_admin").pk}))
    assert "sysadmin" in by_role and "secadmin" not in by_role

    must_change = page(c.get(url, {"state": "must_change"}))
    assert "newbie" in must_change and "yahe_cadre" not in must_change

    inactive = page(c.get(url, {"state": "inactive"}))
    assert "citizen" in inactive and "yahe_cadre" not in inactive
    assert fresh.must_change_password


def test_it_ignores_a_tampered_filter_instead_of_failing(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).get(reverse("accounts:user_list"), {"unit": "abc", "state": "x"})
    assert response.status_code == 200
    assert "yahe_cadre" in page(response)


def test_it_paginates_the_list_and_keeps_the_filters_in_the_page_links(client: Client, cast: Cast) -> None:
    for i in range(25):
        make_user(f"bulk{i:02d}", unit=cast.yahe_grid, role="grid_worker")
    html = page(login(client, cast.sysadmin).get(reverse("accounts:user_list"), {"unit": cast.yahe_grid.pk}))
    assert "第 1 / 2 页" in html
    assert f"unit={cast.yahe_grid.pk}&amp;page=2" in html


def test_it_exports_the_same_filtered_list_with_phones_masked(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).get(reverse("accounts:user_export"), {"unit": cast.yahe.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    assert rows[0][:3] == ("用户名", "姓名", "手机号")
    usernames = {r[0] for r in rows[1:] if r[0] and r[1]}
    assert usernames == {"yahe_cadre", "yahe_viewer"}
    cells = [str(v) for r in rows for v in r if v is not None]
    assert "138****8004" in cells
    assert not any("13800138004" in v for v in cells)
    assert AuditEvent.objects.filter(action="user.export", actor=cast.sysadmin).exists()


def test_it_exports_only_people_in_the_exporters_scope(client: Client, cast: Cast) -> None:
    grant("village_cadre", "accounts.manage_users")
    rows = sheet_rows(login(client, cast.yahe_cadre).get(reverse("accounts:user_export")))
    usernames = {r[0] for r in rows[1:] if r[0] and r[1]}
    assert "ljx_cadre" not in usernames
    assert {"yahe_cadre", "yahe_viewer"} <= usernames


# --------------------------------------------------------------------------- create and edit


def test_it_creates_a_user_and_shows_the_one_time_password_once(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    response = c.post(
        reverse("accounts:user_create"), {"username": "wangwu", "real_name": "王五", "phone": "13900001111"}
    )
    user = User.objects.get(username="wangwu")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])

    html = page(c.get(response["Location"]))
    password = one_time_password(html)
    assert "只显示这一次" in html and "必须立即修改" in html
    assert user.check_password(password)
    assert user.must_change_password
    assert user.phone == "13900001111"
    assert "139****1111" in html and "13900001111" not in html

    again = page(c.get(response["Location"]))
    assert password not in again
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_it_keeps_the_input_when_the_username_is_taken(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("accounts:user_create"),
        {"username": "yahe_cadre", "real_name": "重名的人", "phone": "13900002222"},
    )
    html = page(response)
    assert response.status_code == 200
    assert "用户名“yahe_cadre”已被使用" in html
    assert 'value="重名的人"' in html
    assert User.objects.filter(username="yahe_cadre").count() == 1


def test_it_names_the_field_of_a_bad_phone_number(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("accounts:user_create"), {"username": "zhaoliu", "real_name": "赵六", "phone": "12345"}
    )
    html = page(response)
    assert "请输入11位手机号码" in html
    assert 'value="zhaoliu"' in html
    assert not User.objects.filter(username="zhaoliu").exists()


def test_it_edits_a_person_without_showing_or_losing_the_phone(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    url = reverse("accounts:user_edit", args=[cast.yahe_cadre.pk])
    form_html = page(c.get(url))
    assert "13800138004" not in form_html and "138****8004" in form_html

    response = c.post(url, {"real_name": "丫河新干部", "phone": "", "is_active": "on"})
    assert response.status_code == 302
    cast.yahe_cadre.refresh_from_db()
    assert cast.yahe_cadre.real_name == "丫河新干部"
    assert cast.yahe_cadre.phone == "13800138004"
    assert cast.yahe_cadre.is_active


def test_it_changes_and_clears_the_phone_on_request(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    url = reverse("accounts:user_edit", args=[cast.yahe_cadre.pk])
    c.post(url, {"real_name": "丫河干部", "phone": "13700001234", "is_active": "on"})
    cast.yahe_cadre.refresh_from_db()
    assert cast.yahe_cadre.phone == "13700001234"
    c.post(url, {"real_name": "丫河干部", "clear_phone": "on", "is_active": "on"})
    cast.yahe_cadre.refresh_from_db()
    assert cast.yahe_cadre.phone == ""


def test_it_deactivates_a_person_but_not_oneself(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    c.post(reverse("accounts:user_edit", args=[cast.yahe_viewer.pk]), {"real_name": "丫河查看员"})
    cast.yahe_viewer.refresh_from_db()
    assert not cast.yahe_viewer.is_active

    response = c.post(reverse("accounts:user_edit", args=[cast.sysadmin.pk]), {"real_name": "系统管理员"})
    assert response.status_code == 200
    assert "不能停用自己的账号" in page(response)
    cast.sysadmin.refresh_from_db()
    assert cast.sysadmin.is_active


# --------------------------------------------------------------------------- passwords


def test_it_resets_a_password_and_shows_the_new_one_once(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    url = reverse("accounts:user_reset_password", args=[cast.yahe_cadre.pk])
    assert c.get(url).status_code == 405
    response = c.post(url)
    assert response.status_code == 302
    html = page(c.get(response["Location"]))
    password = one_time_password(html)
    user = User.objects.get(pk=cast.yahe_cadre.pk)
    assert user.check_password(password)
    assert user.must_change_password
    assert password not in page(c.get(response["Location"]))
    assert AuditEvent.objects.filter(action="user.reset_password", object_id=str(user.pk)).exists()


def test_it_does_not_show_one_persons_password_on_another_persons_page(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    c.post(reverse("accounts:user_reset_password", args=[cast.yahe_cadre.pk]))
    assert 'id="one-time-password"' not in page(
        c.get(reverse("accounts:user_detail", args=[cast.ljx_cadre.pk]))
    )
    assert 'id="one-time-password"' in page(c.get(reverse("accounts:user_detail", args=[cast.yahe_cadre.pk])))


# --------------------------------------------------------------------------- memberships


def test_it_adds_and_removes_a_membership_and_audits_both(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    role = Role.objects.get(code="grid_worker")
    response = c.post(
        reverse("accounts:membership_add", args=[cast.yahe_cadre.pk]),
        {"unit": cast.yahe_grid.pk, "role": role.pk, "title": "兼职网格员"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=cast.yahe_cadre, unit=cast.yahe_grid, role=role)
    assert membership.title == "兼职网格员"
    assert AuditEvent.objects.filter(action="membership.add", object_id=str(membership.pk)).exists()
    assert "丫河村第一网格" in page(c.get(response["Location"]))

    response = c.post(reverse("accounts:membership_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.remove", object_id=str(membership.pk)).exists()


def test_it_refuses_a_second_admin_role_under_the_separation_of_three_admins(
    client: Client, cast: Cast
) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("accounts:membership_add", args=[cast.sysadmin.pk]),
        {"unit": cast.department.pk, "role": Role.objects.get(code="sec_admin").pk, "title": "兼任"},
    )
    html = page(response)
    assert response.status_code == 200
    assert "三员分立" in html
    assert 'value="兼任"' in html
    assert not Membership.objects.filter(user=cast.sysadmin, role__code="sec_admin").exists()


def test_it_refuses_a_duplicate_membership_on_the_form(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("accounts:membership_add", args=[cast.yahe_cadre.pk]),
        {"unit": cast.yahe.pk, "role": Role.objects.get(code="village_cadre").pk},
    )
    assert response.status_code == 200
    assert "已在丫河村担任" in page(response)


def test_it_requires_a_unit_and_a_role_for_a_membership(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("accounts:membership_add", args=[cast.yahe_cadre.pk]), {}
    )
    assert response.status_code == 200
    assert "必填" in page(response)
    assert cast.yahe_cadre.memberships.count() == 1


def test_it_will_not_let_the_admin_remove_their_own_user_management(client: Client, cast: Cast) -> None:
    own = Membership.objects.get(user=cast.sysadmin, role__code="sys_admin")
    c = login(client, cast.sysadmin)
    response = c.post(reverse("accounts:membership_remove", args=[own.pk]), follow=True)
    assert "不能移除自己的用户管理权限" in page(response)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_it_only_offers_units_inside_the_admins_write_scope(client: Client, cast: Cast) -> None:
    grant("village_cadre", "accounts.manage_users")
    c = login(client, cast.yahe_cadre)
    html = page(c.get(reverse("accounts:user_detail", args=[cast.yahe_viewer.pk])))
    assert "丫河村第一网格" in html and "卢家巷村" not in html
    response = c.post(
        reverse("accounts:membership_add", args=[cast.yahe_viewer.pk]),
        {"unit": cast.lujiaxiang.pk, "role": Role.objects.get(code="village_viewer").pk},
    )
    assert response.status_code == 200
    assert "请选择您有权管理的单位" in page(response)


# --------------------------------------------------------------------------- revealing a phone number


def test_it_reveals_a_phone_to_someone_in_scope_with_reveal_permission_and_audits_it(
    client: Client, cast: Cast
) -> None:
    # 镇级业务管理员 may reveal personal information (core.reveal_pii) but does not manage users.
    c = login(client, cast.town_admin)
    url = reverse("accounts:user_reveal_phone", args=[cast.yahe_cadre.pk])
    response = c.post(url)
    assert response.status_code == 200
    assert "13800138004" in page(response)
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="pii.reveal", object_id=str(cast.yahe_cadre.pk))
    assert event.actor_id == cast.town_admin.pk
    assert event.result == "success"
    assert event.message == "查看完整手机号"


def test_it_returns_only_the_number_to_an_htmx_request(client: Client, cast: Cast) -> None:
    response = login(client, cast.town_admin).post(
        reverse("accounts:user_reveal_phone", args=[cast.yahe_cadre.pk]), HTTP_HX_REQUEST="true"
    )
    html = page(response)
    assert "13800138004" in html
    assert "<html" not in html
    assert f'id="phone-{cast.yahe_cadre.pk}"' in html


def test_it_refuses_to_reveal_a_phone_without_reveal_permission(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)  # manages users but may not see full personal information
    detail = page(c.get(reverse("accounts:user_detail", args=[cast.yahe_cadre.pk])))
    assert "查看完整号码" not in detail
    response = c.post(reverse("accounts:user_reveal_phone", args=[cast.yahe_cadre.pk]))
    assert response.status_code == 403
    assert "13800138004" not in page(response)
    assert AuditEvent.objects.filter(action="pii.reveal", result="denied", actor=cast.sysadmin).exists()
    assert not AuditEvent.objects.filter(action="pii.reveal", result="success").exists()


def test_it_offers_the_reveal_button_to_an_admin_who_may_reveal(client: Client, cast: Cast) -> None:
    Membership.objects.create(user=cast.sysadmin, unit=cast.town, role=Role.objects.get(code="town_admin"))
    detail = page(
        login(client, cast.sysadmin).get(reverse("accounts:user_detail", args=[cast.yahe_cadre.pk]))
    )
    assert "查看完整号码" in detail
    assert "13800138004" not in detail


def test_it_hides_a_phone_outside_the_revealers_data_scope(client: Client, cast: Cast) -> None:
    grant("village_cadre", "core.reveal_pii")
    response = login(client, cast.ljx_cadre).post(
        reverse("accounts:user_reveal_phone", args=[cast.yahe_cadre.pk])
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_it_reveals_only_on_post(client: Client, cast: Cast) -> None:
    response = login(client, cast.town_admin).get(
        reverse("accounts:user_reveal_phone", args=[cast.yahe_cadre.pk])
    )
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()

"""Role administration (角色管理): data scope, read-only flag, 三员类别 and capabilities."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhenwu.audit.models import AuditEvent
from zhenwu.orgs.models import Role
from zhenwu.testing import Cast, login

pytestmark = pytest.mark.django_db


def page(response: Any) -> str:
    return str(response.content.decode())


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def test_it_lists_roles_with_scope_read_only_flag_admin_kind_and_capabilities(
    client: Client, cast: Cast
) -> None:
    response = login(client, cast.sysadmin).get(reverse("accounts:role_list"))
    html = page(response)
    assert response.status_code == 200
    for text in [
        "村(社区)查看员",
        "本单位及下级",
        "只读",
        "全部数据",
        "仅本人",
        "审计管理员",
        "安全管理员",
        "管理用户与任职",
        "查看与导出审计日志",
        "业务角色",
    ]:
        assert text in html, text
    assert "core.reveal_pii" not in html  # labels, not codes


def test_it_renders_an_admin_role_form_for_the_security_admin(client: Client, cast: Cast) -> None:
    html = page(login(client, cast.secadmin).get(reverse("accounts:role_edit", args=[role("sys_admin").pk])))
    assert "系统管理员" in html and "不能修改" in html
    assert 'name="admin_kind"' not in html
    assert 'value="accounts.manage_users" id=' in html and "checked" in html


def test_the_security_admin_edits_only_administrator_roles(client: Client, cast: Cast) -> None:
    c = login(client, cast.secadmin)
    assert c.get(reverse("accounts:role_edit", args=[role("citizen").pk])).status_code == 403
    assert c.get(reverse("accounts:role_edit", args=[role("audit_admin").pk])).status_code == 200
    assert (
        login(Client(), cast.sysadmin)
        .get(reverse("accounts:role_edit", args=[role("audit_admin").pk]))
        .status_code
        == 403
    )


@pytest.mark.parametrize("who", ["yahe_cadre", "auditadmin", "town_admin"])
def test_it_refuses_the_role_pages_to_people_without_role_management(
    client: Client, cast: Cast, who: str
) -> None:
    c = login(client, getattr(cast, who))
    for url in [reverse("accounts:role_list"), reverse("accounts:role_edit", args=[role("citizen").pk])]:
        response = c.get(url)
        assert response.status_code == 403
        assert "管理角色" in page(response)
    response = c.post(
        reverse("accounts:role_edit", args=[role("citizen").pk]),
        {"name": "x", "data_scope": "all", "can_write": "on"},
    )
    assert response.status_code == 403
    assert role("citizen").data_scope == "self"


def test_it_saves_scope_read_only_flag_and_capabilities_with_an_audit_event(
    client: Client, cast: Cast
) -> None:
    viewer = role("village_viewer")
    response = login(client, cast.sysadmin).post(
        reverse("accounts:role_edit", args=[viewer.pk]),
        {
            "name": "村(社区)查看员",
            "description": "只读查看",
            "data_scope": "unit",
            "capabilities": ["dashboard.view"],
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.data_scope == "unit"
    assert viewer.can_write is False
    assert viewer.capabilities == ["dashboard.view"]
    event = AuditEvent.objects.get(action="role.update", object_id=str(viewer.pk))
    assert event.changes["diff"]["data_scope"] == ["unit_and_below", "unit"]


def test_it_does_not_let_the_three_admins_kind_be_edited(client: Client, cast: Cast) -> None:
    audit = role("audit_admin")
    login(client, cast.sysadmin).post(
        reverse("accounts:role_edit", args=[audit.pk]),
        {
            "name": "审计管理员",
            "data_scope": "all",
            "capabilities": ["audit.view"],
            "admin_kind": "",
        },
    )
    audit.refresh_from_db()
    assert audit.admin_kind == "audit"


def test_it_refuses_audit_rights_for_the_system_admin_role_under_the_three_admins_rule(
    client: Client, cast: Cast
) -> None:
    sys_admin = role("sys_admin")
    before = list(sys_admin.capabilities)
    # The system admin may not edit an administrator role at all; the security admin may, within the rule.
    refused = login(Client(), cast.sysadmin).post(
        reverse("accounts:role_edit", args=[sys_admin.pk]),
        {
            "name": "系统管理员",
            "data_scope": "all",
            "can_write": "on",
            "capabilities": [*before, "audit.view"],
        },
    )
    assert refused.status_code == 403
    response = login(client, cast.secadmin).post(
        reverse("accounts:role_edit", args=[sys_admin.pk]),
        {
            "name": "系统管理员",
            "data_scope": "all",
            "can_write": "on",
            "capabilities": [*before, "audit.view"],
        },
    )
    assert response.status_code == 200
    assert "三员分立：“查看与导出审计日志”只能授予审计管理员角色" in page(response)
    sys_admin.refresh_from_db()
    assert sys_admin.capabilities == before


def test_it_requires_units_for_a_custom_scope_and_saves_them(client: Client, cast: Cast) -> None:
    inspector = role("inspector")
    c = login(client, cast.sysadmin)
    url = reverse("accounts:role_edit", args=[inspector.pk])
    response = c.post(url, {"name": "考核组/督查员", "data_scope": "custom", "can_write": "on"})
    assert response.status_code == 200
    assert "自定义数据范围须至少选择一个单位" in page(response)
    assert 'value="custom" id="id_data_scope_1" checked' in page(response)

    response = c.post(
        url,
        {
            "name": "考核组/督查员",
            "data_scope": "custom",
            "can_write": "on",
            "custom_units": [cast.yahe.pk, cast.lujiaxiang.pk],
        },
    )
    assert response.status_code == 302
    inspector.refresh_from_db()
    assert inspector.data_scope == "custom"
    assert set(inspector.custom_units.values_list("pk", flat=True)) == {cast.yahe.pk, cast.lujiaxiang.pk}
    assert "丫河村" in page(c.get(reverse("accounts:role_list")))


def test_it_rejects_an_unknown_capability_in_chinese(client: Client, cast: Cast) -> None:
    before = role("leader").capabilities
    assert "root.everything" not in before
    response = login(client, cast.sysadmin).post(
        reverse("accounts:role_edit", args=[role("leader").pk]),
        {
            "name": "镇领导",
            "data_scope": "all",
            "capabilities": ["root.everything"],
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in page(response)
    assert role("leader").capabilities == before


def test_it_gives_the_new_capability_to_the_roles_holders_on_their_next_request(
    client: Client, cast: Cast
) -> None:
    cadre = role("village_cadre")
    url = reverse("accounts:user_reveal_phone", args=[cast.yahe_cadre.pk])
    assert login(Client(), cast.yahe_cadre).post(url).status_code == 403
    login(client, cast.sysadmin).post(
        reverse("accounts:role_edit", args=[cadre.pk]),
        {
            "name": cadre.name,
            "data_scope": cadre.data_scope,
            "can_write": "on",
            "capabilities": ["core.reveal_pii"],
        },
    )
    response = login(Client(), cast.yahe_cadre).post(url)
    assert response.status_code == 200
    assert "13800138004" in page(response)

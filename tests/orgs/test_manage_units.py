"""Unit administration (单位管理): list, filters, export, create, edit and moving a subtree."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhenwu.audit.models import AuditEvent
from zhenwu.orgs import services
from zhenwu.orgs.models import Role, Unit
from zhenwu.testing import Cast, ScopedViewTests, login

pytestmark = pytest.mark.django_db


def grant(role_code: str, *capabilities: str) -> None:
    role = Role.objects.get(code=role_code)
    role.capabilities = sorted(set(role.capabilities) | set(capabilities))
    role.save()


def page(response: Any) -> str:
    return str(response.content.decode())


def unit_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "parent": "",
        "kind": "",
        "code": "",
        "name": "",
        "short_name": "",
        "unit_type": "",
        "sort_order": "0",
        "contact_phone": "",
        "address": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(unit: Unit, **overrides: Any) -> dict[str, Any]:
    data = {
        "parent": unit.parent_id or "",
        "kind": unit.kind,
        "name": unit.name,
        "short_name": unit.short_name,
        "unit_type": unit.unit_type,
        "sort_order": unit.sort_order,
        "contact_phone": unit.contact_phone,
        "address": unit.address,
        "handles_requests": "on" if unit.handles_requests else None,
        "is_active": "on" if unit.is_active else None,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- access


def test_it_renders_the_unit_pages_for_the_system_admin(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    for url in [
        reverse("orgs:unit_list"),
        reverse("orgs:unit_create"),
        reverse("orgs:unit_create") + f"?parent={cast.yahe.pk}",
        reverse("orgs:unit_edit", args=[cast.yahe.pk]),
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert "<html" in page(response)


@pytest.mark.parametrize("who", ["yahe_cadre", "auditadmin", "secadmin", "town_admin"])
def test_it_refuses_the_unit_pages_to_people_without_unit_management(
    client: Client, cast: Cast, who: str
) -> None:
    c = login(client, getattr(cast, who))
    for url in [
        reverse("orgs:unit_list"),
        reverse("orgs:unit_export"),
        reverse("orgs:unit_create"),
        reverse("orgs:unit_edit", args=[cast.yahe.pk]),
    ]:
        response = c.get(url)
        assert response.status_code == 403, url
        assert "管理组织机构" in page(response)
    response = c.post(
        reverse("orgs:unit_create"), unit_data(parent=cast.town.pk, kind="village", code="X", name="新村")
    )
    assert response.status_code == 403
    assert not Unit.objects.filter(code="X").exists()


class TestUnitEditFollowsTheDataScope(ScopedViewTests):
    """A village cadre given unit management edits the units of their own village only."""

    change_data = {"kind": "grid", "name": "丫河村一组网格", "unit_type": "township", "sort_order": "0"}

    def make_object(self, cast: Cast) -> Any:
        grant("village_cadre", "orgs.manage_units")
        grant("village_viewer", "orgs.manage_units")
        return cast.yahe_grid

    def detail_url(self, obj: Any) -> str:
        return reverse("orgs:unit_edit", args=[obj.pk])

    def change_url(self, obj: Any) -> str | None:
        return reverse("orgs:unit_edit", args=[obj.pk])


def test_it_answers_404_for_a_unit_outside_the_admins_scope(client: Client, cast: Cast) -> None:
    grant("village_cadre", "orgs.manage_units")
    c = login(client, cast.yahe_cadre)
    for target in [cast.lujiaxiang, cast.lujiaxiang_grid, cast.town]:
        response = c.get(reverse("orgs:unit_edit", args=[target.pk]))
        assert response.status_code == 404
        assert "不存在" in page(response)
    response = c.post(
        reverse("orgs:unit_edit", args=[cast.lujiaxiang_grid.pk]),
        edit_data(cast.lujiaxiang_grid, name="被改名"),
    )
    assert response.status_code == 404
    cast.lujiaxiang_grid.refresh_from_db()
    assert cast.lujiaxiang_grid.name == "卢家巷村第一网格"


# --------------------------------------------------------------------------- list and export


def test_it_lists_units_indented_by_depth_with_sample_and_inactive_badges(client: Client, cast: Cast) -> None:
    Unit.objects.filter(pk=cast.yahe_grid.pk).update(is_sample=True)
    Unit.objects.filter(pk=cast.lujiaxiang_grid.pk).update(is_active=False)
    html = page(login(client, cast.sysadmin).get(reverse("orgs:unit_list")))
    links = [
        html.index(f'href="{reverse("orgs:unit_detail", args=[u.pk])}"')
        for u in (cast.town, cast.lujiaxiang, cast.lujiaxiang_grid, cast.yahe, cast.yahe_grid)
    ]
    assert links == sorted(links)  # tree order: each unit followed by its own subtree
    assert 'style="padding-left: 40px"' in html  # depth 2: the grids
    assert "示例" in html and "已停用" in html


def test_it_filters_units_by_text_kind_type_and_state(client: Client, cast: Cast) -> None:
    Unit.objects.filter(pk=cast.lujiaxiang_grid.pk).update(is_active=False)
    c = login(client, cast.sysadmin)
    url = reverse("orgs:unit_list")
    grids = page(c.get(url, {"kind": "grid"}))
    assert "丫河村第一网格" in grids and "丫河便民服务站" not in grids
    found = page(c.get(url, {"q": "卢家巷"}))
    assert "卢家巷村" in found and "丫河村" not in found
    typed = page(c.get(url, {"unit_type": "urban_mgmt"}))
    assert "城市管理办公室" in typed and "丫河村" not in typed
    inactive = page(c.get(url, {"active": "0"}))
    assert "卢家巷村第一网格" in inactive and "丫河村第一网格" not in inactive


def test_it_shows_a_village_admin_only_their_village_and_below(client: Client, cast: Cast) -> None:
    grant("village_cadre", "orgs.manage_units")
    html = page(login(client, cast.yahe_cadre).get(reverse("orgs:unit_list")))
    assert "丫河村第一网格" in html and "丫河便民服务站" in html
    assert "卢家巷村" not in html
    assert f'href="{reverse("orgs:unit_detail", args=[cast.town.pk])}"' not in html


def test_it_exports_the_filtered_units_to_xlsx(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).get(reverse("orgs:unit_export"), {"kind": "village"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位编码", "单位名称", "简称", "单位类别")
    data = [r for r in rows[1:] if r[1]]
    assert {r[0] for r in data} == {"NT-YH", "NT-LJX"}
    assert {r[3] for r in data} == {"村"}
    assert {r[5] for r in data} == {"牛塘镇"}


# --------------------------------------------------------------------------- create and edit


def test_it_creates_a_unit_under_a_parent(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("orgs:unit_create"),
        unit_data(
            parent=cast.yahe.pk,
            kind="grid",
            code="NT-YH-G02",
            name="丫河村第二网格",
            unit_type="township",
            handles_requests="on",
            contact_phone="0519-86000000",
        ),
    )
    unit = Unit.objects.get(code="NT-YH-G02")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:unit_detail", args=[unit.pk])
    assert unit.path == "/NT/NT-YH/NT-YH-G02/" and unit.depth == 2
    assert unit.handles_requests and unit.is_active and not unit.is_sample
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_it_refuses_a_kind_the_parent_cannot_hold_in_chinese_and_keeps_the_input(
    client: Client, cast: Cast
) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("orgs:unit_create"),
        unit_data(
            parent=cast.town.pk,
            kind="grid",
            code="NT-G99",
            name="镇直属网格",
            address="牛塘镇人民路1号",
        ),
    )
    html = page(response)
    assert response.status_code == 200
    assert "镇下不能设立网格。" in html
    assert 'value="镇直属网格"' in html and 'value="牛塘镇人民路1号"' in html
    assert not Unit.objects.filter(code="NT-G99").exists()


def test_it_refuses_a_duplicate_code_and_a_request_handler_without_type(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    html = page(
        c.post(
            reverse("orgs:unit_create"),
            unit_data(parent=cast.town.pk, kind="village", code="NT-YH", name="重复村"),
        )
    )
    assert "单位编码“NT-YH”已存在。" in html
    html = page(
        c.post(
            reverse("orgs:unit_create"),
            unit_data(parent=cast.town.pk, kind="village", code="NT-NEW", name="新村", handles_requests="on"),
        )
    )
    assert "承办群众诉求的单位须选择职能类型。" in html


def test_it_only_offers_parents_inside_the_admins_write_scope(client: Client, cast: Cast) -> None:
    grant("village_cadre", "orgs.manage_units")
    c = login(client, cast.yahe_cadre)
    form_html = page(c.get(reverse("orgs:unit_create")))
    assert "丫河村" in form_html and "卢家巷村" not in form_html
    response = c.post(
        reverse("orgs:unit_create"),
        unit_data(parent=cast.lujiaxiang.pk, kind="grid", code="NT-LJX-G09", name="越权网格"),
    )
    assert response.status_code == 200
    assert "请选择您有权管理的上级单位" in page(response)
    assert not Unit.objects.filter(code="NT-LJX-G09").exists()


def test_it_edits_a_unit_and_audits_the_change(client: Client, cast: Cast) -> None:
    response = login(client, cast.sysadmin).post(
        reverse("orgs:unit_edit", args=[cast.yahe.pk]),
        edit_data(cast.yahe, short_name="丫河", sort_order="3"),
    )
    assert response.status_code == 302
    cast.yahe.refresh_from_db()
    assert cast.yahe.short_name == "丫河" and cast.yahe.sort_order == 3
    event = AuditEvent.objects.get(action="unit.update", object_id=str(cast.yahe.pk))
    assert event.changes["diff"]["short_name"] == ["", "丫河"]


def test_it_moves_a_unit_and_re_roots_its_descendants(client: Client, cast: Cast) -> None:
    section = services.unit_create(
        actor=cast.sysadmin, parent=cast.department, code="CGB-1", name="执法中队", kind="department"
    )
    station = services.unit_create(
        actor=cast.sysadmin, parent=section, code="CGB-1-ST", name="执法服务点", kind="station"
    )
    housing = services.unit_create(
        actor=cast.sysadmin, parent=cast.town, code="NT-JSJ", name="建设局", kind="department"
    )
    c = login(client, cast.sysadmin)
    form_html = page(c.get(reverse("orgs:unit_edit", args=[section.pk])))
    assert f'<option value="{station.pk}"' not in form_html  # never under its own subtree
    assert f'<option value="{section.pk}"' not in form_html

    response = c.post(reverse("orgs:unit_edit", args=[section.pk]), edit_data(section, parent=housing.pk))
    assert response.status_code == 302
    section.refresh_from_db()
    station.refresh_from_db()
    assert section.path == "/NT/NT-JSJ/CGB-1/" and section.depth == 2
    assert station.path == "/NT/NT-JSJ/CGB-1/CGB-1-ST/" and station.depth == 3
    assert "单位已移动" in page(c.get(response["Location"]))


def test_it_refuses_to_deactivate_a_unit_with_active_children(client: Client, cast: Cast) -> None:
    c = login(client, cast.sysadmin)
    response = c.post(reverse("orgs:unit_edit", args=[cast.yahe.pk]), edit_data(cast.yahe, is_active=None))
    assert response.status_code == 200
    assert "请先停用下级单位" in page(response)
    cast.yahe.refresh_from_db()
    assert cast.yahe.is_active

    response = c.post(
        reverse("orgs:unit_edit", args=[cast.lujiaxiang_grid.pk]),
        edit_data(cast.lujiaxiang_grid, is_active=None),
    )
    assert response.status_code == 302
    cast.lujiaxiang_grid.refresh_from_db()
    assert not cast.lujiaxiang_grid.is_active

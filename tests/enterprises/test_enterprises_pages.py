"""Pages of the enterprises part: scope, hostile filters, import, pre-check, batch export, year page."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from tests.enterprises.conftest import valid_uscc
from tests.enterprises.test_enterprises_precheck import HIGHTECH

from zhenwu.enterprises import services
from zhenwu.enterprises.choices import HighTechAction, HighTechStatus
from zhenwu.enterprises.models import Enterprise, HighTechRecord
from zhenwu.testing import Cast, ScopedViewTests, login

pytestmark = pytest.mark.django_db


def _enterprise(cast: Cast, unit: Any = None, n: int = 1, **kw: Any) -> Any:
    return services.enterprise_create(
        actor=cast.town_admin,
        data=services.EnterpriseInput(
            uscc=valid_uscc(f"91320412MA{n:07d}"),
            name=kw.pop("name", f"丫河测试企业{n}"),
            unit=unit or cast.yahe,
            **kw,
        ),
    )


class TestEnterpriseDetail(ScopedViewTests):
    change_data = {"year": "2026"}

    def make_object(self, cast: Cast) -> Any:
        return _enterprise(cast)

    def detail_url(self, obj: Any) -> str:
        return reverse("enterprises:detail", args=[obj.pk])

    def change_url(self, obj: Any) -> str:
        return reverse("enterprises:hightech_add", args=[obj.pk])


class TestPrecheckPage(ScopedViewTests):
    def make_object(self, cast: Cast) -> Any:
        return _enterprise(cast)

    def detail_url(self, obj: Any) -> str:
        return reverse("enterprises:precheck", args=[obj.pk, "hightech"])

    def change_url(self, obj: Any) -> str:
        return reverse("enterprises:precheck", args=[obj.pk, "hightech"])


class TestDiagnosisPage(ScopedViewTests):
    def make_object(self, cast: Cast) -> Any:
        e = _enterprise(cast)
        return services.diagnosis_create(
            actor=cast.town_admin,
            enterprise=e,
            diagnosed_on=date(2026, 5, 1),
            provider="服务商",
            ratings={"data": {"1": [1.0]}},
            systems=["ERP"],
        )

    def detail_url(self, obj: Any) -> str:
        return reverse("enterprises:diagnosis_detail", args=[obj.pk])


def test_the_detail_shows_masked_contacts_and_history(client: Client, cast: Cast) -> None:
    e = _enterprise(cast, contact_name="周明", contact_phone="13961234567")
    services.honour_create(
        actor=cast.town_admin, enterprise=e, title="江苏省示范智能车间", level="provincial", year=2020
    )
    html = login(client, cast.town_admin).get(reverse("enterprises:detail", args=[e.pk])).content.decode()
    assert "139****4567" in html and "13961234567" not in html and "江苏省示范智能车间" in html


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=%27%22%3C",
        "unit=1e309",
        "unit=abc",
        "scale=evil",
        "page=-1",
        "page=1e309",
        "q=" + "长" * 10000,
    ],
)
def test_hostile_list_filters_never_500(client: Client, cast: Cast, query: str) -> None:
    _enterprise(cast)
    response = login(client, cast.town_admin).get(reverse("enterprises:list") + "?" + query)
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["year=abc", "year=1e309", "year=%00", "year=99999"])
def test_hostile_year_parameters_never_500(client: Client, cast: Cast, query: str) -> None:
    c = login(client, cast.town_admin)
    assert c.get(reverse("enterprises:pool") + "?" + query).status_code == 200
    assert c.get(reverse("enterprises:diagnosis_list") + "?" + query).status_code == 200


def test_the_list_is_scoped(client: Client, cast: Cast) -> None:
    _enterprise(cast, name="丫河的企业")
    _enterprise(cast, unit=cast.lujiaxiang, n=2, name="卢家巷的企业")
    html = login(client, cast.yahe_cadre).get(reverse("enterprises:list")).content.decode()
    assert "丫河的企业" in html and "卢家巷的企业" not in html


def test_a_citizen_cannot_open_the_register(client: Client, cast: Cast) -> None:
    assert login(client, cast.citizen).get(reverse("enterprises:list")).status_code == 403


def test_the_create_form_explains_a_wrong_check_digit(client: Client, cast: Cast) -> None:
    code = valid_uscc()
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    data = {"uscc": bad, "name": "常州示例有限公司", "unit": cast.yahe.pk}
    c = login(client, cast.town_admin)
    html = c.post(reverse("enterprises:create"), data).content.decode()
    assert "校验码不正确" in html and "校验例外说明" in html and not Enterprise.objects.exists()
    response = c.post(reverse("enterprises:create"), {**data, "override_reason": "核对营业执照无误"})
    assert response.status_code == 302 and Enterprise.objects.get().uscc == bad


# --- import -------------------------------------------------------------------------------------


def _xlsx(rows: list[list[Any]], header: list[str] | None = None) -> io.BytesIO:
    from zhenwu.enterprises.imports import COLUMNS

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header or COLUMNS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "企业名单.xlsx"
    return buf


def _row(uscc: str, name: str, unit: str = "NT-YH", **kw: Any) -> list[Any]:
    return [
        uscc,
        name,
        kw.get("industry", "C3670"),
        "汽车零部件",
        unit,
        kw.get("grid", ""),
        "地址",
        kw.get("above", "是"),
        "2015-04-10",
        120,
        "张三",
        kw.get("phone", "13800000000"),
        kw.get("override", ""),
    ]


def test_an_import_creates_every_row(client: Client, cast: Cast) -> None:
    rows = [
        _row(valid_uscc("91320412MA0000001"), "甲公司", grid="NT-YH-G01"),
        _row(valid_uscc("91320412MA0000002"), "乙公司", "NT-LJX"),
    ]
    response = login(client, cast.town_admin).post(reverse("enterprises:import"), {"file": _xlsx(rows)})
    assert response.status_code == 302
    assert set(Enterprise.objects.values_list("name", flat=True)) == {"甲公司", "乙公司"}
    assert Enterprise.objects.get(name="甲公司").grid == cast.yahe_grid


def test_an_import_with_errors_names_row_and_column_and_writes_nothing(client: Client, cast: Cast) -> None:
    good = valid_uscc("91320412MA0000001")
    bad = valid_uscc("91320412MA0000002")
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    rows = [
        _row(good, "甲公司"),
        _row(bad, "乙公司"),
        _row(good, "丙公司"),
        _row(valid_uscc("91320412MA0000003"), "丁公司", unit="NT-XX", above="也许", industry="汽车"),
    ]
    html = (
        login(client, cast.town_admin)
        .post(reverse("enterprises:import"), {"file": _xlsx(rows)})
        .content.decode()
    )
    assert "第 3 行「统一社会信用代码」：统一社会信用代码校验码不正确" in html
    assert "第 4 行「统一社会信用代码」：与第 2 行重复" in html
    assert (
        "第 5 行「村(社区)编码」" in html and "第 5 行「规上企业」" in html and "第 5 行「行业代码」" in html
    )
    assert "未导入任何数据" in html and not Enterprise.objects.exists()


def test_an_import_refuses_codes_already_registered(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    html = (
        login(client, cast.town_admin)
        .post(
            reverse("enterprises:import"),
            {"file": _xlsx([_row(valid_uscc("91320412MA0000009"), "新公司"), _row(e.uscc, "重复公司")])},
        )
        .content.decode()
    )
    assert "第 3 行「统一社会信用代码」" in html and "已在企业库中" in html
    assert Enterprise.objects.count() == 1


def test_an_import_accepts_a_failing_code_with_a_reason(client: Client, cast: Cast) -> None:
    bad = valid_uscc("91320412MA0000002")
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    response = login(client, cast.town_admin).post(
        reverse("enterprises:import"), {"file": _xlsx([_row(bad, "乙公司", override="执照核对无误")])}
    )
    assert response.status_code == 302 and Enterprise.objects.get().uscc_override_reason == "执照核对无误"


def test_an_import_with_bad_columns_or_a_non_xlsx_file_is_refused(client: Client, cast: Cast) -> None:
    c = login(client, cast.town_admin)
    html = c.post(
        reverse("enterprises:import"), {"file": _xlsx([["x", "y"]], header=["代码", "名称"])}
    ).content.decode()
    assert "第 1 行「统一社会信用代码」：缺少此列" in html
    fake = io.BytesIO(b"not a spreadsheet")
    fake.name = "list.xlsx"
    html = c.post(reverse("enterprises:import"), {"file": fake}).content.decode()
    assert "无法读取文件" in html and not Enterprise.objects.exists()


def test_the_import_template_round_trips_through_core_exporter(client: Client, cast: Cast) -> None:
    response = login(client, cast.town_admin).get(reverse("enterprises:import_template"))
    ws = load_workbook(io.BytesIO(response.content)).active
    from zhenwu.enterprises.imports import COLUMNS

    assert [c.value for c in ws[1]] == COLUMNS


def test_a_village_cadre_cannot_import(client: Client, cast: Cast) -> None:
    response = login(client, cast.yahe_cadre).post(reverse("enterprises:import"), {"file": _xlsx([])})
    assert response.status_code == 403


# --- pre-check, 培育库, certification ------------------------------------------------------------


def _profile_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for k, v in HIGHTECH.items():
        if isinstance(v, list):
            data.update({f"{k}_{i}": x for i, x in enumerate(v)})
        elif isinstance(v, dict):
            data.update(v)
        elif isinstance(v, bool):
            if v:
                data[k] = "on"
        else:
            data[k] = v
    data.update(changes)
    return data


def test_the_precheck_page_saves_figures_and_shows_each_condition(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    c = login(client, cast.town_admin)
    url = reverse("enterprises:precheck", args=[e.pk, "hightech"])
    assert c.post(url, _profile_post()).status_code == 302
    html = c.get(url).content.decode()
    assert "符合条件" in html and "研究开发费用" in html
    e.refresh_from_db()
    assert e.hightech_profile["sales"] == [4000, 4500, 5000]


def test_the_precheck_page_refuses_a_negative_figure_and_keeps_nothing(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    html = (
        login(client, cast.town_admin)
        .post(reverse("enterprises:precheck", args=[e.pk, "hightech"]), _profile_post(rd_1="-5"))
        .content.decode()
    )
    assert "确保该值大于或等于0" in html or "不能为负数" in html
    e.refresh_from_db()
    assert e.hightech_profile == {}


def test_an_unknown_precheck_kind_is_404(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    assert (
        login(client, cast.town_admin).get(reverse("enterprises:precheck", args=[e.pk, "nope"])).status_code
        == 404
    )


def test_the_pool_exports_who_is_ready_and_what_each_lacks(client: Client, cast: Cast) -> None:
    ready, short = _enterprise(cast, n=1, name="达标企业"), _enterprise(cast, n=2, name="欠缺企业")
    missing = _enterprise(cast, n=3, name="缺数据企业")
    for e in (ready, short, missing):
        services.hightech_add(actor=cast.town_admin, enterprise=e, year=2026)
    services.enterprise_set_profile(actor=cast.town_admin, enterprise=ready, kind="hightech", data=HIGHTECH)
    lacking = {**HIGHTECH, "sales": [4800, 4800, 4800], "rd": [220.8] * 3, "rd_domestic": [220.8] * 3}
    services.enterprise_set_profile(actor=cast.town_admin, enterprise=short, kind="hightech", data=lacking)
    c = login(client, cast.town_admin)
    html = c.get(reverse("enterprises:pool") + "?year=2026").content.decode()
    assert '预检达标 <strong id="ready-count">1</strong>' in html and "研发费用占比 4.6%，需 ≥5%" in html
    response = c.get(reverse("enterprises:pool") + "?year=2026&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = {
        r[0]: r
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
        if r[0]
    }
    assert rows["达标企业"][3] == "达标" and rows["欠缺企业"][3] == "未达标"
    assert "研发费用占比 4.6%，需 ≥5%" in rows["欠缺企业"][5]
    assert rows["缺数据企业"][3] == "数据不全"


def test_certifying_through_the_page_refuses_a_future_date(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    r = services.hightech_add(actor=cast.town_admin, enterprise=e, year=2026)
    services.hightech_transition(actor=cast.town_admin, record=r, action=HighTechAction.APPLY)
    c = login(client, cast.town_admin)
    url = reverse("enterprises:hightech_transition", args=[r.pk])
    response = c.post(
        url, {"action": "certify", "certificate_no": "GR202632001234", "issued_on": "2027-01-01"}, follow=True
    )
    assert "发证日期不能晚于今天" in response.content.decode()
    r.refresh_from_db()
    assert r.status == HighTechStatus.APPLIED
    c.post(url, {"action": "certify", "certificate_no": "GR202632001234", "issued_on": "2026-11-02"})
    r.refresh_from_db()
    assert r.status == HighTechStatus.CERTIFIED and r.expires_on == date(2029, 11, 1)


def test_a_read_only_member_cannot_certify(client: Client, cast: Cast) -> None:
    r = services.hightech_add(actor=cast.town_admin, enterprise=_enterprise(cast), year=2026)
    response = login(client, cast.yahe_viewer).post(
        reverse("enterprises:hightech_transition", args=[r.pk]), {"action": "apply"}
    )
    assert response.status_code == 403
    assert HighTechRecord.objects.get().status == HighTechStatus.CULTIVATING


def test_the_year_page_and_its_drilldown(client: Client, cast: Cast) -> None:
    e = _enterprise(cast, name="新认定企业")
    r = services.hightech_add(actor=cast.town_admin, enterprise=e, year=2026)
    services.hightech_transition(actor=cast.town_admin, record=r, action=HighTechAction.APPLY)
    services.hightech_transition(
        actor=cast.town_admin,
        record=r,
        action=HighTechAction.CERTIFY,
        details=services.CertificateInput(certificate_no="GR1", issued_on=date(2026, 11, 2)),
    )
    c = login(client, cast.town_admin)
    html = c.get(reverse("enterprises:year", args=[2026])).content.decode()
    assert "净增的口径" in html and 'id="fig-hightech_valid"' in html
    html = c.get(reverse("enterprises:drilldown", args=[2026, "hightech_certified"])).content.decode()
    assert "新认定企业" in html
    assert c.get(reverse("enterprises:drilldown", args=[2026, "bogus"])).status_code == 404
    assert c.get(reverse("enterprises:year", args=[1])).status_code == 404
    assert c.get(reverse("enterprises:home")).status_code == 302


# --- records, events, targets -------------------------------------------------------------------


def test_a_diagnosis_is_entered_on_the_grid_and_a_bad_rating_is_named(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    c = login(client, cast.town_admin)
    url = reverse("enterprises:record_add", args=[e.pk, "diagnosis"])
    base = {"diagnosed_on": "2026-05-01", "provider": "服务商", "systems": ["ERP", "MES"]}
    html = c.post(url, {**base, "r_data_1": "1 0.7"}).content.decode()
    assert "数据·1级：评分只能是 1、0.8、0.5 或 0" in html and not e.diagnoses.exists()
    assert c.post(url, {**base, "r_data_1": "1 0.8", "r_integration_1": "1，1"}).status_code == 302
    d = e.diagnoses.get()
    assert d.ratings == {"data": {"1": [1.0, 0.8]}, "integration": {"1": [1.0, 1.0]}} and d.level == 1
    assert d.systems == ["ERP", "MES"]


def test_a_talent_is_stored_encrypted_and_shown_masked(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    c = login(client, cast.town_admin)
    data = {"programme": "longcheng_startup", "level": "创业类", "year": "2026", "person_name": "欧阳明"}
    assert c.post(reverse("enterprises:record_add", args=[e.pk, "talent"]), data).status_code == 302
    html = c.get(reverse("enterprises:detail", args=[e.pk])).content.decode()
    assert "欧阳明" not in html and "“龙城英才计划”创业类" in html


def test_a_project_is_planned_backwards_from_the_page(client: Client, cast: Cast) -> None:
    from zhenwu.core.services import calendar_seed

    calendar_seed(years=[2026])
    e = _enterprise(cast)
    c = login(client, cast.town_admin)
    data = {
        "title": "MES 上线",
        "deadline": "2026-12-31",
        "node_0": "验收",
        "days_0": "0",
        "node_1": "试运行",
        "days_1": "10",
    }
    assert c.post(reverse("enterprises:record_add", args=[e.pk, "project"]), data).status_code == 302
    nodes = list(e.projects.get().nodes.order_by("seq").values_list("title", "due_on"))
    assert nodes == [("试运行", date(2026, 12, 17)), ("验收", date(2026, 12, 31))]


def test_an_unknown_record_kind_is_404_and_a_viewer_is_403(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    assert (
        login(client, cast.town_admin).get(reverse("enterprises:record_add", args=[e.pk, "x"])).status_code
        == 404
    )
    assert (
        login(client, cast.yahe_viewer)
        .get(reverse("enterprises:record_add", args=[e.pk, "honour"]))
        .status_code
        == 403
    )
    assert (
        login(client, cast.ljx_cadre)
        .get(reverse("enterprises:record_add", args=[e.pk, "honour"]))
        .status_code
        == 404
    )


def test_an_event_refuses_attendees_who_were_not_invited(client: Client, cast: Cast) -> None:
    a, b = _enterprise(cast, n=1), _enterprise(cast, n=2)
    c = login(client, cast.town_admin)
    data = {
        "title": "智飨游塘营沙龙",
        "kind": "salon",
        "held_on": "2026-10-10",
        "invited": [a.pk],
        "attended": [b.pk],
    }
    html = c.post(reverse("enterprises:event_list"), data).content.decode()
    assert "参加的企业须在邀请名单中" in html
    assert c.post(reverse("enterprises:event_list"), {**data, "invited": [a.pk, b.pk]}).status_code == 302
    assert "智飨游塘营沙龙" in c.get(reverse("enterprises:event_list")).content.decode()


def test_a_target_set_on_the_year_page_shows_against_the_actual(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    services.techsme_register(
        actor=cast.town_admin, enterprise=e, year=2026, reg_no="N1", registered_on=date(2026, 5, 1)
    )
    c = login(client, cast.town_admin)
    c.post(reverse("enterprises:target_set", args=[2026]), {"key": "techsme", "value": "3"})
    html = c.get(reverse("enterprises:year", args=[2026])).content.decode()
    assert "目标 3 家" in html and "尚差 2 家" in html
    assert (
        login(client, cast.yahe_cadre)
        .post(reverse("enterprises:target_set", args=[2026]), {"key": "techsme", "value": "1"})
        .status_code
        == 403
    )


def test_partnership_and_filing_actions_on_the_page(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    c = login(client, cast.town_admin)
    data = {"institution": "常州大学", "title": "联合研发", "amount_wan": "80", "signed_on": "2026-03-01"}
    assert c.post(reverse("enterprises:record_add", args=[e.pk, "partnership"]), data).status_code == 302
    p = e.partnerships.get()
    url = reverse("enterprises:partnership_transition", args=[p.pk])
    html = c.post(url, {"action": "complete"}, follow=True).content.decode()
    assert "当前状态为“已签约”" in html
    c.post(url, {"action": "start"})
    p.refresh_from_db()
    assert p.status == "ongoing"
    assert login(client, cast.yahe_viewer).post(url, {"action": "complete"}).status_code == 403
    assert login(client, cast.ljx_cadre).post(url, {"action": "complete"}).status_code == 404
    a = services.attraction_create(actor=cast.town_admin, enterprise=e, attracted_on=date(2026, 3, 1))
    c = login(client, cast.town_admin)
    c.post(reverse("enterprises:attraction_file", args=[a.pk]), {"filed_on": "2026-06-01"})
    a.refresh_from_db()
    assert a.city_filed_on == date(2026, 6, 1)
    html = c.post(
        reverse("enterprises:attraction_file", args=[a.pk]), {"filed_on": "abc"}, follow=True
    ).content.decode()
    assert "请填写正确的备案日期" in html


def test_revealing_a_contact_needs_the_capability_and_is_audited(client: Client, cast: Cast) -> None:
    from zhenwu.audit.models import AuditEvent

    e = _enterprise(cast, contact_name="周明", contact_phone="13961234567")
    url = reverse("enterprises:reveal_contact", args=[e.pk])
    assert login(client, cast.yahe_cadre).post(url).status_code == 403
    assert AuditEvent.objects.filter(action="pii.reveal", result="denied", object_id=str(e.pk)).exists()
    assert login(client, cast.ljx_cadre).post(url).status_code == 404
    from zhenwu.orgs.models import Role

    role = Role.objects.get(code="town_admin")
    role.capabilities = [*role.capabilities, "core.reveal_pii"]
    role.save()
    html = login(client, cast.town_admin).post(url).content.decode()
    assert "13961234567" in html and "周明" in html
    assert AuditEvent.objects.filter(action="pii.reveal", result="success", object_id=str(e.pk)).exists()


@pytest.mark.parametrize("value", ["abc", "%00", "1e309", "2026-02-30", "9" * 10000])
def test_the_valid_on_query_ignores_hostile_dates(client: Client, cast: Cast, value: str) -> None:
    response = login(client, cast.town_admin).get(reverse("enterprises:year", args=[2026]) + "?on=" + value)
    assert response.status_code == 200 and "valid-on-result" not in response.content.decode()


def test_the_valid_count_at_any_date(client: Client, cast: Cast) -> None:
    e = _enterprise(cast)
    r = services.hightech_add(actor=cast.town_admin, enterprise=e, year=2023)
    services.hightech_transition(
        actor=cast.town_admin,
        record=r,
        action=HighTechAction.APPLY,
        details=services.CertificateInput(applied_on=date(2023, 6, 1)),
    )
    services.hightech_transition(
        actor=cast.town_admin,
        record=r,
        action=HighTechAction.CERTIFY,
        details=services.CertificateInput(certificate_no="GR9", issued_on=date(2023, 12, 12)),
    )
    c = login(client, cast.town_admin)
    html = c.get(reverse("enterprises:year", args=[2026]) + "?on=2026-12-11").content.decode()
    assert "有效高企 <strong>1</strong> 家" in html
    html = c.get(reverse("enterprises:year", args=[2026]) + "?on=2026-12-12").content.decode()
    assert "有效高企 <strong>0</strong> 家" in html

"""The assessment pages: scope (404 outside, 403 read-only), capabilities, forms that keep input, the import."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from zhenwu.assessment import services
from zhenwu.assessment.models import AssessmentMonth, Finding, Indicator, Objection
from zhenwu.testing import ScopedViewTests, login

# Closing happens after the findings' objection window (3 working days from 2026-11-10).
AFTER_WINDOW = date(2026, 11, 16)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def make_finding(
    cast: Any, staff: Any, scheme: Any, unit: Any = None, day: date = date(2026, 11, 9)
) -> Finding:
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
    return services.finding_record(
        actor=staff.inspector,
        unit=unit or cast.yahe,
        indicator=ljlf,
        count=2,
        found_on=day,
        place="河桥北侧",
        photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
    )


class TestFindingPages(ScopedViewTests):
    change_data = {"reason": "不属实"}

    def make_object(self, cast: Any) -> Any:
        from zhenwu.assessment.demo import build_scheme
        from zhenwu.testing import make_user

        inspector = make_user("insp", unit=cast.department, role="inspector")
        scheme = build_scheme(actor=cast.town_admin, year=2026)
        ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
        return services.finding_record(
            actor=inspector, unit=cast.yahe, indicator=ljlf, count=1, found_on=date(2026, 11, 9)
        )

    def detail_url(self, obj: Any) -> str:
        return f"/assessment/findings/{obj.pk}/"

    def change_url(self, obj: Any) -> str:
        return f"/assessment/findings/{obj.pk}/object/"


def test_inspector_records_a_finding_with_a_photo_on_the_phone_form(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
    c = login(client, staff.inspector)
    assert "考核细则" in c.get("/assessment/inspect/").content.decode()
    response = c.post(
        "/assessment/inspect/",
        {
            "unit": cast.lujiaxiang.pk,
            "indicator": ljlf.pk,
            "count": 4,
            "found_on": "2026-11-09",
            "place": "河桥北侧",
            "note": "垃圾堆",
            "photos": [SimpleUploadedFile("heap.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.count == 4 and finding.photos.count() == 1
    photo = finding.photos.get()
    assert login(Client(), cast.ljx_cadre).get(f"/assessment/files/{photo.pk}/").status_code == 200
    assert login(Client(), cast.yahe_cadre).get(f"/assessment/files/{photo.pk}/").status_code == 404
    # The next finding starts in the same village on the same day.
    again = c.get("/assessment/inspect/").content.decode()
    assert f'<option value="{cast.lujiaxiang.pk}" selected>' in again and 'value="2026-11-09"' in again


def test_a_finding_in_a_closed_month_is_refused_on_the_form_and_input_is_kept(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    f = make_finding(cast, staff, scheme, day=date(2026, 10, 20))
    services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
    response = login(client, staff.inspector).post(
        "/assessment/inspect/",
        {
            "unit": cast.yahe.pk,
            "indicator": ljlf.pk,
            "count": 3,
            "found_on": "2026-10-21",
            "place": "老街巷口",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "2026年10月已关账" in body and "老街巷口" in body


def test_village_cadre_cannot_open_the_inspection_page(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    assert login(client, cast.yahe_cadre).get("/assessment/inspect/").status_code == 403


def test_village_objects_and_reviewer_decides(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    f = make_finding(cast, staff, scheme)
    c = login(client, cast.yahe_cadre)
    page = c.get(f"/assessment/findings/{f.pk}/").content.decode()
    assert "提出申诉" in page and "2026-11-13" in page
    r = c.post(
        f"/assessment/findings/{f.pk}/object/",
        {
            "reason": "该处为县道，不属本村",
            "evidence": [SimpleUploadedFile("e.png", PNG, content_type="image/png")],
        },
    )
    assert r.status_code == 302
    objection = Objection.objects.get()
    assert objection.evidence.count() == 1
    # the cadre cannot decide it
    assert (
        c.post(
            f"/assessment/objections/{objection.pk}/decide/", {"action": "uphold", "reason": "x"}
        ).status_code
        == 403
    )
    admin = login(Client(), cast.town_admin)
    assert "该处为县道" in admin.get("/assessment/objections/").content.decode()
    admin.post(
        f"/assessment/objections/{objection.pk}/decide/", {"action": "uphold", "reason": "经核实属县道"}
    )
    objection.refresh_from_db()
    f.refresh_from_db()
    assert objection.status == "upheld" and f.status == "cancelled"


def test_objection_after_the_deadline_is_refused_with_the_date(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    import time_machine

    f = make_finding(cast, staff, scheme)
    with time_machine.travel(date(2026, 11, 16)):
        r = login(client, cast.yahe_cadre).post(
            f"/assessment/findings/{f.pk}/object/", {"reason": "x"}, follow=True
        )
    assert "申诉期已过：申诉截止日为 2026-11-13" in r.content.decode()
    assert not Objection.objects.exists()


def test_village_cadre_cannot_edit_another_villages_findings(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    f = make_finding(cast, staff, scheme, unit=cast.lujiaxiang)
    c = login(client, cast.yahe_cadre)
    assert c.post(f"/assessment/findings/{f.pk}/rectify/", {"note": "已整改"}).status_code == 404
    assert c.post(f"/assessment/findings/{f.pk}/object/", {"reason": "x"}).status_code == 404


def test_village_cadre_cannot_change_their_own_scores(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    f = make_finding(cast, staff, scheme)
    c = login(client, cast.yahe_cadre)
    assert c.post(f"/assessment/months/{f.month.pk}/close/").status_code == 403
    assert c.post(f"/assessment/findings/{f.pk}/verify/", {"accepted": "1"}).status_code == 403
    services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    assert c.post(f"/assessment/months/{f.month.pk}/reopen/", {"reason": "改分"}).status_code == 403
    assert c.post(f"/assessment/months/{f.month.pk}/bulletin/").status_code == 403


def test_month_page_close_ranking_bulletin_and_public_board(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    f = make_finding(cast, staff, scheme, unit=cast.lujiaxiang)
    leader = login(client, staff.leader)
    page = leader.get(f"/assessment/months/{f.month.pk}/").content.decode()
    assert "关账预览" in page, page[page.find("<title>") : page.find("</title>")]
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        # the objection window has run out; a week later the leader signs in again
        leader = login(client, staff.leader)
        leader.post(f"/assessment/months/{f.month.pk}/close/")
        page = leader.get(f"/assessment/months/{f.month.pk}/").content.decode()
        assert "红旗奖" in page and "名次规则" in page and "卢家巷村" in page
        assert client.get("/public/assessment/").content.decode().count("卢家巷村") == 0  # not yet approved
        admin = login(Client(), cast.town_admin)
        admin.post(f"/assessment/months/{f.month.pk}/bulletin/")
        leader.post(f"/assessment/months/{f.month.pk}/bulletin/approve/")
        docx = admin.get(f"/assessment/months/{f.month.pk}/bulletin/docx/")
        assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
        public = Client().get("/public/assessment/").content.decode()
        assert "红榜" in public and "黑榜" in public and "卢家巷村" in public and "名次规则" in public


def test_the_yahe_cadre_sees_only_yahe_in_the_ranking(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    f = make_finding(cast, staff, scheme)
    services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    page = login(client, cast.yahe_cadre).get(f"/assessment/months/{f.month.pk}/").content.decode()
    assert "丫河村" in page and "卢家巷村" not in page


def test_dashboard_data_and_drilldown(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    f = make_finding(cast, staff, scheme)
    services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    c = login(client, cast.yahe_cadre)
    data = c.get(f"/assessment/dashboard/data/?unit={cast.yahe.pk}").json()
    assert data["trend"][0]["rank"] >= 1 and [u["name"] for u in data["heat"]["units"]] == ["丫河村"]
    assert c.get(f"/assessment/dashboard/data/?unit={cast.lujiaxiang.pk}").status_code == 404
    page = c.get(f"/assessment/months/{f.month.pk}/units/{cast.yahe.pk}/").content.decode()
    assert "垃圾乱堆乱放" in page and "/assessment/files/" in page
    assert c.get(f"/assessment/months/{f.month.pk}/units/{cast.lujiaxiang.pk}/").status_code == 404


def test_scheme_page_ahp_and_weights(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    c = login(client, cast.town_admin)
    # The AHP judgement is entered as pairwise comparisons on Saaty's 1–9 scale, not as JSON.
    page = c.get(f"/assessment/scheme/{scheme.pk}/").content.decode()
    assert (
        "城市长效管理 与 文明城市" in page and "前者明显重要（5）" in page and "后者极端重要（1/9）" in page
    )
    assert 'name="matrix"' not in page and "[[" not in page and 'id="zw-ahp-live"' in page
    consistent = [[1, 3, 5, 7, 9], [0, 1, 3, 5, 7], [0, 0, 1, 3, 5], [0, 0, 0, 1, 3]]
    pairs = {f"pair_{i}_{j}": str(consistent[i][j]) for i in range(4) for j in range(i + 1, 5)}
    r = c.post(f"/assessment/scheme/{scheme.pk}/", {"ahp": "1", **pairs})
    assert "通过一致性检验" in r.content.decode()
    contradictory = {f"pair_{i}_{j}": "1" for i in range(4) for j in range(i + 1, 5)}
    contradictory.update({"pair_0_1": "9", "pair_0_2": "1/9", "pair_1_2": "9"})
    r = c.post(f"/assessment/scheme/{scheme.pk}/", {"ahp": "1", **contradictory})
    assert "≥ 0.10" in r.content.decode()
    r = c.post(f"/assessment/scheme/{scheme.pk}/", {"ahp": "1", **pairs, "pair_0_1": "1e309"})
    assert r.status_code == 200 and "通过一致性检验" not in r.content.decode()
    r = c.post(
        f"/assessment/scheme/{scheme.pk}/",
        {
            "unit": cast.yahe.pk,
            "valid_from": "2026-12",
            "w_cml": "0.3",
            "w_wmcs": "0.3",
            "w_rjhj": "0.3",
            "w_lhgh": "0.3",
            "w_xqwy": "0.3",
        },
    )
    assert "各项目权重之和应为 1，当前为 1.5" in r.content.decode()
    r = c.post(
        f"/assessment/scheme/{scheme.pk}/",
        {
            "unit": cast.yahe.pk,
            "valid_from": "2026-12",
            "w_cml": "0.2",
            "w_wmcs": "0.2",
            "w_rjhj": "0.2",
            "w_lhgh": "0.2",
            "w_xqwy": "0.2",
        },
    )
    assert r.status_code == 302 and scheme.weight_profiles.count() == 1
    assert (
        login(Client(), cast.yahe_cadre).post(f"/assessment/scheme/{scheme.pk}/", {"ahp": "1"}).status_code
        == 403
    )


def _sheet(rows: list[list[Any]]) -> SimpleUploadedFile:
    from zhenwu.assessment.imports import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("r.xlsx", buf.getvalue())


def test_import_template_and_all_or_nothing(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    c = login(client, staff.inspector)
    template = load_workbook(io.BytesIO(c.get("/assessment/import/template.xlsx").content))
    assert template.sheetnames == ["检查结果", "细则清单", "单位清单"]
    bad = _sheet(
        [
            ["NT-YH", "丫河村", "rjhj.ljlf", 2, "2026-11-05", "桥下", ""],
            ["NT-XX", "", "rjhj.ljlf", 1, "2026-11-05", "", ""],
            ["NT-LJX", "", "rjhj.nope", "两", "2026-13-05", "", ""],
        ]
    )
    r = c.post("/assessment/import/", {"file": bad})
    body = r.content.decode()
    assert "第 3 行「单位编码」" in body and "第 4 行「检查日期」" in body and "第 4 行「处数」" in body
    assert "未导入任何数据" in body and not Finding.objects.exists()
    good = _sheet(
        [
            ["NT-YH", "丫河村", "rjhj.ljlf", 2, date(2026, 11, 5), "桥下", ""],
            ["NT-LJX", "", "cml.zdjy", 1, "2026-11-06", "", ""],
        ]
    )
    assert c.post("/assessment/import/", {"file": good}).status_code == 302
    assert Finding.objects.count() == 2


def test_import_refuses_rows_in_a_closed_month(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    f = make_finding(cast, staff, scheme, day=date(2026, 10, 3))
    services.month_close(
        actor=staff.leader, month=AssessmentMonth.objects.get(pk=f.month_id), today=AFTER_WINDOW
    )
    r = login(client, staff.inspector).post(
        "/assessment/import/", {"file": _sheet([["NT-YH", "", "rjhj.ljlf", 1, "2026-10-05", "", ""]])}
    )
    assert "第 2 行「检查日期」：2026年10月已关账" in r.content.decode()
    assert Finding.objects.count() == 1


def test_meeting_decision_becomes_a_task_on_the_workbench(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    leader = login(client, staff.leader)
    r = leader.post(
        "/assessment/meetings/",
        {"title": "11月点评会", "held_on": "2026-11-06", "attendees": "镇长、各村书记"},
    )
    assert r.status_code == 302
    meeting_url = r["Location"]
    r = leader.post(meeting_url, {"text": "清理河塘", "unit": cast.yahe.pk})
    assert "须设完成期限" in r.content.decode()
    leader.post(meeting_url, {"text": "清理河塘", "unit": cast.yahe.pk, "deadline": "2026-11-30"})
    workbench = login(Client(), cast.yahe_cadre).get("/workbench/").content.decode()
    assert "点评会交办任务" in workbench


def test_scheme_is_edited_indicator_by_indicator(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    c = login(client, cast.town_admin)
    item = scheme.items.get(code="rjhj")
    r = c.post(
        f"/assessment/scheme/{scheme.pk}/indicators/add/",
        {
            "item": item.pk,
            "code": "zsdd",
            "name": "畜禽散养",
            "kind": "deduction",
            "source": "manual",
            "points_per_finding": "0",
            "max_score": "5",
        },
    )
    assert "每处扣(加)分必须大于 0" in r.content.decode() and "畜禽散养" in r.content.decode()
    r = c.post(
        f"/assessment/scheme/{scheme.pk}/indicators/add/",
        {
            "item": item.pk,
            "code": "zsdd",
            "name": "畜禽散养",
            "kind": "deduction",
            "source": "manual",
            "points_per_finding": "0.5",
            "max_score": "5",
        },
    )
    assert r.status_code == 302
    ind = Indicator.objects.get(code="zsdd")
    r = c.post(
        f"/assessment/indicators/{ind.pk}/edit/",
        {"name": "畜禽散养、乱放", "points_per_finding": "1", "max_score": "8"},
    )
    assert r.status_code == 302
    ind.refresh_from_db()
    assert ind.points_per_finding == 1 and ind.name == "畜禽散养、乱放"
    assert login(Client(), cast.yahe_cadre).get(f"/assessment/indicators/{ind.pk}/edit/").status_code == 403


def test_citizens_see_no_assessment_pages_but_the_public_board(
    client: Client, cast: Any, staff: Any, scheme: Any
) -> None:
    f = make_finding(cast, staff, scheme)
    services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    c = login(client, cast.citizen)
    for url in (
        f"/assessment/months/{f.month.pk}/",
        f"/assessment/scheme/{scheme.pk}/",
        "/assessment/meetings/",
        "/assessment/dashboard/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.get(f"/assessment/findings/{f.pk}/").status_code == 404
    assert c.get("/public/assessment/").status_code == 200


def test_entropy_weights_from_closed_months(client: Client, cast: Any, staff: Any, scheme: Any) -> None:
    c = login(client, cast.town_admin)
    assert (
        "需要已关账月份的得分"
        in c.post(f"/assessment/scheme/{scheme.pk}/", {"entropy": "1"}).content.decode()
    )
    f = make_finding(cast, staff, scheme, unit=cast.lujiaxiang)
    services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    body = c.post(f"/assessment/scheme/{scheme.pk}/", {"entropy": "1"}).content.decode()
    assert "熵权 " in body and 'name="w_rjhj"' in body and 'value="1.0"' in body  # the only item that varied

"""Issue 14: an objection partly upheld (the accepted 处数, points recomputed), and a month that
cannot close while a finding is inside its objection window or has a pending objection, unless a
leader overrides with an audited reason; the month page says which findings block it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhenwu.assessment import services
from zhenwu.assessment.choices import ObjectionAction, ObjectionStatus, ResultCategory
from zhenwu.assessment.models import AssessmentMonth, Finding, Indicator
from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError
from zhenwu.testing import login

AFTER_WINDOW = date(2026, 11, 16)  # findings recorded on 2026-11-10 may be objected to until 11-13


def _finding(staff: Any, scheme: Any, unit: Any, count: int = 2) -> Finding:
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")  # 1 point per 处
    return services.finding_record(
        actor=staff.inspector,
        unit=unit,
        indicator=ljlf,
        count=count,
        found_on=date(2026, 11, 9),
        place="河桥北侧",
    )


def test_an_objection_can_be_partly_upheld_and_the_points_follow(cast: Any, staff: Any, scheme: Any) -> None:
    f = _finding(staff, scheme, cast.yahe, count=2)
    assert f.points == Decimal("2.00")
    o = services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="其中一处属县道养护范围")
    for bad in (None, 0, 2, 5):
        with pytest.raises(DomainError) as err:
            services.objection_transition(
                actor=cast.town_admin,
                objection=o,
                action=ObjectionAction.UPHOLD_PART,
                reason="一处属实",
                accepted_count=bad,
            )
        assert err.value.field == "accepted_count"
    f.refresh_from_db()
    assert f.count == 2  # nothing written by a refused decision
    services.objection_transition(
        actor=cast.town_admin,
        objection=o,
        action=ObjectionAction.UPHOLD_PART,
        reason="县道一处不计，村内一处维持",
        accepted_count=1,
    )
    o.refresh_from_db()
    f.refresh_from_db()
    assert o.status == ObjectionStatus.PARTLY_UPHELD and (o.original_count, o.accepted_count) == (2, 1)
    assert f.count == 1 and f.points == Decimal("1.00")
    adjust = AuditEvent.objects.get(action="assessment.finding_adjust")
    assert "2 处改为 1 处" in adjust.message
    month = services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
    row = month.results.get(category=ResultCategory.AREA, unit=cast.yahe)
    assert row.items["rjhj"]["deductions"] == "1.00"


def test_the_reviewer_page_offers_a_partial_decision(client: Any, cast: Any, staff: Any, scheme: Any) -> None:
    f = _finding(staff, scheme, cast.yahe, count=3)
    o = services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="两处已当场清理")
    c = login(client, cast.town_admin)
    page = c.get("/assessment/objections/").content.decode()
    assert 'value="uphold_part"' in page and 'name="accepted_count"' in page and "原 3 处" in page
    c.post(
        f"/assessment/objections/{o.pk}/decide/",
        {"action": "uphold_part", "reason": "一处属实", "accepted_count": "1"},
    )
    f.refresh_from_db()
    assert f.count == 1 and f.points == Decimal("1.00")
    page = c.get("/assessment/objections/?status=partly_upheld").content.decode()
    assert "原认定 3 处，审核后认定 1 处" in page


def test_a_month_cannot_close_inside_an_objection_window_or_with_a_pending_objection(
    cast: Any, staff: Any, scheme: Any
) -> None:
    f = _finding(staff, scheme, cast.yahe)
    month = AssessmentMonth.objects.get(pk=f.month_id)
    with pytest.raises(DomainError) as err:
        services.month_close(actor=staff.leader, month=month)
    assert (
        err.value.code == "close_blocked"
        and f.number in err.value.message
        and "申诉期内" in err.value.message
    )
    o = services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="已清理")
    with pytest.raises(DomainError, match="1 件申诉未审核"):
        services.month_close(actor=staff.leader, month=month, today=AFTER_WINDOW)
    # The assessment office may not override; only a leader, and only with a reason.
    with pytest.raises(DomainError, match="暂不能关账"):
        services.month_close(actor=cast.town_admin, month=month, override_reason="赶通报")
    with pytest.raises(DomainError, match="暂不能关账"):
        services.month_close(actor=staff.leader, month=month, override_reason="  ")
    month.refresh_from_db()
    assert not month.is_closed
    services.month_close(actor=staff.leader, month=month, override_reason="县委督查要求本周内通报")
    month.refresh_from_db()
    assert month.is_closed
    event = AuditEvent.objects.get(action="assessment.month_close_override")
    assert "县委督查要求本周内通报" in event.message and f.number in str(event.changes)
    o.refresh_from_db()
    assert o.status == ObjectionStatus.SUBMITTED


def test_the_month_page_names_the_blocking_findings(client: Any, cast: Any, staff: Any, scheme: Any) -> None:
    f = _finding(staff, scheme, cast.yahe)
    admin = login(client, cast.town_admin)
    page = admin.get(f"/assessment/months/{f.month_id}/").content.decode()
    assert (
        "暂不能关账：1 条检查发现尚未了结" in page
        and f.number in page
        and "仍在申诉期内（截止 2026-11-13）" in page
    )
    assert "关账并计算排名</button>" not in page.replace("提前关账并计算排名", "")
    assert 'name="override_reason"' not in page  # the office cannot override
    admin.post(f"/assessment/months/{f.month_id}/close/")
    assert not AssessmentMonth.objects.get(pk=f.month_id).is_closed
    leader = login(client, staff.leader)
    page = leader.get(f"/assessment/months/{f.month_id}/").content.decode()
    assert 'name="override_reason"' in page
    leader.post(f"/assessment/months/{f.month_id}/close/", {"override_reason": "书记要求月底前通报"})
    assert AssessmentMonth.objects.get(pk=f.month_id).is_closed


def test_the_computed_indicator_formula_is_entered_as_rows_not_json(
    client: Any, cast: Any, scheme: Any
) -> None:
    c = login(client, cast.town_admin)
    url = f"/assessment/scheme/{scheme.pk}/indicators/add/"
    page = c.get(url).content.decode()
    assert 'name="point_1_value"' in page and 'name="point_1_score"' in page and "[[" not in page
    base = {
        "item": scheme.items.get(code="cml").pk,
        "code": "aszb",
        "name": "按期办结率",
        "kind": "deduction",
        "source": "computed",
        "points_per_finding": "1",
        "max_score": "5",
        "metric_key": "workorders.on_time_rate",
    }
    # A half-filled row is named, nothing is written, the input stays.
    page = c.post(
        url, {**base, "point_1_value": "0.6", "point_1_score": "0", "point_2_value": "0.95"}
    ).content.decode()
    assert "第 2 行：请同时填写指标值和得分" in page and 'value="0.95"' in page
    assert not Indicator.objects.filter(code="aszb").exists()
    page = c.post(url, {**base, "point_1_value": "0.6", "point_1_score": "0"}).content.decode()
    assert "至少需要两行" in page
    c.post(
        url,
        {**base, "point_1_value": "0.6", "point_1_score": "0", "point_2_value": "0.95", "point_2_score": "5"},
    )
    assert Indicator.objects.get(code="aszb").formula == [[0.6, 0.0], [0.95, 5.0]]
    scheme_page = c.get(f"/assessment/scheme/{scheme.pk}/").content.decode()
    assert "60%→0分，95%→5分" in scheme_page and "workorders.on_time_rate" not in scheme_page


def test_a_month_holding_a_real_finding_is_not_labelled_sample(
    client: Any, cast: Any, staff: Any, scheme: Any
) -> None:
    month = services.month_for(scheme=scheme, day=date(2026, 11, 1), is_sample=True)
    assert month.is_sample
    f = _finding(staff, scheme, cast.yahe)
    assert f.month_id == month.pk
    month.refresh_from_db()
    assert not month.is_sample
    page = login(client, cast.town_admin).get(f"/assessment/months/{month.pk}/").content.decode()
    assert "示例数据</span>" not in page


def test_the_inspection_form_records_the_position_and_each_photos_time(
    client: Any, cast: Any, staff: Any, scheme: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
        b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    c = login(client, staff.inspector)
    page = c.get("/assessment/inspect/").content.decode()
    assert 'name="lat"' in page and 'name="photo_times"' in page and "记录当前位置" in page
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
    data = {
        "unit": cast.yahe.pk,
        "indicator": ljlf.pk,
        "count": "1",
        "found_on": "2026-11-09",
        "place": "河桥北侧",
        "lat": "31.712345",
        "long": "119.912345",
        "photo_times": "2026-11-09T00:30:00.000Z",
    }
    bad = c.post(
        "/assessment/inspect/",
        {**data, "lat": "95", "photos": [SimpleUploadedFile("a.png", png, "image/png")]},
    )
    assert "位置坐标超出范围" in bad.content.decode() and not Finding.objects.exists()
    c.post("/assessment/inspect/", {**data, "photos": [SimpleUploadedFile("a.png", png, "image/png")]})
    f = Finding.objects.get()
    assert (float(f.lat), float(f.long)) == (31.712345, 119.912345)
    assert f.photo_times == ["2026-11-09T00:30:00+00:00"] and f.photo_times_display == ["2026-11-09 08:30"]
    detail = c.get(f"/assessment/findings/{f.pk}/").content.decode()
    assert "北纬 31.712345，东经 119.912345" in detail and "2026-11-09 08:30" in detail


def test_hostile_decisions_and_close_reasons_are_refused_cleanly(
    client: Any, cast: Any, staff: Any, scheme: Any
) -> None:
    f = _finding(staff, scheme, cast.yahe, count=3)
    o = services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="x")
    c = login(client, cast.town_admin)
    for bad in ("abc", "1e309", "-1", "\x00", "9" * 50):
        r = c.post(
            f"/assessment/objections/{o.pk}/decide/",
            {"action": "uphold_part", "reason": "一处属实", "accepted_count": bad},
            follow=True,
        )
        assert r.status_code == 200
    f.refresh_from_db()
    assert f.count == 3
    leader = login(client, staff.leader)
    r = leader.post(f"/assessment/months/{f.month_id}/close/", {"override_reason": "\x00" * 5}, follow=True)
    assert r.status_code == 200 and not AssessmentMonth.objects.get(pk=f.month_id).is_closed

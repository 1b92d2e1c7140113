"""Unit metrics against a fixture computed by hand (definitions in selectors.METRIC_DEFINITIONS)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from zhenwu.testing import login
from zhenwu.workorders.choices import Action, Channel
from zhenwu.workorders.selectors import unit_metrics
from zhenwu.workorders.services import workorder_create, workorder_transition

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def month(cast: Any, cats: dict[str, Any]) -> dict[str, Any]:
    """Four orders to 丫河村 dispatched Tue 24 Nov 09:00 (3-day limit: due Fri 27 09:00; sign by 11:00)."""
    op, cadre = cast.operator, cast.yahe_cadre

    def step(when: datetime, order: Any, actor: Any, action: str, **kw: Any) -> Any:
        with time_machine.travel(when, tick=False):
            return workorder_transition(actor=actor, order=order, action=action, **kw)

    orders = {}
    with time_machine.travel(at(24, 8, 30), tick=False):
        for name in "ABCD":
            orders[name] = workorder_create(
                actor=op, channel=Channel.PHONE, category=cats["light"], description=f"路灯 {name}"
            )
        other = workorder_create(
            actor=op, channel=Channel.PHONE, category=cats["light"], description="卢家巷"
        )
    for name in "ABCD":
        orders[name] = step(at(24, 9), orders[name], op, Action.DISPATCH, unit=cast.yahe)
    step(at(24, 9), other, op, Action.DISPATCH, unit=cast.lujiaxiang)
    # A: signed on time, replied on time after one working day, 满意.
    a = step(at(24, 10), orders["A"], cadre, Action.SIGN)
    a = step(at(25, 9), a, cadre, Action.REPLY, note="好了")
    step(at(25, 10), a, op, Action.CALLBACK, satisfaction="satisfied")
    # B: signed late (14:00 > 11:00), replied late (Mon 30 > Fri 27), 基本满意.
    b = step(at(24, 14), orders["B"], cadre, Action.SIGN)
    b = step(at(30, 9), b, cadre, Action.REPLY, note="好了")
    step(at(30, 10), b, op, Action.CALLBACK, satisfaction="basic")
    # C: signed on time, extension approved, replied Thu 26 09:00, 不满意 → rework (deadline moves on).
    c = step(at(24, 10, 30), orders["C"], cadre, Action.SIGN)
    c = step(at(24, 11), c, cadre, Action.EXTEND, days=2, note="买灯具")
    c = step(at(24, 12), c, cast.leader, Action.APPROVE_EXTENSION)
    c = step(at(26, 9), c, cadre, Action.REPLY, note="好了")
    step(at(26, 10), c, op, Action.CALLBACK, satisfaction="unsatisfied")
    # D: never signed. An order dispatched in December does not count for November.
    with time_machine.travel(at(1, 9, month=12), tick=False):
        late = workorder_create(actor=op, channel=Channel.PHONE, category=cats["light"], description="十二月")
        workorder_transition(actor=op, order=late, action=Action.DISPATCH, unit=cast.yahe)
    return orders


def test_month_metrics_match_the_hand_computed_fixture(cast: Any, month: dict[str, Any]) -> None:
    m = unit_metrics(
        units=[cast.yahe, cast.lujiaxiang],
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        now=at(2, 12, month=12),
    )
    yahe = m[cast.yahe.pk]
    assert yahe["received"] == 4
    assert yahe["on_time_sign_rate"] == 0.5  # A, C on time; B late; D unsigned past its limit
    assert yahe["on_time_close_rate"] == 0.5  # A, C on time; B late; D unreplied past its deadline
    assert yahe["extension_rate"] == 0.25  # C
    assert yahe["rework_rate"] == 0.3333  # C of the 3 replied
    assert yahe["satisfaction_rate"] == 0.6667  # 满意 + 基本满意 of 3 rated
    assert yahe["avg_handling_days"] == 2.33  # (7.5 h + 30 h + 15 h) / 3 / 7.5 h
    assert m[cast.lujiaxiang.pk]["received"] == 1
    assert m[cast.lujiaxiang.pk]["satisfaction_rate"] is None


def test_metrics_page_and_export(client: Any, cast: Any, month: dict[str, Any]) -> None:
    with time_machine.travel(at(2, 12, month=12), tick=False):
        c = login(client, cast.leader)
        page = c.get(reverse("workorders:metrics"), {"start": "2026-11-01", "end": "2026-11-30"})
        export = c.get(reverse("workorders:metrics_export"), {"start": "2026-11-01", "end": "2026-11-30"})
    html = page.content.decode()
    assert page.status_code == 200 and "丫河村" in html and "按时签收率" in html and "50%" in html
    from io import BytesIO

    import openpyxl

    sheet = openpyxl.load_workbook(BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "单位")
    yahe_row = next(r for r in rows if r and r[0] == "丫河村")
    assert yahe_row[header.index("受理数")] == 4
    assert yahe_row[header.index("满意率(%)")] == 66.7


def test_metrics_need_the_capability(client: Any, cast: Any) -> None:
    assert login(client, cast.yahe_cadre).get(reverse("workorders:metrics")).status_code == 403


def test_a_reversed_period_is_refused_in_chinese(client: Any, cast: Any) -> None:
    html = (
        login(client, cast.leader)
        .get(reverse("workorders:metrics"), {"start": "2026-11-30", "end": "2026-11-01"})
        .content.decode()
    )
    assert "开始日期不能晚于结束日期" in html

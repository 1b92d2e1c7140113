"""Issue 18: the year turns. From late December deadlines reach into a year the calendar does not
know officially; intake must go on with provisional (暂定) deadlines that are recomputed — never
earlier — when the official schedule arrives."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from zhenwu.core.actors import SYSTEM
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.workcalendar import (
    UnknownCalendarYear,
    WorkCalendar,
    chinese_calendar_seed,
    provisional_holidays,
)
from zhenwu.testing import login

SH = ZoneInfo("Asia/Shanghai")
DEC_20 = datetime(2026, 12, 20, 9, 30, tzinfo=SH)  # a Sunday


# --------------------------------------------------------------------------- the national rule


@pytest.mark.parametrize("year", [2025, 2026])
def test_provisional_days_are_all_official_days_off_in_known_years(year: int) -> None:
    _known, official = chinese_calendar_seed([year])
    provisional = provisional_holidays(year)
    assert len(provisional) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 (国务院令第795号)
    for day, name in provisional.items():
        assert official[day][0] is False, (day, name)


def test_2027_provisional_days() -> None:
    days = provisional_holidays(2027)
    assert days[date(2027, 1, 1)] == "元旦"
    assert [d for d, n in days.items() if n == "春节"] == [
        date(2027, 2, 5 + i) for i in range(4)
    ]  # 除夕 2-05
    assert days[date(2027, 4, 5)] == "清明节"
    assert days[date(2027, 6, 9)] == "端午节" and days[date(2027, 9, 15)] == "中秋节"
    assert [d for d, n in days.items() if n == "国庆节"] == [date(2027, 10, d) for d in (1, 2, 3)]


def test_a_provisional_year_is_flagged_and_a_year_beyond_the_horizon_still_refused() -> None:
    cal = WorkCalendar({2026}, {}, provisional_until=2027)
    assert cal.add_working_days(date(2026, 12, 20), 10) == date(2027, 1, 4)  # 2027-01-01 off
    assert cal.is_provisional(date(2027, 1, 4)) and not cal.is_provisional(date(2026, 12, 31))
    assert not cal.is_workday(date(2027, 2, 8))  # 正月初三, a Monday
    with pytest.raises(UnknownCalendarYear):
        cal.is_workday(date(2028, 1, 3))


# --------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_deadline_command_prints_exactly_the_documented_json(capsys: Any, time_machine: Any) -> None:
    time_machine.move_to(DEC_20, tick=False)
    call_command("calendar", "deadline", "--from", "2026-12-20", "--days", "10")
    assert json.loads(capsys.readouterr().out) == {"deadline": "2027-01-04", "provisional": True}
    call_command("calendar", "deadline", "--from", "2026-12-01", "--days", "3")
    assert json.loads(capsys.readouterr().out) == {"deadline": "2026-12-04", "provisional": False}


@pytest.mark.django_db
def test_deadline_command_bad_input_exits_2(time_machine: Any) -> None:
    time_machine.move_to(DEC_20, tick=False)
    for args in (["--from", "2026-13-01", "--days", "3"], ["--from", "2026-12-01", "--days", "-1"]):
        with pytest.raises(CommandError) as exc:
            call_command("calendar", "deadline", *args)
        assert exc.value.returncode == 2


@pytest.mark.django_db
def test_sync_when_the_package_does_not_know_the_year_says_so(time_machine: Any) -> None:
    time_machine.move_to(DEC_20, tick=False)
    with pytest.raises(CommandError, match="还没有 2027 年的安排"):
        call_command("calendar", "sync", "--year", "2027")


# --------------------------------------------------------------------------- import: bad input


def xlsx(rows: list[tuple[Any, ...]], header: tuple[str, ...] = ("日期", "类型", "名称")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("2027-01-01", "放假", "元旦"), ("2026-10-01", "放假", "国庆节")], "第 3 行 A 列"),
        ([("2027-10-01", "放假", "国庆节"), ("2027-10-01", "上班", "调休")], "第 3 行 B 列"),
        ([("2027-02-30", "放假", "春节")], "第 2 行 A 列"),
        ([("明年元旦", "放假", "元旦")], "第 2 行 A 列"),
        ([("2027-05-01", "休假吧", "劳动节")], "第 2 行 B 列"),
    ],
)
def test_a_bad_spreadsheet_names_row_and_column_and_writes_nothing(
    cast: Any, rows: Any, message: str
) -> None:
    from zhenwu.core.errors import DomainError
    from zhenwu.core.models import CalendarDay, CalendarYear
    from zhenwu.core.services import calendar_import_xlsx

    with pytest.raises(DomainError, match=message):
        calendar_import_xlsx(actor=cast.sysadmin, year=2027, content=xlsx(rows))
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_the_import_page_keeps_the_form_and_shows_the_row(cast: Any, client: Any) -> None:
    login(client, cast.sysadmin)
    upload = io.BytesIO(xlsx([("2026-10-01", "放假", "国庆节")]))
    upload.name = "2027.xlsx"
    html = client.post(
        reverse("core:calendar_import"), {"year": 2027, "file": upload, "page_year": 2027}
    ).content
    assert "第 2 行 A 列".encode() in html and "不在 2027 年内".encode() in html


# --------------------------------------------------------------------------- the whole journey


@pytest.mark.django_db
def test_intake_goes_on_in_late_december_and_deadlines_are_recomputed_never_earlier(
    cast: Any, client: Any, time_machine: Any
) -> None:
    from zhenwu.hotline import services as hotline
    from zhenwu.workorders.choices import Action
    from zhenwu.workorders.models import OrderEvent, WorkOrder
    from zhenwu.workorders.services import category_save, workorder_transition

    time_machine.move_to(DEC_20, tick=False)
    ten = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=10)
    three = category_save(actor=SYSTEM, code="municipal.lamp", name="路灯", parent=ten, time_limit_days=3)

    # 1. a citizen submits on the H5 form
    response = client.post(
        reverse("workorders:h5_submit"),
        {
            "category": ten.pk,
            "description": "丫河村村口路灯不亮三天了",
            "address": "丫河村村口",
            "reporter_name": "王女士",
            "reporter_phone": "13912345678",
            "client_token": "t-dec-20",
        },
        follow=True,
    )
    assert response.status_code == 200
    order = WorkOrder.objects.get(description="丫河村村口路灯不亮三天了")
    import re

    page = response.content.decode()
    number = re.search(r'id="zw-number">([A-Z0-9-]+)<', page).group(1)
    code = re.search(r'id="zw-code">([A-Z0-9]+)<', page).group(1)

    # 2. the desk dispatches it: a 10-working-day deadline lands in 2027, provisional
    workorder_transition(actor=cast.operator, order=order, action="dispatch", unit=cast.yahe)
    order.refresh_from_db()
    assert order.deadline.astimezone(SH).date() == date(2027, 1, 4)
    assert get_work_calendar().is_provisional(order.deadline)
    citizen_html = client.post(
        reverse("workorders:h5_track"), {"number": number, "code": code}
    ).content.decode()
    assert "办结时限 2027-01-04" in citizen_html and "暂定" in citizen_html
    staff_html = login(client, cast.town_admin).get(order.get_absolute_url()).content.decode()
    assert "暂定" in staff_html

    # a second order on a 3-day category lands on 2026-12-23, official
    other = WorkOrder.objects.create(number="NT-T-0002", channel="phone", category=three, description="井盖")
    workorder_transition(actor=cast.operator, order=other, action="dispatch", unit=cast.yahe)
    other.refresh_from_db()
    assert not get_work_calendar().is_provisional(other.deadline)

    # 3. a hotline commitment with a 2027 deadline, shown 暂定 on the public tracker
    hotline.plan_create(
        actor=cast.town_admin, year=2026, title="", owner_unit=cast.town, reminder_working_days=10
    )
    episode = hotline.episode_create(
        actor=cast.town_admin,
        unit=cast.yahe,
        air_date=None,
        guests=[("村党委书记", "李书记")],
        topics=["村务"],
    )
    commitment = hotline.commitment_create(
        actor=cast.operator,
        episode=episode,
        title="一月上旬修好村口路灯",
        responsible_unit=cast.yahe,
        responsible_person="李书记",
        deadline=get_work_calendar().add_working_days(date(2026, 12, 20), 10),
    )
    assert commitment.deadline == date(2027, 1, 4)
    staff_commitment = client.get(reverse("hotline:commitment_detail", args=[commitment.pk])).content.decode()
    assert "暂定" in staff_commitment

    # 4. the official 2027 schedule arrives (imported): 1-4 January off → the deadline moves later
    before = order.deadline
    official = [("2027-01-01", "放假", "元旦"), ("2027-01-04", "放假", "元旦补休（测试）")]
    login(client, cast.sysadmin)
    upload = io.BytesIO(xlsx(official))
    upload.name = "2027.xlsx"
    response = client.post(reverse("core:calendar_import"), {"year": 2027, "file": upload, "page_year": 2027})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.deadline > before
    assert order.deadline.astimezone(SH).date() == date(2027, 1, 5)
    assert not get_work_calendar().is_provisional(order.deadline)
    event = OrderEvent.objects.get(order=order, action=Action.RECALC)
    assert "2027-01-05" in event.note
    from zhenwu.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="workorder.deadline_recalc", object_id=str(order.pk)).exists()
    # the official 3-day order was not touched
    assert not OrderEvent.objects.filter(order=other, action=Action.RECALC).exists()


@pytest.mark.django_db
def test_a_deadline_never_moves_earlier(cast: Any, time_machine: Any) -> None:
    from zhenwu.core.services import calendar_import_xlsx
    from zhenwu.workorders.choices import Action
    from zhenwu.workorders.models import OrderEvent, WorkOrder
    from zhenwu.workorders.services import category_save, workorder_transition

    time_machine.move_to(DEC_20, tick=False)
    ten = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=10)
    order = WorkOrder.objects.create(
        number="NT-T-0003", channel="phone", category=ten, description="路面坑洼"
    )
    workorder_transition(actor=cast.operator, order=order, action="dispatch", unit=cast.yahe)
    order.refresh_from_db()
    announced = order.deadline
    # an official year in which 1 January is a working day would make the deadline earlier
    calendar_import_xlsx(
        actor=cast.sysadmin, year=2027, content=xlsx([("2027-01-01", "上班", "测试：元旦上班")])
    )
    order.refresh_from_db()
    assert order.deadline == announced
    assert not OrderEvent.objects.filter(order=order, action=Action.RECALC).exists()


@pytest.mark.django_db
def test_the_calendar_page_and_the_workbench_say_which_years_are_provisional(
    cast: Any, client: Any, time_machine: Any
) -> None:
    time_machine.move_to(DEC_20, tick=False)
    login(client, cast.sysadmin)
    html = client.get(reverse("core:calendar_year", args=[2027])).content.decode()
    assert "2027 年为暂定日历" in html and "2026 正式" in html and "2027 暂定" in html
    assert "国庆节" in html  # the provisional holidays are listed
    workbench = login(client, cast.town_admin).get(reverse("dashboard:home")).content.decode()
    assert "2027 年节假日安排尚未录入" in workbench
    # not for a village cadre
    assert (
        "节假日安排尚未录入"
        not in login(client, cast.yahe_cadre).get(reverse("dashboard:home")).content.decode()
    )


@pytest.mark.django_db
def test_the_daily_task_records_the_missing_year(cast: Any, time_machine: Any) -> None:
    from zhenwu.audit.models import AuditEvent
    from zhenwu.core.tasks import check_next_calendar_year

    time_machine.move_to(datetime(2026, 9, 30, 12, tzinfo=SH), tick=False)
    assert check_next_calendar_year() == 0
    time_machine.move_to(datetime(2026, 10, 1, 12, tzinfo=SH), tick=False)
    assert check_next_calendar_year() == 2027
    assert AuditEvent.objects.filter(action="calendar.next_year_missing").count() == 1

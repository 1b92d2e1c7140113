"""倒排节点: WorkCalendar.plan_backward (pure) and the exact `zhenwu plan backward` command."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenwu.core.errors import DomainError
from zhenwu.core.workcalendar import UnknownCalendarYear, WorkCalendar

CAL = WorkCalendar.from_chinese_calendar(years=[2025, 2026])


def test_a_working_day_deadline_is_the_last_steps_finish() -> None:
    # Friday 2026-11-27; 3 days → Wed..Fri; the step before (2 days) ends Tuesday.
    plan = CAL.plan_backward(date(2026, 11, 27), [("准备", 2), ("整治", 3)])
    assert [(p.name, p.start, p.finish) for p in plan] == [
        ("准备", date(2026, 11, 23), date(2026, 11, 24)),
        ("整治", date(2026, 11, 25), date(2026, 11, 27)),
    ]


def test_a_weekend_deadline_moves_to_the_friday_before() -> None:
    plan = CAL.plan_backward(date(2026, 11, 29), [("验收", 1)])  # Sunday
    assert (plan[0].start, plan[0].finish) == (date(2026, 11, 27), date(2026, 11, 27))


def test_holidays_are_skipped_and_a_makeup_saturday_counts() -> None:
    # 2026 National Day: 1–7 October off; Saturday 10 October 2026 is a 调休 working day.
    assert CAL.is_workday(date(2026, 10, 10)) and not CAL.is_workday(date(2026, 10, 5))
    plan = CAL.plan_backward(date(2026, 10, 12), [("前期", 1), ("后期", 2)])
    assert plan[1].start == date(2026, 10, 10) and plan[1].finish == date(2026, 10, 12)
    assert plan[0].finish == date(2026, 10, 9)
    plan = CAL.plan_backward(date(2026, 10, 7), [("节中截止", 1)])
    assert plan[0].finish == date(2026, 9, 30)


@pytest.mark.parametrize("days", [0, -3])
def test_a_step_of_zero_or_negative_days_is_refused(days: int) -> None:
    with pytest.raises(DomainError, match="不少于 1"):
        CAL.plan_backward(date(2026, 11, 27), [("摸底", 5), ("整治", days)])


def test_a_year_the_calendar_does_not_know_is_refused() -> None:
    with pytest.raises(UnknownCalendarYear, match="2031"):
        CAL.plan_backward(date(2031, 3, 3), [("摸底", 1)])


@settings(max_examples=60, deadline=None)
@given(
    end=st.dates(min_value=date(2026, 3, 1), max_value=date(2026, 12, 31)),
    days=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=6),
)
def test_the_plan_is_back_to_back_on_working_days(end: date, days: list[int]) -> None:
    plan = CAL.plan_backward(end, [(f"s{i}", d) for i, d in enumerate(days)])
    assert plan[-1].finish <= end
    assert all(not CAL.is_workday(end - timedelta(n)) for n in range((end - plan[-1].finish).days))
    for step, n in zip(plan, days, strict=True):
        assert CAL.is_workday(step.start) and CAL.is_workday(step.finish)
        assert CAL.working_days_between(step.start, step.finish) == n - 1
    for before, after in zip(plan, plan[1:], strict=False):
        assert CAL.next_workday(before.finish) == after.start


@pytest.fixture
def calendar_2026(db: Any) -> None:
    from zhenwu.core.services import calendar_seed

    calendar_seed(years=[2026])


def _run(*args: str) -> Any:
    out = StringIO()
    call_command("plan", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_documented_json(calendar_2026: None) -> None:
    steps = json.dumps([{"name": "摸底", "days": 2}, {"name": "整治", "days": 3}], ensure_ascii=False)
    assert _run("backward", "--end", "2026-11-27", "--steps", steps) == [
        {"name": "摸底", "start": "2026-11-23", "finish": "2026-11-24"},
        {"name": "整治", "start": "2026-11-25", "finish": "2026-11-27"},
    ]


def test_the_command_exits_2_for_an_unknown_year(calendar_2026: None) -> None:
    with pytest.raises(CommandError) as info:
        _run("backward", "--end", "2035-06-01", "--steps", '[{"name": "a", "days": 1}]')
    assert info.value.returncode == 2
    assert "2035" in str(info.value) and "节假日" in str(info.value)


@pytest.mark.parametrize(
    "steps, message",
    [
        ('[{"name": "a", "days": 0}]', "不少于 1"),
        ('[{"name": "a", "days": -2}]', "不少于 1"),
        ('[{"name": "a", "days": "5"}]', "整数"),
        ("[{]", "JSON"),
        ("[]", "非空"),
        ('[{"days": 3}]', "名称"),
    ],
)
def test_the_command_names_what_is_wrong_with_the_steps(
    calendar_2026: None, steps: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message) as info:
        _run("backward", "--end", "2026-11-27", "--steps", steps)
    assert info.value.returncode == 2


def test_the_command_refuses_a_malformed_date(calendar_2026: None) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("backward", "--end", "27/11/2026", "--steps", '[{"name": "a", "days": 1}]')


def test_next_year_is_planned_provisionally(calendar_2026: None, time_machine: Any) -> None:
    time_machine.move_to(date(2026, 11, 27))
    plan = _run("backward", "--end", "2027-03-31", "--steps", '[{"name": "a", "days": 2}]')
    assert plan == [{"name": "a", "start": "2027-03-30", "finish": "2027-03-31"}]

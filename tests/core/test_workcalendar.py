"""Tests of zhenwu.core.workcalendar against the real 2025/2026 State Council schedules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from zhenwu.core.errors import DomainError
from zhenwu.core.workcalendar import (
    DEFAULT_PERIODS,
    SHANGHAI,
    UnknownCalendarYear,
    WorkCalendar,
    chinese_calendar_seed,
    parse_periods,
)

KNOWN_YEARS, SEED = chinese_calendar_seed()
CAL = WorkCalendar(KNOWN_YEARS, {d: workday for d, (workday, _name) in SEED.items()})


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An Asia/Shanghai local time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --------------------------------------------------------------------------- seed data


def test_seed_covers_package_years() -> None:
    assert set(range(2004, 2027)) <= KNOWN_YEARS
    assert 2003 not in KNOWN_YEARS
    assert max(KNOWN_YEARS) + 1 not in KNOWN_YEARS


def test_seed_names() -> None:
    assert SEED[date(2025, 10, 1)] == (False, "国庆节")
    assert SEED[date(2025, 1, 29)] == (False, "春节")
    assert SEED[date(2025, 10, 6)] == (False, "中秋节")
    assert SEED[date(2025, 4, 4)] == (False, "清明节")
    assert SEED[date(2025, 9, 28)] == (True, "国庆节调休")
    assert SEED[date(2025, 10, 11)] == (True, "国庆节调休")
    assert SEED[date(2026, 2, 14)] == (True, "春节调休")


def test_seed_restricted_years() -> None:
    known, days = chinese_calendar_seed(range(2025, 2031))
    assert known == {2025, 2026}
    assert {d.year for d in days} == {2025, 2026}


def test_from_chinese_calendar() -> None:
    cal = WorkCalendar.from_chinese_calendar([2025])
    assert cal.known_years == frozenset({2025})
    assert not cal.is_workday(date(2025, 10, 8))


# --------------------------------------------------------------------------- 2025 National Day


def test_2025_national_day_days() -> None:
    for day in range(1, 9):
        assert not CAL.is_workday(date(2025, 10, day)), day
    assert CAL.is_workday(date(2025, 9, 28))  # Sunday, 调休
    assert CAL.is_workday(date(2025, 10, 11))  # Saturday, 调休
    assert not CAL.is_workday(date(2025, 10, 12))  # ordinary Sunday
    assert CAL.is_workday(date(2025, 10, 9))


def test_2025_national_day_arithmetic() -> None:
    assert CAL.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert CAL.add_working_days(date(2025, 9, 30), 4) == date(2025, 10, 13)
    assert CAL.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert CAL.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 9)
    assert CAL.add_working_days(date(2025, 9, 30), 0) == date(2025, 9, 30)
    assert CAL.next_workday(date(2025, 10, 1)) == date(2025, 10, 9)
    assert CAL.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    # (9.26, 10.13]: 9.28 (Sun), 9.29, 9.30, 10.9, 10.10, 10.11 (Sat), 10.13.
    assert CAL.working_days_between(date(2025, 9, 26), date(2025, 10, 13)) == 7
    assert CAL.working_days_between(date(2025, 10, 13), date(2025, 9, 26)) == -7
    assert CAL.working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0


# --------------------------------------------------------------------------- 2026 National Day


def test_2026_schedule_from_package() -> None:
    # State Council notice for 2026: 中秋节 9.25-9.27, 国庆节 10.1-10.7 off;
    # Sunday 9.20 and Saturday 10.10 are working days.
    for day in range(1, 8):
        assert SEED[date(2026, 10, day)] == (False, "国庆节"), day
    for day in (25, 26, 27):
        assert SEED[date(2026, 9, day)] == (False, "中秋节"), day
    assert SEED[date(2026, 9, 20)] == (True, "国庆节调休")
    assert SEED[date(2026, 10, 10)] == (True, "国庆节调休")


def test_2026_national_day_arithmetic() -> None:
    assert CAL.is_workday(date(2026, 9, 20))  # Sunday
    assert not CAL.is_workday(date(2026, 9, 25))  # Friday, 中秋节
    assert CAL.is_workday(date(2026, 10, 8))
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday
    assert not CAL.is_workday(date(2026, 10, 11))
    assert CAL.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert CAL.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert CAL.add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)
    assert CAL.working_days_between(date(2026, 9, 18), date(2026, 10, 12)) == 12


# --------------------------------------------------------------------------- unknown years


def test_unknown_year_is_never_guessed() -> None:
    unknown = max(KNOWN_YEARS) + 1
    with pytest.raises(UnknownCalendarYear) as exc:
        CAL.is_workday(date(unknown, 3, 2))
    assert exc.value.year == unknown
    assert f"{unknown} 年" in str(exc.value)
    assert "节假日日历" in str(exc.value)
    assert isinstance(exc.value, DomainError)
    assert exc.value.code == "unknown_calendar_year"


def test_unknown_year_when_crossing_year_end() -> None:
    last = max(KNOWN_YEARS)
    with pytest.raises(UnknownCalendarYear, match=f"{last + 1} 年"):
        CAL.add_working_days(date(last, 12, 28), 10)
    with pytest.raises(UnknownCalendarYear, match=f"{last + 1} 年"):
        CAL.working_days_between(date(last, 12, 1), date(last + 1, 1, 10))
    with pytest.raises(UnknownCalendarYear, match=f"{last + 1} 年"):
        CAL.add_working_hours(sh(last, 12, 31, 9, 0), 40)
    with pytest.raises(UnknownCalendarYear, match="2003 年"):
        CAL.working_days_between(date(2003, 12, 30), date(2004, 1, 5))


# --------------------------------------------------------------------------- working hours


def test_default_periods() -> None:
    assert CAL.periods == DEFAULT_PERIODS
    assert CAL.hours_per_day == 7.5
    assert parse_periods((("08:30", "12:00"), ("13:30", "17:30"))) == DEFAULT_PERIODS


def test_working_hours_across_lunch() -> None:
    assert CAL.add_working_hours(sh(2025, 9, 30, 11, 0), 2) == sh(2025, 9, 30, 14, 30)
    assert CAL.add_working_hours(sh(2025, 9, 30, 8, 30), 3.5) == sh(2025, 9, 30, 12, 0)
    assert CAL.add_working_hours(sh(2025, 9, 30, 12, 30), 1) == sh(2025, 9, 30, 14, 30)
    assert CAL.add_working_hours(sh(2025, 9, 30, 7, 0), 0.5) == sh(2025, 9, 30, 9, 0)
    assert CAL.working_hours_between(sh(2025, 9, 30, 11, 0), sh(2025, 9, 30, 14, 30)) == 2
    assert CAL.working_hours_between(sh(2025, 9, 30, 12, 10), sh(2025, 9, 30, 13, 20)) == 0


def test_working_hours_across_weekend() -> None:
    # Friday 2025-11-07 16:30 + 2h -> Monday 2025-11-10 09:30.
    assert CAL.add_working_hours(sh(2025, 11, 7, 16, 30), 2) == sh(2025, 11, 10, 9, 30)
    assert CAL.working_hours_between(sh(2025, 11, 7, 16, 30), sh(2025, 11, 10, 9, 30)) == 2
    assert CAL.add_working_hours(sh(2025, 11, 8, 10, 0), 7.5) == sh(2025, 11, 10, 17, 30)


def test_working_hours_across_holiday() -> None:
    # Tuesday 2025-09-30 16:30 + 2h -> Thursday 2025-10-09 09:30 (10.1-10.8 off).
    assert CAL.add_working_hours(sh(2025, 9, 30, 16, 30), 2) == sh(2025, 10, 9, 9, 30)
    assert CAL.working_hours_between(sh(2025, 9, 30, 16, 30), sh(2025, 10, 9, 9, 30)) == 2
    assert CAL.working_hours_between(sh(2025, 10, 9, 9, 30), sh(2025, 9, 30, 16, 30)) == -2
    # Through the whole holiday, the 调休 Saturday 10.11 counts as a full day.
    assert CAL.working_hours_between(sh(2025, 9, 30, 17, 30), sh(2025, 10, 13, 8, 30)) == 3 * 7.5


def test_working_hours_keep_timezone() -> None:
    start = datetime(2025, 11, 7, 8, 30, tzinfo=UTC)  # 16:30 in Shanghai
    result = CAL.add_working_hours(start, 2)
    assert result.tzinfo is UTC
    assert result == datetime(2025, 11, 10, 1, 30, tzinfo=UTC)
    assert CAL.add_working_hours(start, 0) == start


def test_working_hours_reject_naive_and_negative() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_hours(datetime(2025, 9, 30, 9, 0), 1)
    with pytest.raises(ValueError):
        CAL.working_hours_between(datetime(2025, 9, 30, 9, 0), sh(2025, 9, 30, 10, 0))
    with pytest.raises(ValueError):
        CAL.add_working_hours(sh(2025, 9, 30, 9, 0), -1)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2025, 9, 30), -1)


def test_bad_periods_rejected() -> None:
    with pytest.raises(ValueError):
        WorkCalendar({2025}, {}, periods=())
    with pytest.raises(ValueError):
        WorkCalendar({2025}, {}, periods=((time(12), time(9)),))
    with pytest.raises(ValueError):
        WorkCalendar({2025}, {}, periods=((time(8), time(12)), (time(11), time(17))))


def test_custom_periods_and_exceptions() -> None:
    cal = WorkCalendar({2030}, {date(2030, 1, 5): True}, periods=((time(9), time(17)),))
    assert cal.is_workday(date(2030, 1, 5))  # a Saturday made a working day
    assert cal.add_working_hours(sh(2030, 1, 4, 16, 0), 2) == sh(2030, 1, 5, 10, 0)


def test_long_ranges_are_fast_enough() -> None:
    start = date(2005, 1, 4)
    end = CAL.add_working_days(start, 4000)
    assert CAL.working_days_between(start, end) == 4000


# --------------------------------------------------------------------------- properties

FIRST = date(2005, 1, 1)
LAST = date(2025, 6, 30)  # leaves room for +300 working days inside the package's range
dates = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=300)
PROPS = hyp_settings(max_examples=150, deadline=None)


@PROPS
@given(dates, counts)
def test_add_then_between_is_identity(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    if n > 0 or CAL.is_workday(d):
        assert CAL.working_days_between(d, result) == n
    else:
        assert CAL.working_days_between(d, result) == 1


@PROPS
@given(dates, counts)
def test_add_result_is_workday_and_after_start(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    assert CAL.is_workday(result)
    assert result >= d
    if n > 0:
        assert result > d


@PROPS
@given(dates, dates, counts)
def test_add_is_monotonic(a: date, b: date, n: int) -> None:
    # n = 0 on a day off already yields the next working day, which is also n = 1.
    assert CAL.add_working_days(a, n) <= CAL.add_working_days(a, n + 1)
    if n > 0 or CAL.is_workday(a):
        assert CAL.add_working_days(a, n) < CAL.add_working_days(a, n + 1)
    if a <= b:
        assert CAL.add_working_days(a, n) <= CAL.add_working_days(b, n)


@PROPS
@given(dates, dates)
def test_between_is_antisymmetric(a: date, b: date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    assert CAL.working_days_between(a, a) == 0


@PROPS
@given(dates, st.integers(min_value=0, max_value=200), dates)
def test_between_is_additive(a: date, days: int, c: date) -> None:
    b = a + timedelta(days=days)
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == CAL.working_days_between(a, c)


moments = st.datetimes(
    min_value=datetime(2005, 1, 1),
    max_value=datetime(2025, 6, 30, 23, 59, 59),
    timezones=st.sampled_from([SHANGHAI, UTC]),
)
hour_amounts = st.floats(min_value=0, max_value=500, allow_nan=False, allow_infinity=False)


@PROPS
@given(moments, hour_amounts)
def test_add_hours_then_between_is_identity(start: datetime, hours: float) -> None:
    result = CAL.add_working_hours(start, hours)
    assert result >= start
    assert result.tzinfo is start.tzinfo
    assert abs(CAL.working_hours_between(start, result) - hours) < 1e-6


@PROPS
@given(moments, st.integers(min_value=0, max_value=6000), st.integers(min_value=0, max_value=6000))
def test_add_hours_composes(start: datetime, first_minutes: int, second_minutes: int) -> None:
    a, b = first_minutes / 60, second_minutes / 60
    assert CAL.add_working_hours(CAL.add_working_hours(start, a), b) == CAL.add_working_hours(start, a + b)


@PROPS
@given(moments, moments)
def test_hours_between_is_antisymmetric(a: datetime, b: datetime) -> None:
    assert CAL.working_hours_between(a, b) == -CAL.working_hours_between(b, a)


@PROPS
@given(moments, hour_amounts)
def test_add_hours_lands_in_working_time(start: datetime, hours: float) -> None:
    if hours * 3600 < 1e-6:
        return
    local = CAL.add_working_hours(start, hours).astimezone(SHANGHAI)
    assert CAL.is_workday(local.date())
    assert any(begin < local.time() <= end for begin, end in DEFAULT_PERIODS)

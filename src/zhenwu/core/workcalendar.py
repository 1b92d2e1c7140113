"""Working-day and working-hour arithmetic for deadlines (办理时限) and SLAs.

Pure Python with no database access so it can be property-tested; the holiday table that
feeds it lives in the database and is seeded from the ``chinese_calendar`` package by
:func:`chinese_calendar_seed`.

Rules:

* Monday to Friday are working days, Saturday and Sunday are not, unless ``exceptions`` says
  otherwise (statutory holidays on weekdays; 调休 working weekends).
* A year in ``known_years`` is official (its published schedule is in the database). A year
  that is not, up to ``provisional_until``, is *provisional*: weekends off plus the statutory
  holidays of the national rule (:func:`provisional_holidays`), no 调休. Every date computed
  from it is flagged 暂定 by the callers (``is_provisional``) and recomputed when the official
  schedule arrives. A year beyond ``provisional_until`` raises :class:`UnknownCalendarYear`.
* Working hours are the ``periods`` of each working day in Asia/Shanghai local time, by
  default 08:30-12:00 and 13:30-17:30.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from zhenwu.core.errors import DomainError

__all__ = [
    "DEFAULT_PERIODS",
    "PlannedStep",
    "SHANGHAI",
    "UnknownCalendarYear",
    "WorkCalendar",
    "chinese_calendar_seed",
    "parse_periods",
    "provisional_holidays",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))

_ONE_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)
_MICROS_PER_HOUR = 3_600_000_000


class UnknownCalendarYear(DomainError):
    """The calendar has no holiday schedule for ``year``."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"工作日历尚未包含 {year} 年的节假日安排，请系统管理员先在“节假日日历”中维护该年度。",
            code="unknown_calendar_year",
        )
        self.year = year


def parse_periods(spec: Iterable[Sequence[time | str]]) -> tuple[tuple[time, time], ...]:
    """Turn ``(("08:30", "12:00"), ...)`` (strings or ``time`` objects) into time pairs."""
    result: list[tuple[time, time]] = []
    for pair in spec:
        if len(pair) != 2:
            raise ValueError("each working period must be a (start, end) pair")
        start, end = (p if isinstance(p, time) else time.fromisoformat(p) for p in pair)
        result.append((start, end))
    return tuple(result)


def _check_periods(periods: tuple[tuple[time, time], ...]) -> None:
    if not periods:
        raise ValueError("at least one working period is required")
    previous_end: time | None = None
    for start, end in periods:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working periods are naive local times")
        if not start < end:
            raise ValueError(f"working period {start}-{end} must start before it ends")
        if previous_end is not None and start < previous_end:
            raise ValueError("working periods must be sorted and must not overlap")
        previous_end = end


@dataclass(frozen=True)
class PlannedStep:
    """One step of a backward plan: its latest start and finish (both working days, both included)."""

    name: str
    start: date
    finish: date

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "start": self.start.isoformat(), "finish": self.finish.isoformat()}


def _micros(delta: timedelta) -> int:
    return delta // _MICROSECOND


class WorkCalendar:
    """Working-day calendar with explicit per-date exceptions and daily working periods."""

    def __init__(
        self,
        known_years: Iterable[int],
        exceptions: Mapping[date, bool],
        periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS,
        tz: tzinfo = SHANGHAI,
        provisional_until: int | None = None,
    ) -> None:
        _check_periods(periods)
        self.known_years: frozenset[int] = frozenset(known_years)
        self.exceptions: dict[date, bool] = dict(exceptions)
        self.periods = periods
        self.tz = tz
        self.provisional_until = provisional_until
        self._provisional_loaded: set[int] = set()

    def is_provisional_year(self, year: int) -> bool:
        """A year computed by the national rule because its official schedule is not entered yet."""
        return (
            year not in self.known_years
            and self.provisional_until is not None
            and 2000 <= year <= self.provisional_until
        )

    def is_provisional(self, d: date | datetime) -> bool:
        """Whether a deadline falling on ``d`` was computed from a provisional year (shown as 暂定)."""
        if isinstance(d, datetime):
            d = d.astimezone(self.tz).date() if d.tzinfo else d.date()
        return self.is_provisional_year(d.year)

    def provisional_years(self) -> list[int]:
        if self.provisional_until is None:
            return []
        first = max(self.known_years, default=self.provisional_until - 1) + 1
        return [y for y in range(first, self.provisional_until + 1) if self.is_provisional_year(y)]

    @classmethod
    def from_chinese_calendar(
        cls,
        years: Iterable[int] | None = None,
        periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS,
    ) -> WorkCalendar:
        """Calendar built directly from the ``chinese_calendar`` package data."""
        known, days = chinese_calendar_seed(years)
        return cls(known, {d: workday for d, (workday, _name) in days.items()}, periods)

    # ------------------------------------------------------------------ days

    def _check_year(self, d: date) -> None:
        year = d.year
        if year in self.known_years or year in self._provisional_loaded:
            return
        if not self.is_provisional_year(year):
            raise UnknownCalendarYear(year)
        for day in provisional_holidays(year):
            self.exceptions.setdefault(day, False)
        self._provisional_loaded.add(year)

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day. Raises :class:`UnknownCalendarYear` if not covered."""
        if isinstance(d, datetime):
            d = d.date()
        self._check_year(d)
        override = self.exceptions.get(d)
        if override is not None:
            return override
        return d.weekday() < 5

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        current = d + _ONE_DAY
        while not self.is_workday(current):
            current += _ONE_DAY
        return current

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is never counted).

        ``n == 0`` returns ``start`` when it is a working day, otherwise the next working day,
        so the result is always a working day. For ``n >= 1`` the result is independent of
        whether ``start`` is a working day: a request received on Saturday with a 1-day limit
        is due on Monday, as is one received on Friday.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return start if self.is_workday(start) else self.next_workday(start)
        current = start
        for _ in range(n):
            current = self.next_workday(current)
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in ``(start, end]``; negative when ``end < start``.

        ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 1`` (and for
        ``n == 0`` when ``d`` is a working day), and ``between(a, b) == -between(b, a)``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        self._check_year(start)
        count = 0
        current = start
        while current < end:
            current += _ONE_DAY
            if self.is_workday(current):
                count += 1
        return count

    def previous_workday(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        current = d - _ONE_DAY
        while not self.is_workday(current):
            current -= _ONE_DAY
        return current

    def plan_backward(self, end: date, steps: Sequence[tuple[str, int]]) -> list[PlannedStep]:
        """倒排节点: each step's latest start and finish so that the last one is done by ``end``.

        Steps are given in order of execution as ``(name, working days)``. The last step finishes on
        ``end`` when it is a working day, otherwise on the last working day before it; a step of n
        days starts n-1 working days before it finishes; the step before finishes on the working
        day before the next one starts. Returned in the order given.
        """
        for name, days in steps:
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                raise DomainError(
                    f"步骤“{name}”的工期必须是不少于 1 的整数个工作日。", field="steps", code="bad_step_days"
                )
        planned: list[PlannedStep] = []
        finish = end if self.is_workday(end) else self.previous_workday(end)
        for name, days in reversed(steps):
            start = finish
            for _ in range(days - 1):
                start = self.previous_workday(start)
            planned.append(PlannedStep(name, start, finish))
            finish = self.previous_workday(start)
        planned.reverse()
        return planned

    # ------------------------------------------------------------------ hours

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("working-hour arithmetic needs timezone-aware datetimes")
        return moment.astimezone(self.tz)

    def _day_periods(self, d: date) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.combine(d, start, tzinfo=self.tz), datetime.combine(d, end, tzinfo=self.tz))
            for start, end in self.periods
        ]

    @property
    def hours_per_day(self) -> float:
        """Working hours in one working day."""
        total = sum(
            _micros(datetime.combine(date.min, end) - datetime.combine(date.min, start))
            for start, end in self.periods
        )
        return total / _MICROS_PER_HOUR

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The earliest instant at which ``hours`` working hours have elapsed since ``start``.

        ``start`` must be timezone-aware; the result is in ``start``'s timezone. Time is
        counted with microsecond resolution. ``hours == 0`` returns ``start``; otherwise the
        result lies inside a working period or at its end (e.g. 3.5 hours from 08:30 is 12:00,
        not 13:30).
        """
        if hours < 0:
            raise ValueError("hours must be >= 0")
        local = self._local(start)
        self._check_year(local.date())
        remaining = round(hours * _MICROS_PER_HOUR)
        if remaining == 0:
            return start
        day = local.date()
        cursor = local
        while True:
            if self.is_workday(day):
                for period_start, period_end in self._day_periods(day):
                    begin = max(cursor, period_start)
                    if begin >= period_end:
                        continue
                    available = _micros(period_end - begin)
                    if remaining <= available:
                        return (begin + timedelta(microseconds=remaining)).astimezone(start.tzinfo)
                    remaining -= available
            day += _ONE_DAY
            cursor = datetime.combine(day, time.min, tzinfo=self.tz)

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours between two aware datetimes; negative when ``end < start``."""
        local_start, local_end = self._local(start), self._local(end)
        if local_end < local_start:
            return -self.working_hours_between(end, start)
        self._check_year(local_start.date())
        total = 0
        day = local_start.date()
        last_day = local_end.date()
        while day <= last_day:
            if self.is_workday(day):
                for period_start, period_end in self._day_periods(day):
                    begin = max(local_start, period_start)
                    finish = min(local_end, period_end)
                    if finish > begin:
                        total += _micros(finish - begin)
            day += _ONE_DAY
        return total / _MICROS_PER_HOUR


# --------------------------------------------------------------------------- provisional years

# 国务院《全国年节及纪念日放假办法》(as amended by 国务院令第795号, in force from 2025-01-01):
# 元旦 1 day, 春节 4 days (除夕 to 正月初三), 清明 1, 劳动节 2 (May 1-2), 端午 1, 中秋 1,
# 国庆 3 (October 1-3). The lunar dates come from the lunar-python package.


def provisional_holidays(year: int) -> dict[date, str]:
    """The statutory days off of ``year`` by the national rule, without 调休 (a provisional year)."""
    from lunar_python import Lunar

    def solar(lunar_month: int, lunar_day: int) -> date:
        s = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    new_year = solar(1, 1)
    for offset in range(-1, 3):  # 除夕 .. 初三
        days[new_year + timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "劳动节"
    days[solar(5, 5)] = "端午节"
    days[solar(8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return {d: name for d, name in sorted(days.items()) if d.year == year}


# --------------------------------------------------------------------------- seed data

# chinese_calendar uses short names for some festivals; official notices use the full names.
_FULL_HOLIDAY_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def _holiday_name(holiday_value: str) -> str:
    from chinese_calendar.constants import Holiday

    try:
        chinese: str = Holiday(holiday_value).chinese
    except ValueError:
        chinese = str(holiday_value)
    return _FULL_HOLIDAY_NAMES.get(chinese, chinese)


def chinese_calendar_seed(
    years: Iterable[int] | None = None,
) -> tuple[set[int], dict[date, tuple[bool, str]]]:
    """Holiday data from the ``chinese_calendar`` package.

    Returns ``(known_years, days)`` where ``known_years`` are the years the package covers
    (the same ``min..max`` year of its holiday table that the package itself accepts),
    restricted to ``years`` if given, and ``days`` maps every listed date of those years to
    ``(is_workday, name)``: days off are named after the holiday (``"国庆节"``), working
    weekends get the ``"调休"`` suffix (``"国庆节调休"``). Weekend days inside a holiday are
    included too, so the table shows the whole holiday.
    """
    from chinese_calendar import constants

    holidays: Mapping[date, str] = constants.holidays
    workdays: Mapping[date, str] = constants.workdays
    covered = set(range(min(holidays).year, max(holidays).year + 1))
    known = covered if years is None else covered & set(years)
    days: dict[date, tuple[bool, str]] = {}
    for d, value in holidays.items():
        if d.year in known:
            days[d] = (False, _holiday_name(value))
    for d, value in workdays.items():
        if d.year in known:
            days[d] = (True, _holiday_name(value) + "调休")
    return known, dict(sorted(days.items()))

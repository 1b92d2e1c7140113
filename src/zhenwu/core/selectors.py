"""Shared reads: the working-day calendar built from the database, cached per process."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from zhenwu.core.models import CalendarDay, CalendarYear
from zhenwu.core.workcalendar import WorkCalendar, parse_periods

_cached: tuple[int, int, WorkCalendar] | None = None


def provisional_horizon() -> int:
    """Years up to next year that are not entered officially are computed provisionally (暂定)."""
    return timezone.localdate().year + 1


def _cache_version() -> int:
    try:
        return int(cache.get("zhenwu:calendar:version") or 0)
    except Exception:  # a cache outage: rebuild from the database every time rather than fail
        return 0


def get_work_calendar() -> WorkCalendar:
    """The calendar every deadline uses. Rebuilt when an admin edits it (version key in the cache)."""
    global _cached
    version = _cache_version()
    horizon = provisional_horizon()
    if _cached is not None and _cached[0] == version and version and _cached[1] == horizon:
        return _cached[2]
    calendar = build_work_calendar(horizon=horizon)
    if not version:
        try:
            cache.add("zhenwu:calendar:version", 1, None)
            version = int(cache.get("zhenwu:calendar:version") or 1)
        except Exception:
            return calendar
    _cached = (version, horizon, calendar)
    return calendar


def build_work_calendar(*, horizon: int | None = None) -> WorkCalendar:
    """A fresh calendar from the database (services compare one before and after a change)."""
    known = set(CalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
    return WorkCalendar(
        known_years=known,
        exceptions=exceptions,
        periods=parse_periods(settings.ZHENWU_WORK_PERIODS),
        provisional_until=provisional_horizon() if horizon is None else horizon,
    )


def calendar_years() -> list[dict[str, object]]:
    """Official years from the database, then the provisional ones up to next year, with labels."""
    calendar = get_work_calendar()
    rows: dict[int, dict[str, object]] = {}
    for year in sorted(calendar.known_years):
        rows[year] = {"year": year, "official": True, "label": "正式（已录入国务院办公厅公布的安排）"}
    for year in calendar.provisional_years():
        rows[year] = {
            "year": year,
            "official": False,
            "label": "暂定（按国家放假规则暂算，无调休；正式安排公布后请同步或录入）",
        }
    return [rows[y] for y in sorted(rows)]


def next_year_missing() -> int | None:
    """From 1 October, the next year when its official schedule is not entered yet (a notice is due)."""
    today = timezone.localdate()
    if today.month < 10:
        return None
    nxt = today.year + 1
    return None if CalendarYear.objects.filter(year=nxt).exists() else nxt

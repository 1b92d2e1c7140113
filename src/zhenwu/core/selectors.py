"""Shared reads: the working-day calendar built from the database, cached per process."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from zhenwu.core.models import CalendarDay, CalendarYear
from zhenwu.core.workcalendar import WorkCalendar, parse_periods

_cached: tuple[int, WorkCalendar] | None = None


def get_work_calendar() -> WorkCalendar:
    """The calendar every deadline uses. Rebuilt when an admin edits it (version key in the cache)."""
    global _cached
    version = int(cache.get("zhenwu:calendar:version") or 0)
    if _cached is not None and _cached[0] == version and version:
        return _cached[1]
    known = set(CalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
    calendar = WorkCalendar(
        known_years=known, exceptions=exceptions, periods=parse_periods(settings.ZHENWU_WORK_PERIODS)
    )
    if not version:
        cache.add("zhenwu:calendar:version", 1, None)
        version = int(cache.get("zhenwu:calendar:version") or 1)
    _cached = (version, calendar)
    return calendar

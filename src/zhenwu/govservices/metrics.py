"""小牛办 figures for the metrics hook: each over the units' subtrees and a period (both days included)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from zhenwu.core.parts import Metric

SH = ZoneInfo("Asia/Shanghai")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, SH), datetime.combine(end + timedelta(days=1), time.min, SH)


def _per_unit(
    units: Sequence[Any],
    start: date,
    end: date,
    base: Callable[[date, date], QuerySet[Any]],
    path: str,
    part: Q,
) -> dict[int, float | None]:
    out: dict[int, float | None] = {}
    for unit in units:
        qs = base(start, end).filter(**{f"{path}__startswith": unit.path})
        total = qs.count()
        out[unit.pk] = (qs.filter(part).count() / total) if total else None
    return out


def _received(start: date, end: date) -> QuerySet[Any]:
    from zhenwu.govservices.models import Application

    lo, hi = _bounds(start, end)
    return Application.objects.filter(received_at__gte=lo, received_at__lt=hi)


def _finished(start: date, end: date) -> QuerySet[Any]:
    from zhenwu.govservices.choices import FINISHED
    from zhenwu.govservices.models import Application

    lo, hi = _bounds(start, end)
    return Application.objects.filter(status__in=FINISHED, done_at__gte=lo, done_at__lt=hi)


def _ratings(start: date, end: date) -> QuerySet[Any]:
    from zhenwu.govservices.models import Rating

    lo, hi = _bounds(start, end)
    return Rating.objects.filter(created_at__gte=lo, created_at__lt=hi)


def _rectifications(start: date, end: date) -> QuerySet[Any]:
    from zhenwu.govservices.models import Rectification

    lo, hi = _bounds(start, end)
    return Rectification.objects.filter(created_at__gte=lo, created_at__lt=hi)


def immediate_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _finished, "unit__path", Q(version__processing_kind="immediate"))


def on_time_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _finished, "unit__path", Q(on_time=True))


def one_visit_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _finished, "unit__path", Q(one_visit=True))


def good_rating_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _ratings, "application__unit__path", Q(score__gte=4))


def rectified_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _rectifications, "unit__path", Q(status="verified"))


def online_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _received, "unit__path", Q(channel="online"))


def no_visit_rate(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    return _per_unit(units, start, end, _received, "unit__path", Q(channel="online", version__visits=0))


def average_wait(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    from zhenwu.govservices.models import Ticket

    out: dict[int, float | None] = {}
    for unit in units:
        rows = Ticket.objects.filter(
            day__gte=start, day__lte=end, called_at__isnull=False, window__unit__path__startswith=unit.path
        ).values_list("issued_at", "called_at")
        waits = [(c - i).total_seconds() / 60 for i, c in rows if c is not None]
        out[unit.pk] = round(sum(waits) / len(waits), 1) if waits else None
    return out


METRICS = [
    Metric(
        "govservices.immediate_rate",
        "即办率",
        "%",
        "期间办结的办件中，即办件（受理即办结）所占比例。",
        True,
        immediate_rate,
        ratio=True,
    ),
    Metric(
        "govservices.on_time_rate",
        "按时办结率",
        "%",
        "期间办结的办件中，在承诺期限（扣除补正暂停）内办结的比例。",
        True,
        on_time_rate,
        ratio=True,
    ),
    Metric(
        "govservices.one_visit_rate",
        "一次办成率",
        "%",
        "期间办结的办件中，申请人无需再次到现场（未到窗口补正）即办成的比例。",
        True,
        one_visit_rate,
        ratio=True,
    ),
    Metric(
        "govservices.good_rating_rate",
        "好评率",
        "%",
        "期间收到的好差评中，“满意”和“非常满意”所占比例。",
        True,
        good_rating_rate,
        ratio=True,
    ),
    Metric(
        "govservices.rectified_rate",
        "差评整改率",
        "%",
        "期间产生的差评整改任务中，已整改并核实办结的比例。",
        True,
        rectified_rate,
        ratio=True,
    ),
    Metric(
        "govservices.online_rate",
        "网办率",
        "%",
        "期间收件的办件中，申请人网上申请的比例。",
        True,
        online_rate,
        ratio=True,
    ),
    Metric(
        "govservices.no_visit_rate",
        "不见面率",
        "%",
        "期间收件的办件中，网上申请且事项到现场次数为 0 的比例。",
        True,
        no_visit_rate,
        ratio=True,
    ),
    Metric(
        "govservices.average_wait",
        "大厅平均等候时间",
        "分钟",
        "期间叫号的排队号从取号到叫号的平均分钟数。",
        False,
        average_wait,
    ),
]

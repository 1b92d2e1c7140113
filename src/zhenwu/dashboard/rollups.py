"""Keeping the 驾驶舱's rollup tables current.

- ``refresh_orders()``: incremental. The units of the orders whose timeline (OrderEvent, indexed by
  time) has entries since the watermark — the order's lead unit and the unit the event names — get
  their rows rebuilt: grouped queries over one unit's orders, not over the town's million.
- ``refresh_small()``: hotline commitments, campaigns and targets — tens or hundreds of rows, rebuilt.
- ``refresh_all()``: everything from scratch (nightly, and after a bulk load).
Beat runs ``refresh_orders`` + ``refresh_small`` every two minutes; the page shows the refresh time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from zhenwu.core.workcalendar import SHANGHAI
from zhenwu.dashboard.models import Figure, RollupState

ORDER_KEYS = ("wo.received", "wo.rated", "wo.satisfied", "wo.open")
SMALL_KEYS_PREFIX = ("hl.", "cp.", "tg.")
OVERLAP_SECONDS = 5  # a transaction that wrote its event just before the last refresh but committed after it
STALE_MINUTES = 5  # the page catches up itself when beat has not refreshed for this long
NO_UNIT = 0  # the key used in memory for orders not yet dispatched (unit NULL in the table)
TOTAL = "t:"  # town-wide totals of each work-order key: key "t:wo.open", unit NULL, kept by deltas


def _state(name: str) -> RollupState | None:
    return RollupState.objects.filter(name=name).first()


def _mark(name: str, *, at: datetime, watermark: datetime | None = None) -> None:
    RollupState.objects.update_or_create(name=name, defaults={"refreshed_at": at, "watermark": watermark})


def _unit_filter(unit_ids: Iterable[int]) -> Q:
    ids = [u for u in unit_ids if u != NO_UNIT]
    q = Q(lead_unit_id__in=ids)
    if NO_UNIT in unit_ids:
        q |= Q(lead_unit__isnull=True)
    return q


def _figure_unit_filter(unit_ids: Iterable[int]) -> Q:
    ids = [u for u in unit_ids if u != NO_UNIT]
    q = Q(unit_id__in=ids)
    if NO_UNIT in unit_ids:
        q |= Q(unit__isnull=True)
    return q


def _order_rows(unit_filter: Q | None) -> list[Figure]:
    """The work-order rows: grouped in SQL for the whole town, in one pass for a few units."""
    from zhenwu.workorders.choices import OPEN_STATES, Satisfaction
    from zhenwu.workorders.models import WorkOrder

    if unit_filter is not None:
        return _unit_order_rows(unit_filter)
    qs = WorkOrder.objects.all()
    rows: list[Figure] = []
    for r in (
        qs.annotate(m=TruncMonth("created_at", tzinfo=SHANGHAI))
        .values("lead_unit_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows.append(Figure(key="wo.received", unit_id=r["lead_unit_id"], period=_month(r["m"]), value=r["n"]))
    satisfied = Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])
    for r in (
        qs.filter(rated_at__isnull=False)
        .exclude(satisfaction="")
        .annotate(m=TruncMonth("rated_at", tzinfo=SHANGHAI))
        .values("lead_unit_id", "m")
        .annotate(n=Count("id"), s=Count("id", filter=satisfied))
        .order_by()
    ):
        period = _month(r["m"])
        rows.append(Figure(key="wo.rated", unit_id=r["lead_unit_id"], period=period, value=r["n"]))
        rows.append(Figure(key="wo.satisfied", unit_id=r["lead_unit_id"], period=period, value=r["s"]))
    rows += _open_rows(qs.filter(status__in=OPEN_STATES))
    return rows


def _open_rows(qs: Any) -> list[Figure]:
    return [
        Figure(
            key="wo.open",
            unit_id=r["lead_unit_id"],
            period=r["d"].isoformat() if r["d"] else "",
            value=r["n"],
        )
        for r in qs.annotate(d=TruncDate("deadline", tzinfo=SHANGHAI))
        .values("lead_unit_id", "d")
        .annotate(n=Count("id"))
        .order_by()
    ]


def _unit_order_rows(unit_filter: Q) -> list[Figure]:
    """A few units' rows: one pass over their orders' three timestamps (one heap visit per order, not
    one per grouping), and the open ones through the (lead_unit, status, deadline) index."""
    from zhenwu.workorders.choices import OPEN_STATES, Satisfaction
    from zhenwu.workorders.models import WorkOrder

    good = {Satisfaction.SATISFIED, Satisfaction.BASIC}
    counts: dict[tuple[str, int | None, str], float] = defaultdict(float)
    for unit_id, created, rated, satisfaction in WorkOrder.objects.filter(unit_filter).values_list(
        "lead_unit_id", "created_at", "rated_at", "satisfaction"
    ):
        counts[("wo.received", unit_id, _month(created))] += 1
        if rated is not None and satisfaction:
            month = _month(rated)
            counts[("wo.rated", unit_id, month)] += 1
            counts[("wo.satisfied", unit_id, month)] += satisfaction in good
    rows = [Figure(key=k, unit_id=u, period=p, value=v) for (k, u, p), v in counts.items()]
    rows += _open_rows(WorkOrder.objects.filter(unit_filter, status__in=OPEN_STATES))
    return rows


def _month(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{value.year:04d}-{value.month:02d}"


def refresh_orders(*, now: datetime | None = None) -> int:
    """Rebuild the work-order rows of the units whose orders changed since the last refresh."""
    from zhenwu.workorders.models import OrderEvent

    now = now or timezone.now()
    state = _state("orders")
    if state is None or state.watermark is None:
        return refresh_orders_all(now=now)
    since = state.watermark - timedelta(
        seconds=OVERLAP_SECONDS
    )  # commits racing the last refresh are seen again
    # The orders' timeline is the change feed: every service write to an order records an event
    # (indexed by time), naming the unit involved; the order's own table has no index on updated_at.
    changed: set[int | None] = set()
    for lead_id, unit_id in OrderEvent.objects.filter(created_at__gte=since).values_list(
        "order__lead_unit_id", "unit_id"
    ):
        changed.add(lead_id)
        if unit_id is not None:
            changed.add(unit_id)
    units = {NO_UNIT if u is None else u for u in changed}
    with transaction.atomic():
        # One refresh at a time (beat and a page catching up may meet): totals move by deltas.
        RollupState.objects.select_for_update().filter(name="orders").first()
        if units:
            _apply_diff(units)
        _mark("orders", at=now, watermark=now)
    return len(units)


def _apply_diff(units: set[int]) -> int:
    """Write only the rows that changed: after one order moved, one to three rows, not the unit's hundred."""
    fresh = {(f.key, f.unit_id, f.period): f.value for f in _order_rows(_unit_filter(units))}
    stale: dict[tuple[str, int | None, str], tuple[int, float]] = {
        (key, unit_id, period): (pk, value)
        for pk, key, unit_id, period, value in Figure.objects.filter(
            _figure_unit_filter(units), key__in=ORDER_KEYS
        ).values_list("pk", "key", "unit_id", "period", "value")
    }
    deltas: dict[tuple[str, str], float] = defaultdict(float)
    gone = [pk for k, (pk, _v) in stale.items() if k not in fresh]
    for k, (_pk, v) in stale.items():
        if k not in fresh:
            deltas[(k[0], k[2])] -= v
    if gone:
        Figure.objects.filter(pk__in=gone).delete()
    changed = 0
    for k, value in fresh.items():
        old = stale.get(k)
        if old is None:
            deltas[(k[0], k[2])] += value
        elif old[1] != value:
            Figure.objects.filter(pk=old[0]).update(value=value)
            deltas[(k[0], k[2])] += value - old[1]
            changed += 1
    new = [Figure(key=k[0], unit_id=k[1], period=k[2], value=v) for k, v in fresh.items() if k not in stale]
    if new:
        Figure.objects.bulk_create(new)
    for (key, period), delta in deltas.items():
        if delta and not Figure.objects.filter(key=TOTAL + key, unit__isnull=True, period=period).update(
            value=F("value") + delta
        ):
            Figure.objects.create(key=TOTAL + key, unit=None, period=period, value=delta)
    return len(gone) + changed + len(new)


def refresh_orders_all(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        Figure.objects.filter(key__in=ORDER_KEYS + tuple(TOTAL + k for k in ORDER_KEYS)).delete()
        rows = _order_rows(None)
        totals: dict[tuple[str, str], float] = defaultdict(float)
        for f in rows:
            totals[(f.key, f.period)] += f.value
        rows += [Figure(key=TOTAL + k, unit=None, period=p, value=v) for (k, p), v in totals.items()]
        Figure.objects.bulk_create(rows, batch_size=5000)
        _mark("orders", at=now, watermark=now)
    return len(rows)


def refresh_small(*, now: datetime | None = None) -> int:
    """Hotline commitments (open per deadline day), campaigns per RAG colour, targets met per year."""
    from zhenwu.campaigns.models import AnnualTarget, Campaign
    from zhenwu.campaigns.selectors import campaign_rag, target_figures
    from zhenwu.hotline.choices import CommitmentStatus
    from zhenwu.hotline.models import Commitment

    now = now or timezone.now()
    today = timezone.localdate(now)
    counts: dict[tuple[str, int | None, str], float] = defaultdict(float)
    for unit_id, deadline in Commitment.objects.exclude(status=CommitmentStatus.VERIFIED).values_list(
        "responsible_unit_id", "deadline"
    ):
        counts[("hl.open", unit_id, deadline.isoformat())] += 1
    for c in Campaign.objects.prefetch_related("milestones"):
        colour = "planning" if c.status == "planning" else campaign_rag(c, today).colour
        counts[(f"cp.{colour}", c.lead_unit_id, "")] += 1
    for t in AnnualTarget.objects.select_related("unit"):
        fig = target_figures(t)
        counts[("tg.total", t.unit_id, str(t.year))] += 1
        if fig.label in ("超额完成", "已完成"):
            counts[("tg.met", t.unit_id, str(t.year))] += 1
        if fig.exceeded:
            counts[("tg.exceeded", t.unit_id, str(t.year))] += 1
    with transaction.atomic():
        q = Q()
        for prefix in SMALL_KEYS_PREFIX:
            q |= Q(key__startswith=prefix)
        Figure.objects.filter(q).delete()
        Figure.objects.bulk_create(
            [Figure(key=k, unit_id=u, period=p, value=v) for (k, u, p), v in counts.items()], batch_size=2000
        )
        _mark("small", at=now)
    return len(counts)


def refresh(*, now: datetime | None = None) -> dict[str, int]:
    return {"order_units": refresh_orders(now=now), "small": refresh_small(now=now)}


def refresh_all(*, now: datetime | None = None) -> dict[str, int]:
    return {"orders": refresh_orders_all(now=now), "small": refresh_small(now=now)}


def refreshed_at() -> datetime | None:
    times = [s.refreshed_at for s in RollupState.objects.all()]
    return min(times) if times else None

"""Keeping the 驾驶舱's rollup tables current.

- ``refresh_orders()``: incremental. Work orders changed since the watermark (and units named in their
  timeline since then, so a reassignment also refreshes the unit it left) have their units' rows
  rebuilt — a grouped query over one unit's orders, not over the town's million.
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
from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from zhenwu.core.workcalendar import SHANGHAI
from zhenwu.dashboard.models import Figure, RollupState

ORDER_KEYS = ("wo.received", "wo.rated", "wo.satisfied", "wo.open")
SMALL_KEYS_PREFIX = ("hl.", "cp.", "tg.")
STALE_MINUTES = 5  # the page catches up itself when beat has not refreshed for this long
NO_UNIT = 0  # the key used in memory for orders not yet dispatched (unit NULL in the table)


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
    from zhenwu.workorders.choices import CLOSED_STATES, Satisfaction
    from zhenwu.workorders.models import WorkOrder

    qs = WorkOrder.objects.all() if unit_filter is None else WorkOrder.objects.filter(unit_filter)
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
    for r in (
        qs.exclude(status__in=CLOSED_STATES)
        .annotate(d=TruncDate("deadline", tzinfo=SHANGHAI))
        .values("lead_unit_id", "d")
        .annotate(n=Count("id"))
        .order_by()
    ):
        period = r["d"].isoformat() if r["d"] else ""
        rows.append(Figure(key="wo.open", unit_id=r["lead_unit_id"], period=period, value=r["n"]))
    return rows


def _month(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{value.year:04d}-{value.month:02d}"


def refresh_orders(*, now: datetime | None = None) -> int:
    """Rebuild the work-order rows of the units whose orders changed since the last refresh."""
    from zhenwu.workorders.models import OrderEvent, WorkOrder

    now = now or timezone.now()
    state = _state("orders")
    if state is None or state.watermark is None:
        return refresh_orders_all(now=now)
    since = state.watermark - timedelta(seconds=5)  # commits racing the previous refresh are seen again
    changed = set(
        WorkOrder.objects.filter(updated_at__gte=since).values_list("lead_unit_id", flat=True).distinct()
    )
    changed |= set(
        OrderEvent.objects.filter(created_at__gte=since, unit__isnull=False)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    units = {NO_UNIT if u is None else u for u in changed}
    with transaction.atomic():
        if units:
            Figure.objects.filter(_figure_unit_filter(units), key__in=ORDER_KEYS).delete()
            Figure.objects.bulk_create(_order_rows(_unit_filter(units)), batch_size=2000)
        _mark("orders", at=now, watermark=now)
    return len(units)


def refresh_orders_all(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        Figure.objects.filter(key__in=ORDER_KEYS).delete()
        rows = _order_rows(None)
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

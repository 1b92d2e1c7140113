"""Keeping the 驾驶舱's rollup tables current.

- ``refresh_orders()``: incremental. The orders whose timeline (OrderEvent, indexed by time) has entries
  since the watermark are read by key; each one's old contribution (``OrderFact``) is subtracted from
  the figures and its new one added — a few rows per changed order, whatever the size of its unit.
- ``refresh_small()``: hotline commitments, campaigns and targets — tens or hundreds of rows, rebuilt.
- ``refresh_all()``: everything from scratch (nightly, and after a bulk load).
Beat runs ``refresh_orders`` + ``refresh_small`` every two minutes; the page shows the refresh time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from zhenwu.core.workcalendar import SHANGHAI
from zhenwu.dashboard.models import Figure, OrderFact, RollupState

ORDER_KEYS = ("wo.received", "wo.rated", "wo.satisfied", "wo.open")
SMALL_KEYS_PREFIX = ("hl.", "cp.", "tg.", "m:")
OTHER_PARTS = ("govservices.", "enterprises.")  # shown once those parts register their metrics
OVERLAP_SECONDS = 5  # a transaction that wrote its event just before the last refresh but committed after it
STALE_MINUTES = 5  # the page catches up itself when beat has not refreshed for this long
TOTAL = "t:"  # town-wide totals of each work-order key: key "t:wo.open", unit NULL, kept by deltas


def _state(name: str) -> RollupState | None:
    return RollupState.objects.filter(name=name).first()


def _mark(name: str, *, at: datetime, watermark: datetime | None = None) -> None:
    RollupState.objects.update_or_create(name=name, defaults={"refreshed_at": at, "watermark": watermark})


def _month(value: datetime) -> str:
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{local.year:04d}-{local.month:02d}"


def _facts(order_ids: Iterable[int] | None) -> Iterable[OrderFact]:
    """The facts of the given orders (all when None), from the order table."""
    from zhenwu.workorders.choices import OPEN_STATES, Satisfaction
    from zhenwu.workorders.models import WorkOrder

    good = {Satisfaction.SATISFIED, Satisfaction.BASIC}
    qs = WorkOrder.objects.all() if order_ids is None else WorkOrder.objects.filter(pk__in=list(order_ids))
    rows = qs.values_list(
        "pk", "lead_unit_id", "created_at", "rated_at", "satisfaction", "status", "deadline"
    )
    for pk, unit_id, created, rated, satisfaction, status, deadline in rows.iterator(chunk_size=5000):
        rated_month = _month(rated) if rated is not None and satisfaction else ""
        open_day = None
        if status in OPEN_STATES:
            open_day = deadline.astimezone(SHANGHAI).date().isoformat() if deadline else ""
        yield OrderFact(
            order_id=pk,
            unit_id=unit_id,
            received=_month(created),
            rated=rated_month,
            satisfied=bool(rated_month) and satisfaction in good,
            open_day=open_day,
        )


def _add(figures: dict[tuple[str, int | None, str], float], fact: OrderFact, sign: int) -> None:
    for key, unit_id, period, value in fact.contributions():
        figures[(key, unit_id, period)] += sign * value
        figures[(TOTAL + key, None, period)] += sign * value


def refresh_orders(*, now: datetime | None = None) -> int:
    """Apply the work orders changed since the last refresh: old contribution out, new one in."""
    from zhenwu.workorders.models import OrderEvent

    now = now or timezone.now()
    state = _state("orders")
    if state is None or state.watermark is None:
        return refresh_orders_all(now=now)
    # The orders' timeline is the change feed: every service write to an order records an event,
    # indexed by time (the order table has no index on updated_at). A few seconds of overlap catch a
    # transaction that wrote its event before the last refresh and committed after it.
    since = state.watermark - timedelta(seconds=OVERLAP_SECONDS)
    ids = set(OrderEvent.objects.filter(created_at__gte=since).values_list("order_id", flat=True))
    with transaction.atomic():
        # One refresh at a time (beat and a page catching up may meet): figures move by deltas.
        RollupState.objects.select_for_update().filter(name="orders").first()
        if ids:
            _apply(ids)
        _mark("orders", at=now, watermark=now)
    return len(ids)


def _apply(order_ids: set[int]) -> None:
    old = list(OrderFact.objects.filter(order_id__in=order_ids))
    new = list(_facts(order_ids))
    deltas: dict[tuple[str, int | None, str], float] = defaultdict(float)
    for fact in old:
        _add(deltas, fact, -1)
    for fact in new:
        _add(deltas, fact, +1)
    for (key, unit_id, period), delta in deltas.items():
        if not delta:
            continue
        rows = Figure.objects.filter(key=key, period=period)
        rows = rows.filter(unit__isnull=True) if unit_id is None else rows.filter(unit_id=unit_id)
        if not rows.update(value=F("value") + delta):
            Figure.objects.create(key=key, unit_id=unit_id, period=period, value=delta)
        elif delta < 0:
            rows.filter(value=0).delete()  # as a rebuild would have it: no row for nothing
    OrderFact.objects.filter(order_id__in=order_ids).delete()
    OrderFact.objects.bulk_create(new)


def refresh_orders_all(*, now: datetime | None = None) -> int:
    """Rebuild the facts of every order, then the figures from the facts (grouped in the database)."""
    now = now or timezone.now()
    with transaction.atomic():
        OrderFact.objects.all().delete()
        batch: list[OrderFact] = []
        for fact in _facts(None):
            batch.append(fact)
            if len(batch) >= 5000:
                OrderFact.objects.bulk_create(batch)
                batch = []
        OrderFact.objects.bulk_create(batch)
        Figure.objects.filter(key__in=ORDER_KEYS + tuple(TOTAL + k for k in ORDER_KEYS)).delete()
        rows = _figures_from_facts()
        Figure.objects.bulk_create(rows, batch_size=5000)
        _mark("orders", at=now, watermark=now)
    return len(rows)


def _figures_from_facts() -> list[Figure]:
    from django.db.models import Sum

    figures: dict[tuple[str, int | None, str], float] = defaultdict(float)
    groups = [
        ("wo.received", "received", OrderFact.objects.all(), Count("order_id")),
        ("wo.rated", "rated", OrderFact.objects.exclude(rated=""), Count("order_id")),
        (
            "wo.satisfied",
            "rated",
            OrderFact.objects.exclude(rated=""),
            Sum(Cast("satisfied", IntegerField())),
        ),
        ("wo.open", "open_day", OrderFact.objects.filter(open_day__isnull=False), Count("order_id")),
    ]
    for key, field, qs, aggregate in groups:
        for unit_id, period, n in qs.values_list("unit_id", field).annotate(n=aggregate).order_by():
            figures[(key, unit_id, period)] += n
            figures[(TOTAL + key, None, period)] += n
    return [Figure(key=k, unit_id=u, period=p, value=v) for (k, u, p), v in figures.items() if v]


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
    counts.update(_other_parts(today))
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


def _other_parts(today: date) -> dict[tuple[str, int | None, str], float]:
    """Town-wide figures this year of the parts the 驾驶舱 knows only through the metrics hook."""
    from zhenwu.core.parts import metrics
    from zhenwu.orgs.models import Unit

    town = Unit.objects.filter(kind="town", is_active=True).order_by("depth").first()
    found: dict[tuple[str, int | None, str], float] = {}
    if town is None:
        return found
    for key, metric in metrics().items():
        if not key.startswith(OTHER_PARTS):
            continue
        value = metric.compute([town], date(today.year, 1, 1), today).get(town.pk)
        if value is not None:
            found[("m:" + key, None, str(today.year))] = float(value) * (100 if metric.ratio else 1)
    return found


def refresh(*, now: datetime | None = None) -> dict[str, int]:
    return {"order_units": refresh_orders(now=now), "small": refresh_small(now=now)}


def refresh_all(*, now: datetime | None = None) -> dict[str, int]:
    return {"orders": refresh_orders_all(now=now), "small": refresh_small(now=now)}


def refreshed_at() -> datetime | None:
    times = [s.refreshed_at for s in RollupState.objects.all()]
    return min(times) if times else None

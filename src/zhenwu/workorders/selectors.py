"""Reads of the work-order part, always through the person's data scope."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from zhenwu.core.errors import NotFoundError
from zhenwu.core.web import CappedPaginator
from zhenwu.orgs.models import Unit
from zhenwu.workorders.choices import CLOSED_STATES, Satisfaction, Status
from zhenwu.workorders.models import Category, WorkOrder
from zhenwu.workorders.search import text_filter

INBOX_TABS: list[tuple[str, str]] = [
    ("to_sign", "待签收"),
    ("handling", "办理中"),
    ("due_soon", "即将超期"),
    ("overdue", "已超期"),
    ("callback", "待回访"),
    ("desk", "待受理派单"),
    ("returned", "退单待审定"),
    ("extension", "延期待审批"),
    ("assisting", "协办"),
]


def visible_orders(*, user: Any) -> QuerySet[WorkOrder]:
    """Orders the person may see: WorkOrder.objects.visible_to (lead unit, 协办 units, reporter)."""
    return WorkOrder.objects.visible_to(user)


def order_get(*, user: Any, number: str) -> WorkOrder:
    order = (
        visible_orders(user=user)
        .select_related("category", "category__parent", "lead_unit", "grid", "parent")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFoundError("工单不存在或不在您的数据范围内。")
    return order


def _tab_filter(tab: str, now: datetime) -> Q:
    return {
        "to_sign": Q(status=Status.DISPATCHED),
        "handling": Q(status__in=[Status.HANDLING, Status.EXTENSION]),
        "due_soon": Q(
            status__in=[Status.DISPATCHED, Status.HANDLING, Status.EXTENSION],
            warn_at__lte=now,
            deadline__gte=now,
        ),
        "overdue": Q(
            status__in=[Status.DISPATCHED, Status.HANDLING, Status.EXTENSION, Status.RETURNED],
            deadline__lt=now,
        ),
        "callback": Q(status=Status.REPLIED),
        "desk": Q(status__in=[Status.NEW, Status.ACCEPTED]),
        "returned": Q(status=Status.RETURNED),
        "extension": Q(status=Status.EXTENSION),
        "assisting": ~Q(status__in=CLOSED_STATES),
    }[tab]


def _tab_queryset(user: Any, tab: str) -> QuerySet[WorkOrder]:
    """Handler tabs hold what the person's units lead; 协办 what they assist; the desk tabs all in scope."""
    if tab == "assisting":
        return WorkOrder.objects.visible_to(user).assisted_by_scope(user)
    return WorkOrder.objects.visible_to(user).led_by_scope(user)


def inbox(*, user: Any, tab: str, now: datetime | None = None) -> QuerySet[WorkOrder]:
    now = now or timezone.now()
    if tab not in dict(INBOX_TABS):
        tab = "to_sign"
    qs = _tab_queryset(user, tab).filter(_tab_filter(tab, now))
    # What is due first comes first: the 签收时限 in 待签收, the arrival at the desk, else the 办结时限.
    order = {"desk": "created_at", "to_sign": "sign_deadline"}.get(tab, "deadline")
    return qs.select_related("category", "category__parent", "lead_unit").order_by(order, "id")


COUNTS_TTL_SECONDS = 60
COUNTS_VERSION_KEY = "wo:counts:version"


def counts_changed() -> None:
    """Called after every committed order write: cached tab counts of everyone become stale."""
    from zhenwu.core.cache import bump

    bump(COUNTS_VERSION_KEY)


def inbox_counts(*, user: Any, now: datetime | None = None) -> dict[str, int]:
    """Open orders per inbox tab. Cached per person until any order changes (or for at most a minute,
    since 即将超期/已超期 move with the clock): the desk's counts span every open order of the town."""
    from django.core.cache import cache

    key = ""
    if now is None:
        version = cache.get(COUNTS_VERSION_KEY, 0)
        key = f"wo:counts:{user.pk}:{version}"
        cached = cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    moment = now or timezone.now()
    open_states = [s for s in Status if s not in CLOSED_STATES]
    led = _tab_queryset(user, "to_sign").filter(status__in=open_states)
    counts = led.aggregate(
        **{tab: Count("id", filter=_tab_filter(tab, moment)) for tab, _ in INBOX_TABS if tab != "assisting"}
    )
    counts["assisting"] = _tab_queryset(user, "assisting").filter(status__in=open_states).count()
    if key:
        cache.set(key, counts, timeout=COUNTS_TTL_SECONDS)
    return counts


# The staff list counts at most this many orders and shows "1000+" past it: an exact count of a
# million orders costs more than the page itself (core.web.CappedPaginator).
LIST_COUNT_CAP = 1000
RECENT_WINDOW = timedelta(days=30)
KEYS_MAX = 20_000


class OrderListPaginator(CappedPaginator):
    """The staff list's pages past the cap, newest first, without scanning a million orders.

    Reading the newest orders until enough match is fast when matches are among the recent ones,
    and slow when they are old (a number's date, 20250101, matches 1,400 orders of one day a
    year ago: the scan reads the year in between). So a page past the cap is found by

    1. the same query limited to the last 30 days: enough rows there are the page itself;
    2. else the keys and times of all matching orders, if at most KEYS_MAX: fetched through the
       indexes the filters have (the search index, the unit), sorted here, the page read by key;
    3. else the plain query (a list that large has matches in every stretch of time).

    Every step gives the rows the plain query gives, in its order (-created_at, -id).
    """

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page, cap=LIST_COUNT_CAP if cap is None else cap)

    def rows(self, start: int, size: int) -> list[Any]:
        qs: Any = self.object_list
        since = timezone.now() - RECENT_WINDOW
        recent = list(qs.filter(created_at__gte=since)[start : start + size])
        if len(recent) == size:  # the rows past `since` are the list's first rows
            return recent
        keys = list(qs.order_by().values_list("created_at", "pk")[: KEYS_MAX + 1])
        if len(keys) <= KEYS_MAX:
            keys.sort(reverse=True)
            wanted = [pk for _, pk in keys[start : start + size]]
            by_pk = {o.pk: o for o in qs.filter(pk__in=wanted)}
            return [by_pk[pk] for pk in wanted if pk in by_pk]
        return super().rows(start, size)


@dataclass
class OrderFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    unit: int | None = None
    channel: str = ""
    start: date | None = None
    end: date | None = None
    overdue: bool = False
    supervised: bool = False
    sample: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def order_list(*, user: Any, filters: OrderFilters) -> QuerySet[WorkOrder]:
    qs = visible_orders(user=user).select_related("category", "category__parent", "lead_unit")
    f = filters
    if f.q:
        # Number, title, description or address contains q: the token index finds the candidates,
        # the substring condition keeps the exact ones (workorders/search.py).
        qs = qs.filter(text_filter(f.q))
    if f.status == "open":
        # Written as the partial index wo_list_open_created is, so the planner uses it.
        qs = qs.exclude(status__in=sorted(CLOSED_STATES))
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(Q(category__code=f.category) | Q(category__parent__code=f.category))
    if f.unit:
        qs = qs.filter(lead_unit_id=f.unit)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    tz = timezone.get_current_timezone()
    if f.start:
        qs = qs.filter(created_at__gte=datetime.combine(f.start, time.min, tz))
    if f.end:
        qs = qs.filter(created_at__lt=datetime.combine(f.end + timedelta(days=1), time.min, tz))
    if f.overdue:
        qs = qs.filter(
            Q(
                deadline__lt=timezone.now(),
                status__in=[Status.DISPATCHED, Status.HANDLING, Status.EXTENSION, Status.RETURNED],
            )
            | Q(replied_at__gt=F("deadline"))
        )
    if f.supervised:
        qs = qs.filter(supervised_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def supervision_list(*, user: Any, now: datetime | None = None) -> QuerySet[WorkOrder]:
    """The leader's 督办 view: overdue or supervised open orders, the most overdue first."""
    now = now or timezone.now()
    return (
        WorkOrder.objects.visible_to(user)
        .filter(status__in=[Status.DISPATCHED, Status.HANDLING, Status.EXTENSION, Status.RETURNED])
        .filter(Q(deadline__lt=now) | Q(supervised_at__isnull=False))
        .select_related("category", "category__parent", "lead_unit")
        .order_by("deadline", "id")
    )


SIMILAR_CANDIDATES = 300
SIMILAR_MIN_SCORE = 0.3
# What a candidate list shows (number, status, summary, date): no personal data, nothing to decrypt.
SIMILAR_FIELDS = ("id", "number", "title", "description", "status", "created_at")


def similar_open_orders(
    *,
    user: Any,
    text: str,
    grid: Unit | None = None,
    address: str = "",
    exclude_pk: int | None = None,
    days: int = 30,
    limit: int = 5,
) -> list[tuple[WorkOrder, float]]:
    """Candidates for 并单: open orders of the last 30 days with similar text, ranked by similarity.

    The place (grid, its village, the address) ranks an order up but never hides one: an open order
    at the same place reported without a grid, or filed under the village, is still a candidate.
    The newest 300 are scored from the columns the score needs (nothing decrypted); only the orders
    returned are loaded, with the columns a candidate list shows (SIMILAR_FIELDS).
    """
    since = timezone.now() - timedelta(days=days)
    qs = visible_orders(user=user).filter(created_at__gte=since).exclude(status__in=CLOSED_STATES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    rows = (
        qs.exclude(parent__isnull=False)
        .order_by("-created_at")
        .values_list("id", "description", "address", "grid_id", "grid__parent_id")[:SIMILAR_CANDIDATES]
    )
    near_units = {grid.pk, grid.parent_id} - {None} if grid is not None else set()
    address = address.strip()[:20]
    wanted = _bigrams(text)

    def same_place(where: str, grid_id: int | None, grid_parent_id: int | None) -> bool:
        if grid_id and (grid_id in near_units or grid_parent_id in near_units):
            return True
        where = where or ""
        return bool(address) and (address in where or bool(where) and where in address)

    scored: list[tuple[int, float, float]] = []  # (pk, similarity, similarity + place bonus)
    for pk, description, where, grid_id, grid_parent_id in rows:
        score = _dice(wanted, _bigrams(description or ""))
        if score >= SIMILAR_MIN_SCORE:
            bonus = 0.2 if same_place(where, grid_id, grid_parent_id) else 0.0
            scored.append((pk, score, score + bonus))
    scored.sort(key=lambda item: (-item[2], -item[0]))
    best = scored[:limit]
    if not best:
        return []
    orders = WorkOrder.objects.only(*SIMILAR_FIELDS).in_bulk([pk for pk, _, _ in best])
    return [(orders[pk], score) for pk, score, _ in best if pk in orders]


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace() and c not in "，。！？、,.!?；;：:（）()\"'“”"]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def _dice(x: set[str], y: set[str]) -> float:
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def text_similarity(a: str, b: str) -> float:
    """Overlap of character bigrams (Dice coefficient): robust for short Chinese texts."""
    return _dice(_bigrams(a), _bigrams(b))


def dispatch_training_samples() -> Iterator[tuple[str, int]]:
    """(text, unit id) of closed, not merged orders: what the dispatch classifier learns from."""
    qs = (
        WorkOrder.objects.filter(status=Status.CLOSED, lead_unit__isnull=False)
        .exclude(dispatched_at__isnull=True)
        .values_list("description", "lead_unit_id")
        .order_by("-closed_at")[:50000]
    )
    yield from qs.iterator(chunk_size=2000)


def category_tree() -> list[tuple[Category, list[Category]]]:
    cats = list(Category.objects.filter(is_active=True).select_related("parent"))
    roots = [c for c in cats if c.parent_id is None]
    return [(r, [c for c in cats if c.parent_id == r.pk]) for r in roots]


# ---------------------------------------------------------------- metrics

METRIC_DEFINITIONS: list[tuple[str, str, str]] = [
    (
        "received",
        "受理数",
        "统计期内首次派给该单位主办、派单时间落在统计期内的工单数（含后来被改派的不计入原单位）。",
    ),
    (
        "on_time_sign_rate",
        "按时签收率",
        "上述工单中，在签收时限内签收的件数 ÷（已签收件数 + 超过签收时限仍未签收的件数）。",
    ),
    (
        "on_time_close_rate",
        "按期办结率",
        "上述工单中，在办结时限（含批准的延期）内回复的件数 ÷（已回复件数 + 超过时限仍未回复的件数）。",
    ),
    ("extension_rate", "延期率", "上述工单中，批准过延期的件数 ÷ 受理数。"),
    ("rework_rate", "重办率", "上述工单中，因诉求人不满意而重办过的件数 ÷ 已回复件数。"),
    ("satisfaction_rate", "满意率", "上述工单中，评价为“满意”或“基本满意”的件数 ÷ 已评价件数。"),
    (
        "avg_handling_days",
        "平均办理时长",
        "已回复工单从派单到回复的工作时长平均值，按每天 7.5 个工作小时折算为工作日。",
    ),
]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def unit_metrics(
    *, units: Iterable[Unit] | None = None, start: date, end: date, now: datetime | None = None
) -> dict[int, dict[str, Any]]:
    """Per lead unit, for orders dispatched in [start, end] (dates inclusive): the metrics above.

    One aggregate query grouped by unit. Rates are None when their denominator is zero. This is
    the selector the assessment part reads.
    """
    from zhenwu.core.selectors import get_work_calendar

    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    lo = datetime.combine(start, time.min, tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tz)
    qs = WorkOrder.objects.filter(dispatched_at__gte=lo, dispatched_at__lt=hi, lead_unit__isnull=False)
    if units is not None:
        qs = qs.filter(lead_unit__in=[u.pk for u in units])
    signed = Q(signed_at__isnull=False)
    replied = Q(replied_at__isnull=False)
    rows = qs.values("lead_unit_id").annotate(
        received=Count("id"),
        signed=Count("id", filter=signed),
        signed_on_time=Count("id", filter=signed & Q(signed_at__lte=F("sign_deadline"))),
        sign_late_open=Count(
            "id", filter=Q(signed_at__isnull=True, sign_deadline__lt=now) & ~Q(status__in=CLOSED_STATES)
        ),
        replied=Count("id", filter=replied),
        replied_on_time=Count("id", filter=replied & Q(replied_at__lte=F("deadline"))),
        reply_late_open=Count(
            "id", filter=Q(replied_at__isnull=True, deadline__lt=now) & ~Q(status__in=CLOSED_STATES)
        ),
        extended=Count("id", filter=Q(extension_count__gt=0)),
        reworked=Count("id", filter=Q(rework_count__gt=0)),
        rated=Count("id", filter=~Q(satisfaction="")),
        satisfied=Count("id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
        avg_hours=Avg("handling_hours", filter=replied),
    )
    per_day = get_work_calendar().hours_per_day
    result: dict[int, dict[str, Any]] = {}
    for r in rows:
        result[r["lead_unit_id"]] = {
            "received": r["received"],
            "signed": r["signed"],
            "replied": r["replied"],
            "rated": r["rated"],
            "on_time_sign_rate": _ratio(r["signed_on_time"], r["signed"] + r["sign_late_open"]),
            "on_time_close_rate": _ratio(r["replied_on_time"], r["replied"] + r["reply_late_open"]),
            "extension_rate": _ratio(r["extended"], r["received"]),
            "rework_rate": _ratio(r["reworked"], r["replied"]),
            "satisfaction_rate": _ratio(r["satisfied"], r["rated"]),
            "avg_handling_days": round(r["avg_hours"] / per_day, 2) if r["avg_hours"] is not None else None,
        }
    return result


def metrics_units(*, user: Any) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(handles_requests=True, is_active=True).order_by("path")


def place_of(order: WorkOrder) -> Unit | None:
    """Where the matter is: the order's grid, else a village or community named in its address or text."""
    if order.grid_id:
        return order.grid
    text = f"{order.address} {order.description}"
    for unit in Unit.objects.filter(kind__in=["village", "community"], is_active=True).order_by(
        "-depth", "path"
    ):
        if unit.name and unit.name in text:
            return unit
    return None

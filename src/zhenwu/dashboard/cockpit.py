"""The 驾驶舱: the town (or the reader's scope) at a glance, read from the rollup tables.

Every figure carries the URL of the records behind it. A unit leader's figures are the sums over
the units in their scope; the town leader's over all units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from zhenwu.dashboard.models import Figure
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import scope_q

RAG_LABELS = [
    ("green", "绿 · 正常推进"),
    ("amber", "黄 · 需要关注"),
    ("red", "红 · 明显滞后"),
    ("done", "已结束"),
    ("planning", "筹备中"),
]
RAG_COLOURS = {
    "green": "#2fb344",
    "amber": "#f59f00",
    "red": "#d63939",
    "done": "#868e96",
    "planning": "#adb5bd",
}


@dataclass
class Scope:
    """Unit ids the reader sees (None: the whole town)."""

    unit_ids: list[int] | None
    label: str

    def q(self) -> Q:
        return Q() if self.unit_ids is None else Q(unit_id__in=self.unit_ids)

    def order_key(self, key: str) -> Q:
        """A work-order key: the town reads the totals row kept by the refresh, a unit leader its units' rows."""
        from zhenwu.dashboard.rollups import TOTAL

        if self.unit_ids is None:
            return Q(key=TOTAL + key, unit__isnull=True)
        return Q(key=key, unit_id__in=self.unit_ids)


def reader_scope(user: Any) -> Scope:
    q = scope_q(Unit, user, "view")
    if q is None:
        return Scope(None, "全镇")
    units = list(Unit.objects.filter(q).order_by("path").values_list("pk", "name", "depth"))
    if not units:
        return Scope([], "无")
    top = min(units, key=lambda u: u[2])
    return Scope([u[0] for u in units], top[1])


def _sum(scope: Scope, key: str, **filters: Any) -> float:
    q = scope.order_key(key) if key.startswith("wo.") else scope.q() & Q(key=key)
    total = Figure.objects.filter(q, **filters).aggregate(s=Sum("value"))["s"]
    return float(total or 0)


@dataclass
class Number:
    label: str
    value: Any
    url: str
    hint: str = ""
    tone: str = ""


@dataclass
class Cockpit:
    scope: Scope
    today: date
    orders: list[Number] = field(default_factory=list)
    satisfaction_trend: list[dict[str, Any]] = field(default_factory=list)
    units_table: list[dict[str, Any]] = field(default_factory=list)
    hotline: list[Number] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    targets: list[Number] = field(default_factory=list)
    assessment: dict[str, Any] = field(default_factory=dict)
    others: list[Number] = field(default_factory=list)


def _months_back(today: date, n: int) -> list[str]:
    months = []
    y, m = today.year, today.month
    for _ in range(n):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def _pct(num: float, den: float) -> float | None:
    return round(num / den * 100, 1) if den else None


def cockpit(*, user: Any, today: date | None = None) -> Cockpit:
    today = today or timezone.localdate()
    scope = reader_scope(user)
    c = Cockpit(scope=scope, today=today)
    _orders(c)
    _hotline(c)
    _campaigns(c)
    _targets(c)
    _assessment(c, user)
    if scope.unit_ids is None:
        _others(c)
    return c


def _others(c: Cockpit) -> None:
    """政务服务 and 企业 figures registered through the metrics hook (town-wide, this year)."""
    from zhenwu.core.parts import metrics

    registered = metrics()
    url = reverse("dashboard:metric_definitions")
    for key, value in Figure.objects.filter(key__startswith="m:", period=str(c.today.year)).values_list(
        "key", "value"
    ):
        metric = registered.get(key[2:])
        if metric is not None:
            shown = f"{value:.1f}%" if metric.ratio else f"{value:g}"
            c.others.append(Number(metric.label, shown, url, metric.unit if not metric.ratio else "本年度"))


def _orders(c: Cockpit) -> None:
    scope, today = c.scope, c.today
    month = f"{today.year:04d}-{today.month:02d}"
    wl = reverse("workorders:list")
    received = _sum(scope, "wo.received", period=month)
    open_ = _sum(scope, "wo.open")
    overdue = _sum(scope, "wo.open", period__lt=today.isoformat(), period__gt="")
    months = _months_back(today, 12)
    rows = (
        Figure.objects.filter(
            scope.order_key("wo.rated") | scope.order_key("wo.satisfied"), period__in=months
        )
        .values("key", "period")
        .annotate(s=Sum("value"))
    )
    by = {(r["key"].removeprefix("t:"), r["period"]): r["s"] for r in rows}
    c.satisfaction_trend = [
        {
            "month": m,
            "rated": int(by.get(("wo.rated", m), 0)),
            "rate": _pct(by.get(("wo.satisfied", m), 0), by.get(("wo.rated", m), 0)),
        }
        for m in months
    ]
    this = c.satisfaction_trend[-1]
    start = today.replace(day=1)
    c.orders = [
        Number(
            "本月受理",
            int(received),
            f"{wl}?{urlencode({'start': start.isoformat(), 'end': today.isoformat()})}",
            "件",
        ),
        Number("未办结", int(open_), f"{wl}?status=open", "件"),
        Number(
            "已超期", int(overdue), f"{wl}?overdue=on", "件，办结时限已过仍未办结", "red" if overdue else ""
        ),
        Number(
            "本月满意率",
            "—" if this["rate"] is None else f"{this['rate']}%",
            reverse("workorders:metrics"),
            f"已评价 {this['rated']} 件",
        ),
    ]
    per_unit = (
        Figure.objects.filter(scope.q(), key="wo.open", unit__isnull=False)
        .values("unit_id")
        .annotate(
            open=Sum("value"),
            overdue=Sum("value", filter=Q(period__lt=today.isoformat(), period__gt="")),
        )
        .order_by("-overdue", "-open")[:10]
    )
    rows_ = list(per_unit)
    names = dict(Unit.objects.filter(pk__in=[r["unit_id"] for r in rows_]).values_list("pk", "name"))
    c.units_table = [
        {
            "name": names.get(r["unit_id"], ""),
            "open": int(r["open"] or 0),
            "overdue": int(r["overdue"] or 0),
            "url": f"{wl}?{urlencode({'unit': r['unit_id'], 'status': 'open'})}",
            "overdue_url": f"{wl}?{urlencode({'unit': r['unit_id'], 'overdue': 'on'})}",
        }
        for r in rows_
    ]


def _hotline(c: Cockpit) -> None:
    url = reverse("hotline:commitment_list")
    open_ = _sum(c.scope, "hl.open")
    late = _sum(c.scope, "hl.open", period__lt=c.today.isoformat())
    c.hotline = [
        Number("承诺事项未办结", int(open_), url, "项"),
        Number("承诺事项已逾期", int(late), url, "项，超过承诺期限仍未办结", "red" if late else ""),
    ]


def _campaigns(c: Cockpit) -> None:
    rows = Figure.objects.filter(c.scope.q(), key__startswith="cp.").values("key").annotate(s=Sum("value"))
    by = {r["key"][3:]: int(r["s"]) for r in rows}
    base = reverse("campaigns:list")
    c.campaigns = [
        {
            "colour": k,
            "label": label,
            "value": by.get(k, 0),
            "url": f"{base}?rag={k}" if k != "planning" else f"{base}?status=planning",
            "hex": RAG_COLOURS[k],
        }
        for k, label in RAG_LABELS
    ]


def _targets(c: Cockpit) -> None:
    years = sorted(
        {int(p) for p in Figure.objects.filter(key="tg.total").values_list("period", flat=True)}, reverse=True
    )
    year = c.today.year if c.today.year in years else (years[0] if years else c.today.year)
    total = _sum(c.scope, "tg.total", period=str(year))
    met = _sum(c.scope, "tg.met", period=str(year))
    exceeded = _sum(c.scope, "tg.exceeded", period=str(year))
    url = f"{reverse('campaigns:target_list')}?year={year}"
    c.targets = [
        Number(f"{year} 年目标任务", int(total), url, "项"),
        Number("已完成", int(met), url, f"完成率 {_pct(met, total) or 0}%"),
        Number("超额完成", int(exceeded), url, "项", "green" if exceeded else ""),
    ]


def _assessment(c: Cockpit, user: Any) -> None:
    """The latest closed month's ranking and 红黑榜 (MonthlyResult/HonourRoll are stored results, not raw data)."""
    from zhenwu.assessment.models import AssessmentMonth, HonourRoll, MonthlyResult

    month = AssessmentMonth.objects.filter(status="closed").order_by("-month").first()
    if month is None:
        return
    results = (
        MonthlyResult.objects.filter(month=month, category="area").select_related("unit").order_by("rank")
    )
    if c.scope.unit_ids is not None:
        results = results.filter(unit_id__in=c.scope.unit_ids)
    rolls = HonourRoll.objects.filter(month=month).select_related("unit").order_by("board", "position")
    c.assessment = {
        "month": month,
        "url": reverse("assessment:month_detail", args=[month.pk]),
        "ranking": [
            {"name": r.unit.name, "rank": r.rank, "total": float(r.total), "previous": r.previous_rank}
            for r in results[:10]
        ],
        "red": [r.unit.name for r in rolls if r.board == "red"],
        "black": [r.unit.name for r in rolls if r.board == "black"],
        "board_url": reverse("assessment:public_board"),
    }

"""驾驶舱 benchmark (issue 13, Speed): the leader's page from rollup tables vs raw aggregation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_campaigns /work/main/.venv/bin/python bench/dashboard_bench.py

Defaults: 1,000,000 work orders (loaded with COPY, spread over two years), 1,000 units,
18 campaigns with 10 milestones each, 500 annual targets. Smaller runs: BENCH_ORDERS=200000.
Runs in a throw-away test database (created and dropped here). In the same run it prints:

1. p50/p95 of GET /cockpit/ (view + template, through Django's test client) for the town leader
   and for a unit leader (one village's scope);
2. the time of an incremental rollup refresh after one order changed (``rollups.refresh_orders``);
3. the baseline: the same work-order figures computed by raw aggregation over the order table,
   for the town, and the ratio.
Goals: town leader p95 < 200 ms, unit leader p95 < 100 ms, refresh after one change < 50 ms.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
UNITS = int(os.environ.get("BENCH_UNITS", "1000"))
TARGETS = int(os.environ.get("BENCH_TARGETS", "500"))
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
REFRESH_RUNS = int(os.environ.get("BENCH_REFRESH_RUNS", "12"))
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.now(SH).replace(microsecond=0)


def log(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    if connection.vendor != "postgresql":
        log("warning: not PostgreSQL; set DATABASE_URL=postgres://... for the figures the issue asks for")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def load_orders(units: list[Any]) -> None:
    from zhenwu.workorders.models import WorkOrder

    template = WorkOrder.objects.create(number="TEMPLATE", channel="web", description="模板", status="new")
    row = WorkOrder.objects.filter(pk=template.pk).values().first()
    assert row is not None
    template.delete()
    row.pop("id")
    columns = list(row)
    for k, v in row.items():
        if isinstance(v, dict | list):
            row[k] = json.dumps(v)
    rng = random.Random(13)
    span = timedelta(days=730)
    start = NOW - span
    ids = [u.pk for u in units]
    closed = (
        "closed",
        "closed",
        "closed",
        "closed",
        "closed",
        "closed",
        "closed",
        "closed",
        "merged",
        "invalid",
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY workorders_workorder ({', '.join(columns)}) FROM STDIN") as copy:
                for i in range(ORDERS):
                    copy.write_row(_row(row, columns, i, start, span, rng, ids, closed))
        else:
            marks = ", ".join(["%s"] * len(columns))
            batch = []
            for i in range(ORDERS):
                batch.append(_row(row, columns, i, start, span, rng, ids, closed))
                if len(batch) == 5000:
                    cursor.executemany(
                        f"INSERT INTO workorders_workorder ({', '.join(columns)}) VALUES ({marks})", batch
                    )
                    batch = []
            if batch:
                cursor.executemany(
                    f"INSERT INTO workorders_workorder ({', '.join(columns)}) VALUES ({marks})", batch
                )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    log(f"loaded {ORDERS:,} work orders in {time.perf_counter() - t0:.1f} s")


def _row(base: dict[str, Any], columns: list[str], i: int, start: datetime, span: timedelta,
         rng: random.Random, ids: list[int], closed: tuple[str, ...]) -> tuple[Any, ...]:  # fmt: skip
    created = start + span * (i / ORDERS)
    age = (NOW - created).days
    open_ = age <= 20 and rng.random() < 0.6 or rng.random() < 0.01
    r = dict(base)
    r.update(
        number=f"BX{i:08d}",
        created_at=created,
        updated_at=created,
        lead_unit_id=rng.choice(ids),
        status="handling" if open_ else rng.choice(closed),
        deadline=created + timedelta(days=rng.randint(3, 15)),
        satisfaction=""
        if open_ or rng.random() < 0.5
        else rng.choice(["satisfied", "satisfied", "basic", "unsatisfied"]),
        client_token=None,
    )
    if r["satisfaction"]:
        r["rated_at"] = created + timedelta(days=rng.randint(2, 10))
    return tuple(r[c] for c in columns)


def raw_figures(unit_ids: list[int] | None) -> dict[str, Any]:
    """The baseline: the 驾驶舱's work-order figures by raw aggregation over the order table."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth

    from zhenwu.workorders.choices import CLOSED_STATES
    from zhenwu.workorders.models import WorkOrder

    qs = WorkOrder.objects.all() if unit_ids is None else WorkOrder.objects.filter(lead_unit_id__in=unit_ids)
    month_start = NOW.replace(day=1, hour=0, minute=0, second=0)
    open_qs = qs.exclude(status__in=CLOSED_STATES)
    today = NOW.replace(hour=0, minute=0, second=0)
    figures = {
        "received": qs.filter(created_at__gte=month_start).count(),
        "open": open_qs.count(),
        "overdue": open_qs.filter(deadline__lt=today).count(),
        "trend": list(
            qs.filter(rated_at__gte=month_start - timedelta(days=335))
            .exclude(satisfaction="")
            .annotate(m=TruncMonth("rated_at", tzinfo=SH))
            .values("m")
            .annotate(n=Count("id"), s=Count("id", filter=Q(satisfaction__in=["satisfied", "basic"])))
            .order_by("m")
        ),
        "by_unit": list(
            open_qs.values("lead_unit_id")
            .annotate(n=Count("id"), o=Count("id", filter=Q(deadline__lt=today)))
            .order_by("-o")[:10]
        ),
    }
    return figures


def bench() -> None:
    import tempfile

    from django.conf import settings
    from django.test import Client

    from zhenwu.campaigns import services as cs
    from zhenwu.campaigns.models import AnnualTarget
    from zhenwu.core.services import calendar_seed
    from zhenwu.dashboard import rollups
    from zhenwu.orgs.bootstrap import ensure_builtin_roles
    from zhenwu.orgs.models import Role, Unit
    from zhenwu.testing import _unit, make_user
    from zhenwu.workorders.models import OrderEvent, WorkOrder

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="zhenwu-bench-")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = False
    ensure_builtin_roles()
    calendar_seed(years=[NOW.year - 1, NOW.year])
    town = _unit("NT", "牛塘镇", "town")
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"U{i:04d}",
                name=f"示例单位{i:04d}",
                kind="village",
                parent=town,
                unit_type="township",
                path=f"/NT/U{i:04d}/",
                depth=1,
                handles_requests=True,
            )  # fmt: skip
            for i in range(UNITS)
        ]
    )
    units = list(Unit.objects.filter(kind="village").order_by("code"))
    admin = make_user("bench_admin", unit=town, role="town_admin")
    leader = make_user("bench_leader", unit=town, role="leader")
    Role.objects.create(code="village_head", name="村书记", data_scope="unit_and_below", can_write=True,
                        capabilities=["dashboard.view"])  # fmt: skip
    head = make_user("bench_head", unit=units[7], role="village_head")
    load_orders(units)

    rng = random.Random(7)
    t0 = time.perf_counter()
    for n in range(18):
        start = NOW.date() - timedelta(days=200)
        end = NOW.date() + timedelta(days=100)
        c = cs.campaign_create(actor=admin, title=f"专项行动{n + 1:02d}", year=NOW.year, lead_unit=units[n],
                               units=[units[n + 20]], owner_name="负责人", start_date=start, end_date=end)  # fmt: skip
        cs.milestones_replace(
            actor=admin,
            campaign=c,
            rows=[
                cs.MilestoneRow(f"里程碑{k + 1}", start + timedelta(days=30 * (k + 1)), 10) for k in range(10)
            ],
        )
        cs.campaign_transition(actor=admin, campaign=c, action="start")
        c.milestones.filter(due_date__lt=NOW.date()).update(progress=rng.choice([60, 100]))
    AnnualTarget.objects.bulk_create(
        [
            AnnualTarget(
                unit=units[i % UNITS],
                year=NOW.year,
                title=f"目标任务{i:03d}",
                measure_unit="个",
                target_value=Decimal(rng.randint(5, 100)),
                manual_actual=Decimal(rng.randint(0, 120)),
            )  # fmt: skip
            for i in range(TARGETS)
        ]
    )
    log(f"18 campaigns × 10 milestones, {TARGETS} targets in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    built = rollups.refresh_all()
    log(f"full rollup build: {built['orders']:,} figure rows in {time.perf_counter() - t0:.1f} s")

    town_client, head_client = Client(), Client()
    town_client.force_login(leader)
    head_client.force_login(head)
    for client in (town_client, head_client):
        assert client.get("/cockpit/").status_code == 200  # warm up
    town_ms = timed(lambda: town_client.get("/cockpit/"), RUNS)
    head_ms = timed(lambda: head_client.get("/cockpit/"), RUNS)

    # One change at a time: each refresh re-reads the last OVERLAP_SECONDS of the timeline, so wait that
    # long between changes (beat runs every two minutes; this measures the refresh after one change).
    orders = list(
        WorkOrder.objects.filter(status="handling").order_by("?").values_list("pk", flat=True)[:REFRESH_RUNS]
    )
    refresh_ms = []
    rollups.refresh_orders()
    for pk in orders:
        time.sleep(rollups.OVERLAP_SECONDS + 0.5)
        WorkOrder.objects.filter(pk=pk).update(status="closed", updated_at=datetime.now(SH))
        OrderEvent.objects.create(order_id=pk, action="callback", from_status="handling", to_status="closed")
        t0 = time.perf_counter()
        rollups.refresh_orders()
        refresh_ms.append((time.perf_counter() - t0) * 1000)

    if os.environ.get("BENCH_VERBOSE"):
        from django.test.utils import CaptureQueriesContext

        pk = WorkOrder.objects.filter(status="handling").values_list("pk", flat=True).first()
        OrderEvent.objects.create(order_id=pk, action="callback", from_status="handling", to_status="closed")
        with CaptureQueriesContext(connection) as ctx:
            rollups.refresh_orders()
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:6]:
            log(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")
        with CaptureQueriesContext(connection) as ctx:
            town_client.get("/cockpit/")
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            log(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")

    raw_town = timed(lambda: raw_figures(None), max(3, RUNS // 10))
    raw_head = timed(lambda: raw_figures([units[7].pk]), RUNS)

    log("")
    log(
        f"scale: {ORDERS:,} work orders, {UNITS:,} units, 18 campaigns × 10 milestones, {TARGETS} targets ({connection.vendor})"
    )
    log(
        f"驾驶舱 town leader   p50 {statistics.median(town_ms):7.1f} ms  p95 {pct(town_ms, 0.95):7.1f} ms  (goal < 200)"
    )
    log(
        f"驾驶舱 unit leader   p50 {statistics.median(head_ms):7.1f} ms  p95 {pct(head_ms, 0.95):7.1f} ms  (goal < 100)"
    )
    log(
        f"refresh after 1 change  p50 {statistics.median(refresh_ms):7.1f} ms  p95 {pct(refresh_ms, 0.95):7.1f} ms  (goal < 50)"
    )
    log(
        f"baseline raw aggregation, town   p50 {statistics.median(raw_town):8.1f} ms (work-order figures only)"
    )
    log(f"baseline raw aggregation, unit   p50 {statistics.median(raw_head):8.1f} ms")
    log(f"ratio raw / rollup page, town: {statistics.median(raw_town) / statistics.median(town_ms):.1f}×")


if __name__ == "__main__":
    main()

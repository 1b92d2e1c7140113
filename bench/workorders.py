"""Work-order benchmark: Open311 create throughput against a plain insert, inbox, list and metrics.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_bench \\
        .venv/bin/python bench/workorders.py [--orders 1000000] [--units 1000] [--seconds 20]

Builds (or, with --reuse, keeps) a PostgreSQL database of generated orders loaded with COPY,
then in the same run:

1. ``POST /open311/v2/requests.json`` under 16 concurrent keep-alive clients against gunicorn
   (``-w 4`` sync workers), next to a plain Django view that inserts one row into a copy of the
   work-order table (bench/workorders_app.py) measured the same way; throughput, p50/p99, ratio.
2. p95 of a unit's inbox (selectors.inbox + inbox_counts + the first page, as the page does) and
   of the filtered order list (selectors.order_list: count + first page).
3. One month's metrics for all units (selectors.unit_metrics).

Goals: create ≥ 50 % of the plain insert; inbox p95 < 150 ms; month metrics < 500 ms.
Compare throughput only as a ratio from the same run; the shared machine's speed drifts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhenwu_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")  # as in production: tasks queued

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhenwu.core.actors import SYSTEM  # noqa: E402

DESCRIPTIONS = [
    "{place}路灯晚上不亮已经{n}天了，行人走路看不清。",
    "{place}路面有个大坑，下雨积水，电瓶车经过很危险。",
    "{place}窨井盖松动，车压过去响声很大。",
    "{place}垃圾桶满了没人清运，气味很大。",
    "{place}有人占道摆摊，早高峰堵车。",
    "{place}工地夜间施工噪声扰民，晚上{n}点还在打桩。",
    "{place}河道有漂浮垃圾，水面发黑有异味。",
    "{place}有人露天焚烧秸秆，烟很大。",
    "{place}停水{n}个小时了，没有任何通知。",
    "{place}小区物业不作为，电梯坏了{n}天没人修。",
    "{place}公交站牌被撞倒，等车的人不知道在哪里等。",
    "{place}违章搭建彩钢棚，占用消防通道。",
    "{place}店铺招牌松动，大风天怕掉下来砸人。",
    "{place}企业拖欠工资{n}个月，工人讨薪无门。",
    "{place}红绿灯时间太短，老人过马路来不及。",
]
PLACES = ["丫河村", "卢家巷村", "东塘村", "南庄社区", "牛塘镇区", "青洋路", "人民路", "卢家巷菜场", "丫河桥"]
NOW = timezone.now()
UNIT_TYPES = ["urban_mgmt", "housing", "market", "environment", "transport", "water", "hr_social", "health"]


def log(msg: str) -> None:
    print(msg, flush=True)


# figure -> (now, measured before issue 15, goal); printed as one table at the end of the run.
FIGURES: dict[str, tuple[str, str, str]] = {}


def print_figures() -> None:
    if not FIGURES:
        return
    width = max(len(k) for k in FIGURES)
    log("")
    log(f"{'figure':<{width}}  {'now':>14}  {'before issue 15':>16}  goal")
    for name, (now, before, goal) in FIGURES.items():
        log(f"{name:<{width}}  {now:>14}  {before:>16}  {goal}")


# ---------------------------------------------------------------- database


def ensure_database(reset: bool) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/workorders.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    name = db["NAME"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_units(total: int) -> dict[str, Any]:
    """A town, departments, villages/communities with grids, stations: ``total`` units in all."""
    from zhenwu.orgs.models import Unit

    town = Unit.objects.create(code="BT", name="牛塘镇(基准)", kind="town", path="/BT/", depth=0)
    n_dept = max(2, total // 16)
    n_village = max(2, total // 25)
    rest = total - 1 - n_dept - n_village
    units: list[Unit] = []
    for i in range(n_dept):
        units.append(
            Unit(
                code=f"BD{i}",
                name=f"部门{i}",
                kind="department",
                parent=town,
                path=f"/BT/BD{i}/",
                depth=1,
                unit_type=UNIT_TYPES[i % len(UNIT_TYPES)],
                handles_requests=True,
                is_sample=True,
            )
        )
    for i in range(n_village):
        units.append(
            Unit(
                code=f"BV{i}",
                name=f"村{i}",
                kind="village" if i % 4 else "community",
                parent=town,
                path=f"/BT/BV{i}/",
                depth=1,
                unit_type="township",
                handles_requests=True,
                is_sample=True,
            )
        )
    Unit.objects.bulk_create(units)
    villages = list(Unit.objects.filter(code__startswith="BV").order_by("id"))
    grids = []
    for k in range(rest):
        v = villages[k % len(villages)]
        grids.append(
            Unit(
                code=f"{v.code}-G{k}",
                name=f"{v.name}网格{k}",
                kind="grid",
                parent=v,
                path=f"{v.path}{v.code}-G{k}/",
                depth=2,
                is_sample=True,
            )
        )
    Unit.objects.bulk_create(grids, batch_size=1000)
    return {
        "town": town,
        "leads": list(Unit.objects.filter(handles_requests=True).values_list("id", flat=True)),
        "grids_of": {
            v.pk: list(Unit.objects.filter(parent=v).values_list("id", flat=True)) for v in villages
        },
        "villages": [v.pk for v in villages],
    }


def build_categories() -> list[Any]:
    from zhenwu.workorders.demo import CATEGORIES, NOISE_FIELDS
    from zhenwu.workorders.services import category_save

    made: dict[str, Any] = {}
    for code, name, parent, days, unit_type, keywords in CATEGORIES:
        made[code] = category_save(
            actor=SYSTEM,
            code=code,
            name=name,
            parent=made.get(parent),
            time_limit_days=days,
            unit_type=unit_type,
            keywords=keywords,
            extra_fields=NOISE_FIELDS if code == "ecology.noise" else [],
            is_sample=True,
        )
    parents = {c.parent_id for c in made.values() if c.parent_id}
    return [c for c in made.values() if c.pk not in parents]


def template_row(leaf: Any) -> dict[str, Any]:
    """Column values of a real order (created through the service) to copy the constant columns from."""
    from zhenwu.workorders.services import workorder_create

    order = workorder_create(
        actor=None,
        channel="open311",
        category=leaf,
        description="模板工单",
        address="模板",
        lat=31.7,
        long=119.9,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM workorders_workorder WHERE id = %s", [order.pk])
        names = [c.name for c in cursor.description]
        values = cursor.fetchone()
    row = dict(zip(names, values, strict=True))
    row.pop("id")
    return row


STATUS_RECENT = [
    ("new", 3),
    ("accepted", 3),
    ("dispatched", 10),
    ("returned", 2),
    ("handling", 30),
    ("extension", 4),
    ("replied", 15),
    ("closed", 30),
    ("merged", 1),
    ("invalid", 2),
]
STATUS_OLD = [("closed", 93), ("merged", 3), ("invalid", 2), ("replied", 1), ("handling", 1)]


def _pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([s for s, _ in table], weights=[w for _, w in table])[0]


def load_orders(n: int, units: dict[str, Any], leaves: list[Any], template: dict[str, Any]) -> None:
    """COPY ``n`` generated orders spread over the last two years (status by age, realistic times)."""
    from zhenwu.workorders.search import GIN_INDEX, GIN_INDEX_SQL, search_text

    with connection.cursor() as cursor:  # the search index is built once after the COPY, not row by row
        cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    rng = random.Random(20261128)
    columns = list(template)
    base = dict(template)
    for k, v in base.items():
        if isinstance(v, dict | list):
            base[k] = json.dumps(v)
    span = timedelta(days=730)
    start = NOW - span
    leads = units["leads"]
    village_ids = set(units["villages"])
    grids_of = units["grids_of"]
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor
        with raw.copy(f"COPY workorders_workorder ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(n):
                created = start + span * (i / n) + timedelta(seconds=rng.randint(0, 60))
                age = (NOW - created).days
                status = _pick(rng, STATUS_RECENT if age <= 20 else STATUS_OLD)
                leaf = rng.choice(leaves)
                lead = rng.choice(leads)
                grid = rng.choice(grids_of[lead]) if lead in village_ids and grids_of[lead] else None
                row = dict(base)
                row.update(
                    number=f"BX-{created:%Y%m%d}-{i:07d}",
                    channel=rng.choice(["phone", "phone", "h5", "web", "open311", "inspector"]),
                    category_id=leaf.pk,
                    description=rng.choice(DESCRIPTIONS).format(
                        place=rng.choice(PLACES), n=rng.randint(2, 11)
                    ),
                    address=rng.choice(PLACES),
                    lat=f"{31.70 + rng.random() * 0.08:.6f}",
                    long=f"{119.85 + rng.random() * 0.1:.6f}",
                    grid_id=grid,
                    status=status,
                    created_at=created,
                    updated_at=created,
                    lead_unit_id=None,
                    accepted_at=None,
                    dispatched_at=None,
                    sign_deadline=None,
                    signed_at=None,
                    deadline=None,
                    warn_at=None,
                    replied_at=None,
                    closed_at=None,
                    handling_hours=None,
                    satisfaction="",
                    client_token=None,
                    open311_app_id=None,
                )
                if status != "new":
                    row["accepted_at"] = created + timedelta(minutes=rng.randint(5, 90))
                if status not in {"new", "accepted", "invalid"}:
                    dispatched = created + timedelta(hours=rng.uniform(0.5, 6))
                    deadline = dispatched + timedelta(days=leaf.time_limit_days + 2)
                    row.update(
                        lead_unit_id=lead,
                        dispatched_at=dispatched,
                        sign_deadline=dispatched + timedelta(hours=2 + rng.random()),
                        deadline=deadline,
                        warn_at=deadline - timedelta(days=1),
                    )
                    if status not in {"dispatched", "returned"}:
                        row["signed_at"] = dispatched + timedelta(hours=rng.uniform(0.1, 3.5))
                    if status in {"replied", "closed"}:
                        replied = dispatched + timedelta(days=rng.uniform(0.3, leaf.time_limit_days + 3))
                        row.update(replied_at=replied, handling_hours=round(rng.uniform(2, 60), 1))
                        row["reply"] = "已现场处理完毕。"
                    if status == "closed":
                        row["closed_at"] = row["replied_at"] + timedelta(days=rng.uniform(0.1, 2))
                        row["satisfaction"] = _pick(
                            rng, [("satisfied", 80), ("basic", 12), ("unsatisfied", 8)]
                        )
                    row["extension_count"] = 1 if rng.random() < 0.05 else 0
                    row["rework_count"] = 1 if rng.random() < 0.03 else 0
                if status in {"closed", "merged", "invalid"} and not row["closed_at"]:
                    row["closed_at"] = created + timedelta(days=rng.uniform(0.1, 3))
                # What WorkOrder.save() keeps: the search tokens of the row's own text.
                row["search_text"] = search_text(
                    row["number"], row["title"], row["description"], row["address"]
                )
                copy.write_row([row[c] for c in columns])
                if i and i % 100_000 == 0:
                    log(f"  … {i:,} orders ({time.perf_counter() - t0:.0f} s)")
    log(f"loaded {n:,} orders with COPY in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(GIN_INDEX_SQL)
        cursor.execute("RESET maintenance_work_mem")
    log(f"built the search index ({GIN_INDEX}) in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def write_plain_template(template: dict[str, Any]) -> None:
    """The row the plain-insert baseline view inserts (read by bench/workorders_app.py)."""
    plain = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in template.items()}
    (HERE / ".plain_template.json").write_text(json.dumps(plain, default=str))


def build(args: argparse.Namespace) -> dict[str, Any]:
    from zhenwu.orgs.models import Unit
    from zhenwu.testing import make_user
    from zhenwu.workorders.models import Category, Open311App, WorkOrder

    have = WorkOrder.objects.filter(number__startswith="BX-").count()
    # The bench measures throughput, not the per-application limit (also on a --reuse database).
    Open311App.objects.filter(name="基准测试应用").update(posts_per_minute=10_000_000)
    if not (args.reuse and have >= args.orders):
        t0 = time.perf_counter()
        units = build_units(args.units)
        leaves = build_categories()
        template = template_row(leaves[0])
        load_orders(args.orders, units, leaves, template)
        Open311App.objects.create(
            name="基准测试应用",
            api_key="bench-open311-key-0123456789",
            is_sample=True,
            posts_per_minute=10_000_000,
        )
        village = Unit.objects.get(code="BV1")
        make_user("bench_cadre", unit=village, role="village_cadre")
        make_user("bench_admin", unit=units["town"], role="town_admin")
        write_plain_template(template)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_plain_order")
            cursor.execute("CREATE TABLE bench_plain_order (LIKE workorders_workorder INCLUDING ALL)")
            # Same size as the real table, so both inserts maintain indexes of the same depth.
            cursor.execute("INSERT INTO bench_plain_order SELECT * FROM workorders_workorder")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('bench_plain_order', 'id'), "
                "(SELECT max(id) FROM bench_plain_order))"
            )
            cursor.execute("ANALYZE bench_plain_order")
        log(f"built in {time.perf_counter() - t0:.0f} s")
    else:
        log(f"reusing {have:,} generated orders")
    leaves = [c for c in Category.objects.filter(is_active=True) if not c.children.exists()]
    if not (HERE / ".plain_template.json").exists():
        write_plain_template(template_row(leaves[0]))
    return {"leaves": [c.code for c in leaves]}


# ---------------------------------------------------------------- HTTP load


def serve(port: int, workers: int, **extra_env: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ZHENWU_CONN_MAX_AGE="600", PYTHONPATH=str(HERE), **extra_env)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(HERE),
            "--log-level",
            "warning",
            "workorders_app:application",
        ],
        env=env,
    )
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/open311/v2/discovery.json")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.terminate()
    sys.exit("gunicorn did not start")


def load(
    port: int, path: str, body: Callable[[random.Random], str], clients: int, seconds: float
) -> dict[str, float]:
    """``clients`` threads, each one keep-alive connection, POSTing for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.perf_counter() + seconds
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1"}

    def worker(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            data = body(rng)
            t = time.perf_counter()
            try:
                conn.request("POST", path, body=data.encode(), headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            latencies[k].append(time.perf_counter() - t)
            if not ok:
                errors[k] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    flat = sorted(x for lat in latencies for x in lat)
    ok = len(flat) - sum(errors)
    return {
        "rps": ok / elapsed,
        "n": len(flat),
        "errors": sum(errors),
        "p50": flat[len(flat) // 2] * 1000 if flat else 0,
        "p99": flat[min(len(flat) - 1, int(len(flat) * 0.99))] * 1000 if flat else 0,
    }


def http_bench(args: argparse.Namespace, leaves: list[str]) -> None:
    def form(rng: random.Random) -> str:
        fields = {
            "api_key": "bench-open311-key-0123456789",
            "service_code": rng.choice(leaves),
            "lat": f"{31.70 + rng.random() * 0.08:.6f}",
            "long": f"{119.85 + rng.random() * 0.1:.6f}",
            "address_string": rng.choice(PLACES),
            "description": rng.choice(DESCRIPTIONS).format(place=rng.choice(PLACES), n=rng.randint(2, 11)),
        }
        if rng.random() < 0.5:
            fields["phone"] = f"13{rng.randint(100000000, 999999999)}"
            fields["last_name"], fields["first_name"] = "张", "三"
        return urllib.parse.urlencode(fields)

    proc = serve(args.port, args.workers)
    try:
        load(args.port, "/open311/bench/plain-insert.json", form, args.clients, 2)  # warm-up
        load(args.port, "/open311/v2/requests.json", form, args.clients, 2)
        plain: list[dict[str, float]] = []
        o311: list[dict[str, float]] = []
        each = args.seconds / args.rounds
        for _ in range(args.rounds):  # interleaved rounds: drift of the shared machine hits both sides
            plain.append(load(args.port, "/open311/bench/plain-insert.json", form, args.clients, each))
            o311.append(load(args.port, "/open311/v2/requests.json", form, args.clients, each))
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    def summary(runs: list[dict[str, float]]) -> dict[str, float]:
        return {
            "rps": statistics.median(r["rps"] for r in runs),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": max(r["p99"] for r in runs),
            "n": sum(r["n"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
        }

    p, o = summary(plain), summary(o311)
    w = f"gunicorn -w {args.workers} sync, {args.clients} clients, median of {args.rounds} rounds"
    log(
        f"plain insert view      ({w}): {p['rps']:7.1f} req/s  p50 {p['p50']:6.1f} ms  p99 {p['p99']:6.1f} ms  n={p['n']:.0f} errors={p['errors']:.0f}"
    )
    log(
        f"Open311 POST requests  ({w}): {o['rps']:7.1f} req/s  p50 {o['p50']:6.1f} ms  p99 {o['p99']:6.1f} ms  n={o['n']:.0f} errors={o['errors']:.0f}"
    )
    ratios = [b["rps"] / a["rps"] for a, b in zip(plain, o311, strict=True) if a["rps"]]
    ratio = statistics.median(ratios) if ratios else 0
    log(
        f"create / plain insert: {ratio:.0%} median of the rounds ({', '.join(f'{r:.0%}' for r in ratios)}); "
        f"baseline measured 2026-11 before issue 15: 27–28%  (goal ≥ 50%: {'met' if ratio >= 0.5 else 'MISSED'})"
    )
    FIGURES["Open311 create / plain insert"] = (f"{ratio:.0%}", "27–28%", "≥ 50%")
    if args.numbers_experiment:
        proc = serve(args.port, args.workers, BENCH_SEQUENCE_NUMBERS="1")
        try:
            load(args.port, "/open311/v2/requests.json", form, args.clients, 2)
            x = load(args.port, "/open311/v2/requests.json", form, args.clients, args.seconds / 2)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        log(
            f"experiment, order number from a PG sequence instead of the counter row: {x['rps']:7.1f} req/s  "
            f"p50 {x['p50']:6.1f} ms  p99 {x['p99']:6.1f} ms  ({x['rps'] / p['rps']:.0%} of plain insert)"
        )


# ---------------------------------------------------------------- reads


TIMEOUT_MS = 30_000


def p95(fn: Callable[[], object], reps: int, budget_ms: float = 2000) -> tuple[float, float]:
    """Median and p95 of ``reps`` calls.

    A call slower than ``budget_ms`` is reported once, not repeated; a statement running longer
    than TIMEOUT_MS is cancelled by PostgreSQL and reported as ``inf``.
    """
    from django.db.utils import OperationalError

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {TIMEOUT_MS}")
    try:
        t = time.perf_counter()
        fn()  # warm
        first = (time.perf_counter() - t) * 1000
        if first > budget_ms:
            return first, first
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
    except OperationalError:  # statement_timeout
        return float("inf"), float("inf")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]


def _fmt(ms: float) -> str:
    return f"> {TIMEOUT_MS / 1000:.0f} s (cancelled)" if ms == float("inf") else f"{ms:7.1f} ms"


def read_bench(args: argparse.Namespace) -> None:
    from django.core.paginator import Paginator

    from zhenwu.accounts.models import User
    from zhenwu.orgs.models import Unit
    from zhenwu.workorders import selectors

    cadre = User.objects.get(username="bench_cadre")
    admin = User.objects.get(username="bench_admin")
    reps = args.reps

    def page_of(qs: Any) -> None:
        page = Paginator(qs, 20).get_page(1)
        list(page.object_list)

    def fresh(user: Any) -> Any:
        user.__dict__.pop("_zhenwu_access", None)  # grants are cached per request, not across
        return user

    def inbox_page(user: Any, tab: str) -> Callable[[], None]:
        def run() -> None:
            u = fresh(user)
            selectors.inbox_counts(user=u)
            page_of(selectors.inbox(user=u, tab=tab))

        return run

    visible = selectors.visible_orders(user=cadre).count()
    log(f"inbox user: village cadre of {Unit.objects.get(code='BV1').name}, {visible:,} orders in scope")
    worst = 0.0
    for tab in ["to_sign", "handling", "overdue", "callback"]:
        med, high = p95(inbox_page(cadre, tab), reps)
        worst = max(worst, high)
        log(f"inbox {tab:9s} (counts + first page): p50 {_fmt(med)}  p95 {_fmt(high)}")
    med, high = p95(inbox_page(admin, "desk"), reps)
    if med == high and med > 2000:
        log("  (one run: over the 2 s budget)")
    worst = max(worst, high)
    log(f"inbox desk (town admin, counts + page):   p50 {_fmt(med)}  p95 {_fmt(high)}")
    log(f"inbox worst p95: {worst:.1f} ms  (goal < 150 ms: {'met' if worst < 150 else 'MISSED'})")

    some_unit = Unit.objects.filter(handles_requests=True).order_by("id")[5]
    month_ago = timezone.localdate() - timedelta(days=30)
    cases: list[tuple[str, Any, selectors.OrderFilters]] = [
        ("admin, no filter", admin, selectors.OrderFilters()),
        ("admin, status=open", admin, selectors.OrderFilters(status="open")),
        (
            "admin, category+30 days",
            admin,
            selectors.OrderFilters(category="municipal.streetlight", start=month_ago),
        ),
        ("admin, unit+status", admin, selectors.OrderFilters(unit=some_unit.pk, status="handling")),
        ("admin, overdue", admin, selectors.OrderFilters(overdue=True)),
        ("admin, text q=路灯 (icontains)", admin, selectors.OrderFilters(q="路灯")),
        ("cadre, no filter", cadre, selectors.OrderFilters()),
        ("cadre, status=open", cadre, selectors.OrderFilters(status="open")),
    ]
    for label, user, filters in cases:
        med, high = p95(
            lambda u=user, f=filters: page_of(selectors.order_list(user=fresh(u), filters=f)), reps
        )
        note = "  (one run: over the 2 s budget)" if med == high and 2000 < med < float("inf") else ""
        log(
            f"order_list {label:32s} (exact count + page; the list page caps it, see above): p50 {_fmt(med)}  p95 {_fmt(high)}{note}"
        )

    today = timezone.localdate()
    first = date(today.year, today.month, 1)
    last_month_end = first - timedelta(days=1)
    last_month_start = date(last_month_end.year, last_month_end.month, 1)
    times = []
    result: dict[int, Any] = {}
    for _ in range(5):
        t = time.perf_counter()
        result = selectors.unit_metrics(start=last_month_start, end=last_month_end)
        times.append((time.perf_counter() - t) * 1000)
    received = sum(r["received"] for r in result.values())
    log(
        f"unit_metrics {last_month_start:%Y-%m}, all units ({len(result)} units, {received:,} orders): "
        f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms  "
        f"(goal < 500 ms: {'met' if statistics.median(times) < 500 else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument(
        "--seconds", type=float, default=20, help="load time per side (split over the rounds)"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved plain/Open311 rounds (median)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--reps", type=int, default=40, help="repetitions per read measurement")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database of this size")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--skip-page", action="store_true", help="no suggestion/order page figures")
    parser.add_argument("--skip-search", action="store_true", help="no order list/search figures")
    parser.add_argument("--skip-gunicorn", action="store_true", help="page figures without gunicorn runs")
    parser.add_argument("--train", action="store_true", help="train a classifier for the page figures")
    parser.add_argument(
        "--numbers-experiment",
        action="store_true",
        help="also measure create with order numbers from a PostgreSQL sequence (not gap-free)",
    )
    args = parser.parse_args()
    if settings.DEBUG:
        sys.exit("run without ZHENWU_DEBUG: the benchmark measures the production configuration")
    ensure_database(reset=not args.reuse)
    log(f"database {settings.DATABASES['default']['NAME']}; orders={args.orders:,} units={args.units:,}")
    info = build(args)
    from zhenwu.workorders.models import WorkOrder

    log(f"orders in database: {WorkOrder.objects.count():,}; now {datetime.now():%Y-%m-%d %H:%M}")
    if not args.skip_http:
        connection.close()
        http_bench(args, info["leaves"])
    if not args.skip_http:  # the HTTP part added tens of thousands of orders: as autovacuum would
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE workorders_workorder")
    if not args.skip_search:
        search_figures(args)
    if not args.skip_reads:
        read_bench(args)
    if not args.skip_page:
        page_figures(args)
    print_figures()


def search_figures(args: argparse.Namespace) -> None:
    """Order list and Chinese search (bench/workorders_search.py): old query vs new, same run."""
    from workorders_search import run_search_figures

    before_issue = {"admin, q=路灯": "1.1–1.7 s", "admin, all": "223 ms", "admin, open (未办结)": "366 ms"}
    before_issue["admin, overdue (仅超期)"] = "476 ms"
    results = run_search_figures(reps=args.reps, log=log)
    for label, r in results.items():
        if label in before_issue:
            FIGURES[f"list p95, {label} (old query this run)"] = (
                f"{r['after'][1]:.1f} ms ({r['before'][1]:.0f})",
                before_issue[label],
                "< 150 ms",
            )


def page_figures(args: argparse.Namespace) -> None:
    """Dispatch suggestion and order page (bench/workorders_page.py), into the closing table."""
    from workorders_page import ensure_prerequisites, run_page_figures

    ensure_prerequisites(train=args.train)
    f = run_page_figures(reps=args.reps, log=log, gunicorn=not args.skip_gunicorn)
    s, p, fp = f["suggest"], f["page"], f["first_page"]
    FIGURES["suggestion warm p95 / SQL"] = (f"{s['p95']:.1f} ms / {s['sql']}", "~23 ms / 9", "< 5 ms, ≤ 1")
    FIGURES["first suggestion, fresh worker"] = (
        f"{f['first_suggestion']['warmed_ms']:.0f} ms",
        "1.2–3.7 s",
        "(preloaded)",
    )
    FIGURES["order page warm p95 / SQL"] = (f"{p['p95']:.0f} ms / {p['sql']}", "103–152 ms / 17", "< 150 ms")
    FIGURES["order page, fresh process"] = (f"{fp['warmed_ms']:.0f} ms", "1.5–3.0 s", "< 400 ms")
    if "gunicorn" in f:
        g = f["gunicorn"]["after"]
        FIGURES["order page, fresh gunicorn worker"] = (
            f"{max(g.values()):.0f} ms",
            "1.5–3.0 s",
            "< 400 ms",
        )
    FIGURES["zhenwu suggest-dispatch"] = (f"{f['cli_s']:.1f} s", "6–7.6 s", "< 3 s")


if __name__ == "__main__":
    main()

"""Dispatch suggestion and order page benchmark (issue 15: "dispatch in under 5 ms", "order page").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_bench \\
        .venv/bin/python bench/workorders_page.py [--reps 40] [--train] [--skip-gunicorn]

Runs against the database bench/workorders.py builds (1,000,000 orders, 1,000 units), adding the
default 派单目录 (and with --train a classifier on 5,000 closed orders) when missing; that script can
call ``run_page_figures`` to print the same lines. In one run:

1. A warm dispatch suggestion (``workorders.dispatching.suggest`` with an order's category and
   place, as the dispatch form, the order page and the decision record call it): p50/p95 and SQL
   statements; baseline in the same run: the same call with the engine's per-version memo cleared
   before each call (catalogue and units read again, as every call did before the memo).
2. The first suggestion in a fresh process (a subprocess): as a worker without warm-up pays it,
   and after ``zhenwu.core.warmup.warm()`` (what a server process does at start, once in the
   gunicorn master with --preload; its cost is printed).
3. The order detail page until its suggestions show (Django test client, a town admin, an
   accepted order offering 派单 and 并单): p50/p95 warm, SQL statements and session writes. A page
   that still fetched its suggestions afterwards (the htmx partial) is timed with that request.
   Then the same first request in a fresh process, without and with the warm-up.
4. The same first page through gunicorn (-w 1): a fresh worker and a restarted one, with the
   production recipe (--preload, warm-up in the master) and without (no preload, ZHENWU_WARM=0).
5. Wall time of ``zhenwu suggest-dispatch "…"`` (median of runs).

Goals: suggestion < 5 ms warm with ≤ 1 SQL statement; page p95 < 150 ms warm and < 400 ms on a
fresh worker, suggestions included; the command < 3 s.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TEXTS = [
    "丫河村路灯晚上不亮已经5天了，行人走路看不清。",
    "人民路路面有个大坑，下雨积水，电瓶车经过很危险。",
    "青洋路窨井盖松动，车压过去响声很大。",
    "卢家巷菜场垃圾桶满了没人清运，气味很大。",
    "南庄社区有人占道摆摊，早高峰堵车。",
    "东塘村工地夜间施工噪声扰民，晚上11点还在打桩。",
    "丫河桥河道有漂浮垃圾，水面发黑有异味。",
    "卢家巷村有人露天焚烧秸秆，烟很大。",
    "牛塘镇区停水6个小时了，没有任何通知。",
    "南庄社区小区物业不作为，电梯坏了3天没人修。",
    "人民路公交站牌被撞倒，等车的人不知道在哪里等。",
    "东塘村违章搭建彩钢棚，占用消防通道。",
    "青洋路店铺招牌松动，大风天怕掉下来砸人。",
    "卢家巷村企业拖欠工资2个月，工人讨薪无门。",
    "人民路红绿灯时间太短，老人过马路来不及。",
]
CLI_TEXT = "路灯不亮，晚上黑灯瞎火"
PAGE_USER = "bench_admin"
DEFERRED = re.compile(r'hx-get="([^"]*suggest/partial/[^"]*)"')


def get_page(client: Any, url: str) -> tuple[int, str]:
    """The order page until its suggestions show: the page, plus the partial it loads after itself
    when the suggestions are not in the page (how the page worked before they were rendered with it)."""
    response = client.get(url, secure=True)
    body = response.content.decode()
    deferred = DEFERRED.search(body)
    if deferred:
        partial = client.get(html.unescape(deferred.group(1)), secure=True)
        body += partial.content.decode()
    return response.status_code, body


def suggestions_shown(body: str) -> bool:
    return "建议主办单位" in body


def _setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhenwu_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise: static files not collected
    django.setup()


def _pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _timed(fn: Callable[[], object], reps: int, before: Callable[[], object] | None = None) -> list[float]:
    fn()  # warm
    times = []
    for _ in range(reps):
        if before is not None:
            before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def _count_sql(fn: Callable[[], object]) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _forget_engine_memo() -> None:
    """Drop the engine's per-version memo (absent before the memo existed: nothing to drop)."""
    from zhenwu.dispatch import engine

    forget = getattr(engine, "forget_cache", None)
    if forget is not None:
        forget(keep_classifier=True)


def bench_order() -> Any:
    """An accepted order (派单 and 并单 offered) of the last days, with a category and a place."""
    from django.utils import timezone

    from zhenwu.workorders.models import WorkOrder

    since = timezone.now() - __import__("datetime").timedelta(days=10)
    order = (
        WorkOrder.objects.filter(status="accepted", created_at__gte=since, number__startswith="BX-")
        .exclude(category=None)
        .order_by("-created_at")
        .first()
    )
    if order is None:
        sys.exit("no accepted order in the last 10 days: build the database with bench/workorders.py")
    return order


def ensure_prerequisites(*, train: bool = False) -> None:
    """The default 派单目录 (the bench database has none) and, with ``train``, a classifier."""
    from zhenwu.core.actors import SYSTEM
    from zhenwu.dispatch.demo import load_catalogue
    from zhenwu.dispatch.models import ClassifierModel

    load_catalogue(SYSTEM)
    if train and not ClassifierModel.objects.exists():
        import random

        from zhenwu.dispatch.services import classifier_train, history_samples

        samples = history_samples()
        random.Random(15).shuffle(samples)
        classifier_train(actor=SYSTEM, samples=samples[:5000])


def _child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
        check=False,
    )
    if proc.returncode:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _warm_in_child() -> float:
    t = time.perf_counter()
    try:
        from zhenwu.core.warmup import warm
    except ImportError:  # before the warm-up existed
        return 0.0
    warm()
    return (time.perf_counter() - t) * 1000


def child_main(mode: str, warm: bool) -> None:
    _setup()
    from django.db import connections

    out: dict[str, Any] = {"warm_ms": _warm_in_child() if warm else 0.0}
    connections.close_all()  # a forked worker opens its own connection
    if mode == "suggest":
        from zhenwu.workorders.dispatching import suggest
        from zhenwu.workorders.models import WorkOrder

        order = WorkOrder.objects.select_related("category", "category__parent").get(pk=int(sys.argv[-1]))
        t = time.perf_counter()
        suggest(text=TEXTS[0], category=order.category, place_unit=order.grid)
        out["first_ms"] = (time.perf_counter() - t) * 1000
    else:
        from django.test import Client

        from zhenwu.accounts.models import User
        from zhenwu.testing import login

        client = Client(HTTP_HOST="localhost")
        login(client, User.objects.get(username=PAGE_USER))
        connections.close_all()
        t = time.perf_counter()
        status, body = get_page(client, f"/workorders/{sys.argv[-1]}/")
        out["first_ms"] = (time.perf_counter() - t) * 1000
        out["status"] = status
        out["suggestions_shown"] = suggestions_shown(body)
        out["deferred"] = bool(DEFERRED.search(body))
    print(json.dumps(out))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _http_get(port: int, path: str, cookie: str) -> tuple[int, str]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": "localhost", "Cookie": f"zhenwu_session={cookie}"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def _worker_pids(master: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False)
    return {int(pid) for pid in found.stdout.split()}


def gunicorn_first_requests(order_number: str, cookie: str, *, preload: bool) -> dict[str, float]:
    """First order page (until its suggestions show) of a fresh gunicorn worker, and again after the
    worker is restarted. ``preload``: the production recipe (--preload, warm-up in the master);
    else the recipe before it (no preload, no warm-up: ZHENWU_WARM=0)."""
    import signal

    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), ZHENWU_ALLOWED_HOSTS="localhost,127.0.0.1")
    env["ZHENWU_WARM"] = "1" if preload else "0"
    command = [str(Path(sys.executable).parent / "gunicorn"), "zhenwu.wsgi", "-w", "1", "-k", "sync"]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"] + (["--preload"] if preload else [])
    master = subprocess.Popen(command, env=env, cwd=str(ROOT))
    url = f"/workorders/{order_number}/"

    def until_suggestions() -> float:
        t = time.perf_counter()
        status, body = _http_get(port, url, cookie)
        deferred = DEFERRED.search(body)
        if deferred:
            status, part = _http_get(port, html.unescape(deferred.group(1)), cookie)
            body += part
        if status != 200 or not suggestions_shown(body):
            raise RuntimeError(f"gunicorn answered {status} without suggestions")
        return (time.perf_counter() - t) * 1000

    def wait_for(pids: set[int]) -> None:
        for _ in range(600):
            current = _worker_pids(master.pid)
            if current and not current & pids:
                time.sleep(1.0)  # the new worker boots (without --preload it imports the app now)
                return
            time.sleep(0.05)
        raise RuntimeError("gunicorn worker did not start")

    try:
        for _ in range(600):  # the port opens after the master's warm-up (with --preload)
            try:
                with __import__("socket").create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        wait_for(set())
        first = until_suggestions()
        old = _worker_pids(master.pid)
        for pid in old:
            os.kill(pid, signal.SIGTERM)
        wait_for(old)
        restarted = until_suggestions()
    finally:
        master.terminate()
        master.wait(timeout=30)
    return {"first_ms": first, "restarted_ms": restarted}


def run_page_figures(
    *,
    reps: int = 40,
    cli_runs: int = 3,
    fresh_runs: int = 2,
    gunicorn: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Measure and print the figures above on the configured (bench) database; returns them."""
    from django.test import Client

    from zhenwu.accounts.models import User
    from zhenwu.dispatch.models import ClassifierModel
    from zhenwu.testing import login
    from zhenwu.workorders.dispatching import suggest
    from zhenwu.workorders.models import WorkOrder

    figures: dict[str, Any] = {}
    order = WorkOrder.objects.select_related("category", "category__parent", "grid").get(pk=bench_order().pk)
    classifier = ClassifierModel.objects.exists()
    log(
        f"order page/suggestion order: {order.number} ({order.get_status_display()}, "
        f"{order.category}); trained classifier: {'yes' if classifier else 'no'}"
    )

    texts = iter(TEXTS * (max(reps, 200) + 2) * 2)

    def one_suggestion() -> None:
        suggest(text=next(texts), category=order.category, place_unit=order.grid)

    suggestion_reps = max(reps, 200)  # cheap calls: enough of them for a steady p95
    cached = _timed(one_suggestion, suggestion_reps)
    cached_sql, _ = _count_sql(one_suggestion)
    uncached = _timed(one_suggestion, suggestion_reps, before=_forget_engine_memo)
    _forget_engine_memo()
    uncached_sql, _ = _count_sql(one_suggestion)
    figures["suggest"] = {
        "p50": statistics.median(cached),
        "p95": _pct(cached, 0.95),
        "sql": cached_sql,
        "uncached_p50": statistics.median(uncached),
        "uncached_p95": _pct(uncached, 0.95),
        "uncached_sql": uncached_sql,
    }
    s = figures["suggest"]
    log(
        f"suggestion warm (memo per catalogue version): p50 {s['p50']:5.1f} ms  p95 {s['p95']:5.1f} ms  "
        f"{s['sql']} SQL  (goal < 5 ms, ≤ 1 SQL: {'met' if s['p95'] < 5 and s['sql'] <= 1 else 'MISSED'})"
    )
    log(
        f"suggestion uncached (memo cleared each call): p50 {s['uncached_p50']:5.1f} ms  "
        f"p95 {s['uncached_p95']:5.1f} ms  {s['uncached_sql']} SQL  (baseline)"
    )

    cold = [_child(["suggest", "--cold", str(order.pk)]) for _ in range(fresh_runs)]
    hot = [_child(["suggest", str(order.pk)]) for _ in range(fresh_runs)]
    figures["first_suggestion"] = {
        "cold_ms": statistics.median(c["first_ms"] for c in cold),
        "warmed_ms": statistics.median(c["first_ms"] for c in hot),
        "warm_up_ms": statistics.median(c["warm_ms"] for c in hot),
    }
    f = figures["first_suggestion"]
    log(
        f"first suggestion in a fresh process: {f['cold_ms']:.0f} ms without warm-up; "
        f"{f['warmed_ms']:.1f} ms after warm() at worker start (warm-up {f['warm_up_ms']:.0f} ms, "
        f"shared by --preload workers)"
    )

    client = Client(HTTP_HOST="localhost")
    login(client, User.objects.get(username=PAGE_USER))
    url = f"/workorders/{order.number}/"

    def page() -> None:
        status, _ = get_page(client, url)
        assert status == 200, status

    page_times = _timed(page, reps)
    page_sql, statements = _count_sql(page)
    session_writes = sum(
        1 for q in statements if "django_session" in q and q.lstrip().upper().startswith(("UPDATE", "INSERT"))
    )
    status, body = get_page(client, url)
    requests = 2 if DEFERRED.search(body) else 1
    figures["page"] = {
        "p50": statistics.median(page_times),
        "p95": _pct(page_times, 0.95),
        "sql": page_sql,
        "session_writes": session_writes,
        "requests": requests,
        "suggestions_shown": suggestions_shown(body),
    }
    p = figures["page"]
    log(
        f"order page warm, until the suggestions show ({requests} request{'s' if requests > 1 else ''}): "
        f"p50 {p['p50']:6.1f} ms  p95 {p['p95']:6.1f} ms  {p['sql']} SQL, {p['session_writes']} session "
        f"writes  (goal p95 < 150 ms, 1 request: "
        f"{'met' if p['p95'] < 150 and requests == 1 and p['suggestions_shown'] else 'MISSED'})"
    )

    cold_pages = [_child(["page", "--cold", order.number]) for _ in range(fresh_runs)]
    hot_pages = [_child(["page", order.number]) for _ in range(fresh_runs)]
    figures["first_page"] = {
        "cold_ms": statistics.median(c["first_ms"] for c in cold_pages),
        "warmed_ms": statistics.median(c["first_ms"] for c in hot_pages),
        "suggestions_shown": all(c["suggestions_shown"] for c in hot_pages),
        "deferred": any(c["deferred"] for c in hot_pages),
    }
    fp = figures["first_page"]
    log(
        f"first order page in a fresh process, until the suggestions show: {fp['cold_ms']:.0f} ms "
        f"without warm-up; {fp['warmed_ms']:.0f} ms after warm()"
        f"{' (page + the suggestion request)' if fp['deferred'] else ''}  (goal < 400 ms: "
        f"{'met' if fp['warmed_ms'] < 400 and fp['suggestions_shown'] else 'MISSED'})"
    )

    if gunicorn:
        cookie = client.cookies["zhenwu_session"].value
        before = gunicorn_first_requests(order.number, cookie, preload=False)
        after = gunicorn_first_requests(order.number, cookie, preload=True)
        figures["gunicorn"] = {"before": before, "after": after}
        log(
            f"gunicorn -w 1, first order page of a worker until the suggestions show: "
            f"{after['first_ms']:.0f} ms, after a worker restart {after['restarted_ms']:.0f} ms "
            f"(--preload with warm-up); without them {before['first_ms']:.0f} ms and "
            f"{before['restarted_ms']:.0f} ms  (goal < 400 ms: "
            f"{'met' if max(after.values()) < 400 else 'MISSED'})"
        )

    zhenwu = Path(sys.executable).parent / "zhenwu"
    command = [str(zhenwu), "suggest-dispatch", CLI_TEXT] if zhenwu.exists() else None
    if command is None:
        command = [sys.executable, "-m", "zhenwu.cli", "suggest-dispatch", CLI_TEXT]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    walls, cpus = [], []
    for _ in range(cli_runs):
        start = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(end.ru_utime - start.ru_utime + end.ru_stime - start.ru_stime)
    figures["cli_s"] = statistics.median(walls)
    figures["cli_cpu_s"] = statistics.median(cpus)
    log(
        f"zhenwu suggest-dispatch: median {figures['cli_s']:.2f} s wall, {figures['cli_cpu_s']:.2f} s CPU "
        f"of {cli_runs} runs (wall min {min(walls):.2f}, max {max(walls):.2f}; goal < 3 s: "
        f"{'met' if figures['cli_s'] < 3 else 'MISSED'})"
    )
    load = os.getloadavg()
    figures["load"] = load
    log(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} cores)")
    return figures


def main() -> None:
    if "--child" in sys.argv:
        mode = sys.argv[sys.argv.index("--child") + 1]
        child_main(mode, warm="--cold" not in sys.argv)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--fresh-runs", type=int, default=2, help="fresh processes per first-request figure")
    parser.add_argument("--train", action="store_true", help="train a classifier first if none exists")
    parser.add_argument("--skip-gunicorn", action="store_true", help="no first requests through gunicorn")
    args = parser.parse_args()
    _setup()
    from django.conf import settings

    if settings.DEBUG:
        sys.exit("run without ZHENWU_DEBUG: the benchmark measures the production configuration")
    print(f"database {settings.DATABASES['default']['NAME']}", flush=True)
    ensure_prerequisites(train=args.train)
    run_page_figures(
        reps=args.reps, cli_runs=args.cli_runs, fresh_runs=args.fresh_runs, gunicorn=not args.skip_gunicorn
    )


if __name__ == "__main__":
    main()

"""Foundation benchmark: what auditing, numbering and data scope cost, as ratios against baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_bench .venv/bin/python bench/foundation.py

Runs in a throw-away test database (created and dropped here). Prints one line per figure.
Compare figures only as ratios from the same run: the machine's speed drifts.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

N = int(os.environ.get("BENCH_N", "2000"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def threaded(worker: Callable[[int], None], threads: int) -> float:
    def run(i: int) -> None:
        try:
            worker(i)
        finally:
            close_old_connections()
            connection.close()

    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.perf_counter() - start


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def bench() -> None:
    from zhenwu.audit.models import AuditEvent
    from zhenwu.audit.services import audit_record, audit_seal, audit_verify
    from zhenwu.core.services import document_number
    from zhenwu.orgs.models import Membership, Role, Unit
    from zhenwu.testing import make_user

    vendor = connection.vendor
    print(f"database: {vendor}; N={N}; threads={THREADS}")
    town = Unit.objects.create(code="B", name="镇", kind="town", path="/B/", depth=0)
    actor = make_user("bench_actor")

    # 1. An audited write against the same write without audit.
    def plain() -> None:
        for i in range(N):
            with transaction.atomic():
                Unit.objects.filter(pk=town.pk).update(sort_order=i)

    def audited() -> None:
        for i in range(N):
            with transaction.atomic():
                Unit.objects.filter(pk=town.pk).update(sort_order=i)
                audit_record(
                    actor=actor, action="bench.update", obj=town, before={"n": i - 1}, after={"n": i}
                )

    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = False  # measure writers without inline sealing
    t_plain = timed(plain)
    t_audit = timed(audited)
    print(f"write, no audit:          {N / t_plain:8.0f} writes/s")
    print(f"write + audit row:        {N / t_audit:8.0f} writes/s   (cost ratio {t_audit / t_plain:.2f}x)")

    # 2. Sealing and verifying the chain.
    t_seal = timed(lambda: [audit_seal(batch=5000) for _ in range(3)])
    sealed = AuditEvent.objects.filter(seq__isnull=False).count()
    print(f"seal:                     {sealed / t_seal:8.0f} rows/s")
    t_verify = timed(audit_verify)
    assert audit_verify().ok
    print(f"verify:                   {sealed / t_verify:8.0f} rows/s")

    # 3. Concurrent audited writers: no global lock, so throughput should not collapse.
    per = N // THREADS
    units = [
        Unit.objects.create(
            code=f"B-{i}", name=f"部门{i}", kind="department", parent=town, path=f"/B/B-{i}/", depth=1
        )
        for i in range(THREADS)
    ]

    def audited_worker(i: int) -> None:
        for k in range(per):
            with transaction.atomic():
                Unit.objects.filter(pk=units[i].pk).update(sort_order=k)
                audit_record(actor=actor, action="bench.update", obj=units[i])

    if vendor == "sqlite":
        print("concurrency: skipped on SQLite (one writer at a time by design)")
    else:
        t1 = threaded(lambda i: audited_worker(0) if i == 0 else None, 1)
        tn = threaded(audited_worker, THREADS)
        print(f"audited writes, 1 thread: {per / t1:8.0f} writes/s")
        print(
            f"audited writes, {THREADS} threads:{per * THREADS / tn:8.0f} writes/s  (speed-up {per * THREADS / tn / (per / t1):.2f}x)"
        )

        # 4. Gap-free numbering: one (key, day) row per sequence; different keys never wait on each other.
        day = date(2026, 11, 28)

        def numbers(key_of: Callable[[int], str]) -> Callable[[int], None]:
            def worker(i: int) -> None:
                for _ in range(per):
                    with transaction.atomic():
                        document_number(key_of(i), day)

            return worker

        t_same = threaded(numbers(lambda i: "SAME"), THREADS)
        t_diff = threaded(numbers(lambda i: f"K{i}"), THREADS)
        print(f"numbers, same key:        {per * THREADS / t_same:8.0f} numbers/s")
        print(
            f"numbers, own key each:    {per * THREADS / t_diff:8.0f} numbers/s  (ratio {t_same / t_diff:.2f}x)"
        )
        from zhenwu.core.models import NumberSequence

        assert NumberSequence.objects.get(key="SAME", day=day).last_value == per * THREADS

    # 5. Data scope over 1,000 units: visible_to against an unscoped count.
    villages = [
        Unit(code=f"V{i}", name=f"村{i}", kind="village", parent=town, path=f"/B/V{i}/", depth=1)
        for i in range(200)
    ]
    Unit.objects.bulk_create(villages)
    grids = [
        Unit(code=f"V{i}-G{j}", name=f"网格{i}-{j}", kind="grid", path=f"/B/V{i}/V{i}-G{j}/", depth=2)
        for i in range(200)
        for j in range(4)
    ]
    Unit.objects.bulk_create(grids)
    cadre = make_user("bench_cadre")
    Membership.objects.create(
        user=cadre, unit=Unit.objects.get(code="V7"), role=Role.objects.get(code="village_cadre")
    )
    reps = 300
    t_base = timed(lambda: [Unit.objects.filter(path__startswith="/B/V7/").count() for _ in range(reps)])

    def scoped() -> None:
        for _ in range(reps):
            cadre.__dict__.pop("_zhenwu_access", None)
            Unit.objects.visible_to(cadre).count()

    t_scoped = timed(scoped)
    Unit.objects.visible_to(cadre).count()
    t_warm = timed(lambda: [Unit.objects.visible_to(cadre).count() for _ in range(reps)])
    print(f"units in database:        {Unit.objects.count():8d}")
    print(f"same filter by hand:      {reps / t_base:8.0f} queries/s")
    print(
        f"visible_to, grants cached:{reps / t_warm:8.0f} queries/s  (cost ratio {t_warm / t_base:.2f}x; cached per request)"
    )
    print(
        f"visible_to, cold grants:  {reps / t_scoped:8.0f} queries/s  (cost ratio {t_scoped / t_base:.2f}x; first call of a request)"
    )


if __name__ == "__main__":
    main()

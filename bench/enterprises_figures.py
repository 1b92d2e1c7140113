"""Enterprises benchmark: the year page's figures and the 培育库 batch pre-check at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_enterprises /work/main/.venv/bin/python bench/enterprises_figures.py

Defaults: 20,000 enterprises, 8 years of 高企 records (~24,000), 20,000 科小 records, 3,000 in the
培育库 with pre-check figures. Smaller: BENCH_ENTERPRISES=2000 BENCH_POOL=300. Runs in a throw-away
test database (created and dropped here). Each figure is printed with a ratio against a baseline
measured in the same run (one ``COUNT(*)`` over the enterprise table), since the machine's speed drifts.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "20000"))
POOL = int(os.environ.get("BENCH_POOL", "3000"))
REPEAT = 5


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def best(fn: object, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def bench() -> None:
    from zhenwu.enterprises.choices import HighTechStatus
    from zhenwu.enterprises.demo import profile_hightech, uscc_with_check
    from zhenwu.enterprises.models import Enterprise, HighTechRecord, TechSmeRecord
    from zhenwu.enterprises.selectors import run_precheck, year_figures
    from zhenwu.enterprises.services import certificate_expiry
    from zhenwu.testing import _unit

    rng = random.Random(7)
    town = _unit("NT", "牛塘镇", "town")
    villages = [_unit(f"NT-V{i:02d}", f"村{i}", "village", town) for i in range(20)]
    started = time.perf_counter()
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=uscc_with_check(f"91320412{i:09d}"),
                name=f"企业{i}",
                unit=villages[i % 20],
                above_scale=i % 3 == 0,
                is_sample=True,
                hightech_profile=profile_hightech(
                    rng, ready=i % 2 == 0, sales_latest=rng.randint(2000, 30000)
                )
                if i < POOL
                else {},
            )
            for i in range(ENTERPRISES)
        ],
        batch_size=2000,
    )
    ids = list(Enterprise.objects.values_list("pk", flat=True).order_by("pk"))
    records = []
    for n, pk in enumerate(ids[POOL:]):
        first = 2018 + n % 6
        for year in (first, first + 3):
            if year > 2025 or rng.random() < 0.35:
                continue
            issued = date(year, 11, 1 + n % 28)
            records.append(
                HighTechRecord(
                    enterprise_id=pk,
                    year=year,
                    status=HighTechStatus.CERTIFIED,
                    certificate_no=f"GR{year}{pk:08d}",
                    issued_on=issued,
                    expires_on=certificate_expiry(issued),
                )
            )
    records += [HighTechRecord(enterprise_id=pk, year=2026) for pk in ids[:POOL]]
    HighTechRecord.objects.bulk_create(records, batch_size=2000)
    TechSmeRecord.objects.bulk_create(
        [
            TechSmeRecord(
                enterprise_id=pk, year=2022 + n % 4, reg_no=f"R{pk}", registered_on=date(2022 + n % 4, 5, 1)
            )
            for n, pk in enumerate(ids)
        ],
        batch_size=2000,
    )
    print(
        f"loaded {ENTERPRISES} enterprises, {len(records)} 高企 records in {time.perf_counter() - started:.1f} s"
    )

    baseline = best(lambda: Enterprise.objects.count())
    figures = best(lambda: year_figures(2022).as_json())
    pool = list(Enterprise.objects.filter(pk__in=ids[:POOL]))
    precheck = best(lambda: [run_precheck(e, "hightech") for e in pool], repeat=2)
    print(f"baseline COUNT(*) over enterprises: {baseline * 1000:.2f} ms")
    print(f"year_figures(2022) town-wide: {figures * 1000:.1f} ms  (×{figures / baseline:.0f} baseline)")
    print(
        f"batch 高企 pre-check of {POOL} 培育库 enterprises: {precheck * 1000:.0f} ms, "
        f"{precheck / POOL * 1e6:.0f} µs each  (×{precheck / baseline:.0f} baseline)"
    )
    print(f"database: {connection.vendor}")


if __name__ == "__main__":
    main()

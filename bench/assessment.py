"""Assessment benchmark: one monthly close and one bulletin (docx + xlsx) at town scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_assess .venv/bin/python bench/assessment.py

Defaults: 1,000 units, 12 months, 5 items, 40 indicators, 200,000 findings (loaded with COPY).
Smaller runs: BENCH_UNITS=200 BENCH_FINDINGS=40000. Runs in a throw-away test database (created
and dropped here) and prints one line per figure. Goals: close < 2 s, bulletin < 3 s.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

UNITS = int(os.environ.get("BENCH_UNITS", "1000"))
FINDINGS = int(os.environ.get("BENCH_FINDINGS", "200000"))
INDICATORS = 40
MONTHS = 12
YEAR = 2025


def main() -> None:
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; set DATABASE_URL=postgres://... for the figures the issue asks for")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def bench() -> None:
    import tempfile

    from django.conf import settings

    from zhenwu.assessment import services
    from zhenwu.assessment.demo import build_scheme
    from zhenwu.assessment.models import AssessmentMonth, Finding, Indicator
    from zhenwu.core.services import calendar_seed
    from zhenwu.orgs.bootstrap import ensure_builtin_roles
    from zhenwu.orgs.models import Unit
    from zhenwu.testing import _unit, make_user

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="zhenwu-bench-")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_builtin_roles()
    calendar_seed(years=[YEAR, YEAR + 1])
    town = _unit("NT", "牛塘镇", "town")
    dept = _unit("NT-CGB", "城市管理办公室", "department", town, "urban_mgmt")
    admin = make_user("bench_admin", unit=town, role="town_admin")
    leader = make_user("bench_leader", unit=town, role="leader")
    started = time.perf_counter()
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"U{i:04d}",
                name=f"示例村{i:04d}",
                kind="village" if i % 4 else "community",
                parent=town,
                unit_type="township",
                path=f"/NT/U{i:04d}/",
                depth=1,
                is_sample=True,
            )
            for i in range(UNITS)
        ],
        batch_size=1000,
    )
    scheme = build_scheme(actor=admin, year=YEAR)
    scheme.items.update(responsible_unit=dept)
    items = list(scheme.items.all())
    have = Indicator.objects.filter(item__scheme=scheme).count()
    Indicator.objects.bulk_create(
        [
            Indicator(
                item=items[i % len(items)],
                code=f"x{i}",
                name=f"示例细则{i}",
                points_per_finding=Decimal("0.5"),
                max_score=Decimal("10"),
            )
            for i in range(INDICATORS - have)
        ]
    )
    manual = list(
        Indicator.objects.filter(item__scheme=scheme, source="manual", kind="deduction").values_list(
            "pk", flat=True
        )
    )
    months = [
        AssessmentMonth.objects.create(scheme=scheme, month=date(YEAR, m, 1), is_sample=True)
        for m in range(1, MONTHS + 1)
    ]
    unit_ids = list(Unit.objects.filter(kind__in=["village", "community"]).values_list("pk", flat=True))
    print(
        f"setup: {UNITS} units, {len(items)} items, {Indicator.objects.filter(item__scheme=scheme).count()} indicators, "
        f"{MONTHS} months in {time.perf_counter() - started:.2f} s"
    )

    rng = random.Random(1)
    now = timezone.now()
    started = time.perf_counter()
    columns = (
        "number, month_id, unit_id, indicator_id, count, points, found_on, place, note, status, "
        "objection_deadline, rectification, rectify_deadline, rectify_note, is_sample, created_at, updated_at"
    )
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY assessment_finding ({columns}) FROM STDIN") as copy,
    ):
        for n in range(FINDINGS):
            month = months[n % MONTHS]
            day = month.month + timedelta(days=rng.randrange(0, 28))
            count = rng.choice((1, 1, 1, 2, 3))
            copy.write_row(
                (
                    f"B-{n:07d}",
                    month.pk,
                    rng.choice(unit_ids),
                    rng.choice(manual),
                    count,
                    count,
                    day,
                    "示例地点",
                    "",
                    "active",
                    day + timedelta(days=5),
                    "verified",
                    day + timedelta(days=7),
                    "",
                    True,
                    now,
                    now,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessment_finding")
    print(f"load: {FINDINGS} findings with COPY in {time.perf_counter() - started:.2f} s")

    close_times = []
    for month in months:
        t0 = time.perf_counter()
        services.month_close(actor=leader, month=month, today=month.month + timedelta(days=35))
        close_times.append(time.perf_counter() - t0)
    last = months[-1]
    per_month = Finding.objects.filter(month=last).count()
    print(
        f"monthly close ({UNITS} units, {per_month} findings in the month): last month {close_times[-1]:.2f} s, "
        f"median of {MONTHS} {sorted(close_times)[MONTHS // 2]:.2f} s (goal < 2 s)"
    )
    last.refresh_from_db()
    import zhenwu.assessment.bulletin  # noqa: F401  (a server process has python-docx and openpyxl loaded)

    t0 = time.perf_counter()
    bulletin = services.bulletin_generate(actor=admin, month=last)
    elapsed = time.perf_counter() - t0
    print(
        f"bulletin docx + xlsx ({bulletin.docx.size // 1024} KB + {bulletin.xlsx.size // 1024} KB, "
        f"{per_month} detail rows): {elapsed:.2f} s (goal < 3 s)"
    )


if __name__ == "__main__":
    main()

"""Cost of the computed Open311 changeset (issue 16, item 2) per discovery call, against baselines
from the same run.

    PYTHONPATH=src ZHENWU_VAR_DIR=$PWD/var .venv/bin/python bench/workorders_open311_changeset.py
    (or with DATABASE_URL=postgres://… for PostgreSQL; the database must be migrated, with demo data)

1. `changeset()` as it is now (read the public categories, digest services + definitions +
   endpoint settings, read the one stored row) against `public_services()` alone (what a
   services.json request reads anyway) and one `SELECT 1` round trip. The constant it replaced
   cost nothing and was wrong.
2. The whole `GET discovery.json` through the Django test client against `GET services.json`.
Prints ms per call and ratios.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from zhenwu.workorders.open311 import changeset, public_services  # noqa: E402

N = int(os.environ.get("BENCH_N", "500"))


def per_call_ms(fn: Callable[[], Any], n: int = N) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1000


def select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def main() -> None:
    services = len(public_services())
    print(f"database: {connection.vendor}; {services} public services; {N} calls each")
    base = per_call_ms(select_one)
    listing = per_call_ms(public_services)
    computed = per_call_ms(changeset)
    print(f"SELECT 1 round trip                 : {base:7.3f} ms/call")
    print(f"public_services() (services.json)   : {listing:7.3f} ms/call")
    print(
        f"changeset() (now)                   : {computed:7.3f} ms/call   "
        f"({computed / listing:.1f}x public_services, {computed / base:.1f}x a round trip)"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    svc = per_call_ms(lambda: client.get("/open311/v2/services.json"), max(N // 5, 20))
    disc = per_call_ms(lambda: client.get("/open311/v2/discovery.json"), max(N // 5, 20))
    print(f"GET services.json                   : {svc:7.3f} ms/request")
    print(f"GET discovery.json                  : {disc:7.3f} ms/request   ({disc / svc:.2f}x services.json)")


if __name__ == "__main__":
    main()

"""Cost of the Open311 key checks of issue 9, item 8, per POST, against baselines from the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenwu_bench .venv/bin/python bench/workorders_open311_keys.py

1. `app_for_key` as it is now (the row read on every call, exact constant-time compare) against
   the per-process 10-second cache it replaced (which kept a disabled key alive in other workers).
2. The per-application rate counter (`core.ratelimit.hit`, one upsert) against one plain
   `SELECT 1` round trip.
The database must be migrated (bench/workorders.py builds one). Prints ms per call and ratios.
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

from zhenwu.core import crypto  # noqa: E402
from zhenwu.core.ratelimit import hit  # noqa: E402
from zhenwu.workorders.models import Open311App  # noqa: E402
from zhenwu.workorders.open311 import app_for_key  # noqa: E402

KEY = "bench-open311-keys-check-0123456789"
N = int(os.environ.get("BENCH_N", "2000"))


def per_call_ms(fn: Callable[[], Any], n: int = N) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1000


_old_cache: dict[str, tuple[float, Any]] = {}


def old_cached_lookup(key: str) -> Any:
    """What app_for_key did before: index lookup, cached per process for 10 s, no exact compare."""
    index = crypto.blind_index(key.strip(), kind="open311_key")
    now = time.monotonic()
    found = _old_cache.get(index)
    if found is not None and now - found[0] < 10.0:
        return found[1]
    app = Open311App.objects.filter(api_key_index=index, is_active=True).first()
    _old_cache[index] = (now, app)
    return app


def select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def main() -> None:
    app = Open311App.objects.filter(name="基准测试·密钥检查").first() or Open311App.objects.create(
        name="基准测试·密钥检查", api_key=KEY, is_sample=True
    )
    assert app_for_key(KEY) == app and app_for_key(KEY.upper()) is None
    print(f"database: {connection.vendor}; {N} calls each")
    old = per_call_ms(lambda: old_cached_lookup(KEY))
    new = per_call_ms(lambda: app_for_key(KEY))
    print(f"key check, old per-process cache : {old:6.3f} ms/call")
    print(f"key check, read every call (now) : {new:6.3f} ms/call   (+{new - old:.3f} ms per POST)")
    base = per_call_ms(select_one)
    counter = per_call_ms(lambda: hit(f"bench:open311:{app.pk}", limit=10**9, period=60))
    print(f"SELECT 1 round trip              : {base:6.3f} ms/call")
    print(f"rate counter hit (upsert)        : {counter:6.3f} ms/call   ({counter / base:.1f}x a round trip)")


if __name__ == "__main__":
    main()

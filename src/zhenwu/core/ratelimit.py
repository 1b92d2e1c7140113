"""Fixed-window rate limits (issue 9, item 5; issue 15).

Public forms (H5 submission, query-code tracking, hotline questions) and Open311 applications
count here, in a store every worker shares: Redis when it answers (one INCR and EXPIRE in one round
trip on the process's persistent client), the database otherwise. A Redis outage therefore neither
opens a limit nor fails the request: counting moves to the database table (a window that straddles
the switch starts its count again there, so at most one window may admit up to twice the limit).
"""

from __future__ import annotations

import random
import time

from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest

from zhenwu.core.cache import ResilientRedisCache
from zhenwu.core.models import RateCounter

HOUR = 3600
KEEP = 2 * 24 * HOUR  # no limit has a longer window
CLEANUP_CHANCE = 0.01
# One statement on PostgreSQL and SQLite (≥ 3.35); the table is core.RateCounter's.
UPSERT = (
    'INSERT INTO "core_ratecounter" ("key", "window", "count") VALUES (%s, %s, 1) '
    'ON CONFLICT ("key", "window") DO UPDATE SET "count" = "core_ratecounter"."count" + 1 '
    'RETURNING "count"'
)


def client_ip(request: HttpRequest) -> str:
    from zhenwu.core.context import current_request

    ctx = current_request.get()
    return ctx.ip or request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, period: int = HOUR) -> tuple[bool, int]:
    """Count one more event for `key`; (over the limit?, seconds until the window ends)."""
    now = int(time.time())
    window = now - now % period
    count = _redis_count(key, window, period)
    if count is None:
        count = _database_count(key, window, now)
    return count > limit, window + period - now


def _redis_count(key: str, window: int, period: int) -> int | None:
    """The count after this event in Redis, or None without a (working) Redis cache."""
    cache = caches["default"]
    if not isinstance(cache, ResilientRedisCache):
        return None
    return cache.count_in_window(f"rl:{key[:200]}:{window}", period)


def _database_count(key: str, window: int, now: int) -> int:
    """One upsert statement. On PostgreSQL the commit does not wait for the WAL flush
    (synchronous_commit off for this transaction only, and only when it is not part of a caller's
    transaction): a counter lost in a crash is harmless, and the request does not pay a second
    disk flush."""
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if own_transaction and connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(UPSERT, [key[:200], window])
        count = int(cursor.fetchone()[0])
    if random.random() < CLEANUP_CHANCE:
        RateCounter.objects.filter(window__lt=now - KEEP).delete()  # finished windows
    return count


def over_limit(kind: str, request: HttpRequest, limit: int) -> bool:
    """Count one more public submission of this kind from this address; True once over the hourly limit."""
    return hit(f"ip:{kind}:{client_ip(request)}", limit=limit)[0]

"""Fixed-window rate limits counted in the database (issue 9, item 5).

Public forms (H5 submission, query-code tracking, hotline questions) and Open311 applications
count here. The database is the shared store every worker already depends on, so a limit holds
across workers and a Redis outage neither opens it nor fails the request.
"""

from __future__ import annotations

import random
import time

from django.db import connection, transaction
from django.http import HttpRequest

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
    """Count one more event for `key`; (over the limit?, seconds until the window ends).

    One upsert statement. On PostgreSQL the commit does not wait for the WAL flush
    (synchronous_commit off for this transaction only, and only when it is not part of a caller's
    transaction): a counter lost in a crash is harmless, and the request does not pay a second
    disk flush."""
    now = int(time.time())
    window = now - now % period
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if own_transaction and connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(UPSERT, [key[:200], window])
        count = int(cursor.fetchone()[0])
    if random.random() < CLEANUP_CHANCE:
        RateCounter.objects.filter(window__lt=now - KEEP).delete()  # finished windows
    return count > limit, window + period - now


def over_limit(kind: str, request: HttpRequest, limit: int) -> bool:
    """Count one more public submission of this kind from this address; True once over the hourly limit."""
    return hit(f"ip:{kind}:{client_ip(request)}", limit=limit)[0]

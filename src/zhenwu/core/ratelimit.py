"""Fixed-window rate limits counted in the database (issue 9, item 5).

Public forms (H5 submission, query-code tracking, hotline questions) and Open311 applications
count here. The database is the shared store every worker already depends on, so a limit holds
across workers and a Redis outage neither opens it nor fails the request.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from zhenwu.core.models import RateCounter

HOUR = 3600
KEEP = 2 * 24 * HOUR  # no limit has a longer window


def client_ip(request: HttpRequest) -> str:
    from zhenwu.audit.context import current_request

    ctx = current_request.get()
    return ctx.ip or request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, period: int = HOUR) -> tuple[bool, int]:
    """Count one more event for `key`; (over the limit?, seconds until the window ends)."""
    now = int(time.time())
    window = now - now % period
    key = key[:200]
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another worker created it first
                RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
            RateCounter.objects.filter(window__lt=now - KEEP).delete()  # finished windows
        count = (
            RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
        )
    return count > limit, window + period - now


def over_limit(kind: str, request: HttpRequest, limit: int) -> bool:
    """Count one more public submission of this kind from this address; True once over the hourly limit."""
    return hit(f"ip:{kind}:{client_ip(request)}", limit=limit)[0]

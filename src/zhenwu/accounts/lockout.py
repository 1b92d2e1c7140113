"""Login lockout on top of django-axes: per account and address (axes), plus a per-address limit.

axes locks one account at one address after ``AXES_FAILURE_LIMIT`` failures (等保: 5 → 30 minutes),
so nobody can lock a colleague's account from another address. An address that fails across many
accounts (password spraying) is held by ``ZHENWU_LOGIN_FAILURES_PER_ADDRESS`` failures in the same
cool-off, set wider because a town hall's staff often share one outgoing address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone


def cool_off() -> timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, timedelta) else timedelta(hours=float(value))


def client_address(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    return str(get_client_ip_address(request) or "")


def _window() -> Any:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())


def address_failures(ip: str) -> int:
    if not ip:
        return 0
    return int(_window().filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"] or 0)


def address_locked(ip: str) -> bool:
    return address_failures(ip) >= settings.ZHENWU_LOGIN_FAILURES_PER_ADDRESS


def locked_pairs() -> list[dict[str, Any]]:
    """(account, address) pairs at or over the axes limit, latest first."""
    limit = int(settings.AXES_FAILURE_LIMIT)
    return list(
        _window()
        .exclude(username__isnull=True)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
        .order_by("-last")
    )


def locked_addresses() -> list[dict[str, Any]]:
    """Addresses over the per-address limit, with how many accounts they tried."""
    from django.db.models import Count

    return list(
        _window()
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"), accounts=Count("username"))
        .filter(failures__gte=settings.ZHENWU_LOGIN_FAILURES_PER_ADDRESS)
        .order_by("-last")
    )

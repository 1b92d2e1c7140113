from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from zhenwu.workorders.choices import CLOSED_STATES, Status

register = template.Library()

BADGES = {
    Status.NEW: "bg-orange-lt",
    Status.ACCEPTED: "bg-orange-lt",
    Status.DISPATCHED: "bg-blue-lt",
    Status.RETURNED: "bg-red-lt",
    Status.HANDLING: "bg-azure-lt",
    Status.EXTENSION: "bg-purple-lt",
    Status.REPLIED: "bg-teal-lt",
    Status.CLOSED: "bg-green-lt",
}


@register.inclusion_tag("workorders/_status.html")
def status_badge(order: Any) -> dict[str, Any]:
    return {"order": order, "css": BADGES.get(order.status, "bg-secondary-lt")}


@register.inclusion_tag("workorders/_deadline.html")
def deadline(order: Any, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    state = ""
    if order.deadline and order.status not in CLOSED_STATES and order.status != Status.REPLIED:
        if order.deadline < now:
            state = "overdue"
        elif order.warn_at and order.warn_at <= now:
            state = "soon"
    return {"order": order, "state": state}


@register.inclusion_tag("workorders/_sign_deadline.html")
def sign_deadline(order: Any, now: datetime | None = None) -> dict[str, Any]:
    """The 签收时限 of an order waiting to be signed, red once passed."""
    now = now or timezone.now()
    late = bool(order.sign_deadline and order.status == Status.DISPATCHED and order.sign_deadline < now)
    return {"order": order, "late": late}

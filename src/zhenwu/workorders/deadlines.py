"""Open work orders' deadlines after a calendar change (the core ``deadlines`` hook).

A deadline computed on a provisional year (暂定) is recomputed when the official schedule
arrives: the working hours it stood for after ``since`` are counted on the old calendar and laid
out again on the new one. A deadline already given to a citizen never moves earlier; each move
is written to the order's timeline and the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from zhenwu.audit.services import audit_record
from zhenwu.core.workcalendar import WorkCalendar
from zhenwu.workorders.choices import OPEN_STATES, Action
from zhenwu.workorders.models import WorkOrder


def _moved(old: WorkCalendar, new: WorkCalendar, since: datetime, value: datetime | None) -> datetime | None:
    if value is None or value < since:
        return value
    hours = old.working_hours_between(since, value)
    candidate = new.add_working_hours(since, hours)
    return max(candidate, value)  # never earlier than what was announced


def recompute(*, actor: Any, old: WorkCalendar, new: WorkCalendar, since: datetime) -> int:
    from zhenwu.workorders.services import _event, _warn_before

    moved = 0
    orders = WorkOrder.objects.filter(status__in=list(OPEN_STATES), deadline__gte=since).select_for_update()
    for order in orders:
        before = {"deadline": order.deadline, "sign_deadline": order.sign_deadline}
        order.deadline = _moved(old, new, since, order.deadline)
        order.sign_deadline = _moved(old, new, since, order.sign_deadline)
        if order.deadline == before["deadline"] and order.sign_deadline == before["sign_deadline"]:
            continue
        assert order.deadline is not None
        order.warn_at = _warn_before(order.deadline)
        order.save(update_fields=["deadline", "sign_deadline", "warn_at", "updated_at"])
        old_text = (
            timezone.localtime(before["deadline"]).strftime("%Y-%m-%d %H:%M") if before["deadline"] else ""
        )
        new_text = timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M")
        note = f"节假日安排更新，办结时限由 {old_text} 调整为 {new_text}。"
        _event(
            order,
            actor=actor,
            action=Action.RECALC,
            from_status=order.status,
            note=note,
            data={"deadline_before": old_text, "deadline_after": new_text},
        )
        audit_record(
            actor=actor,
            action="workorder.deadline_recalc",
            obj=order,
            before={k: v.isoformat() if v else None for k, v in before.items()},
            after={
                "deadline": order.deadline.isoformat(),
                "sign_deadline": order.sign_deadline.isoformat() if order.sign_deadline else None,
            },
            message=note,
        )
        moved += 1
    return moved

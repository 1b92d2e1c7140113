from __future__ import annotations

from celery import shared_task


@shared_task(name="zhenwu.workorders.tasks.sla_scan")
def sla_scan() -> dict[str, int]:
    """Every few minutes: automatic 督办 for overdue orders, 催办 for orders in their last working day."""
    from zhenwu.workorders.services import sla_scan as scan

    report = scan()
    return {"supervised": report.supervised, "reminded": report.reminded}

from __future__ import annotations

from celery import shared_task


@shared_task(name="zhenwu.core.tasks.deliver_notification", ignore_result=True)
def deliver_notification(pk: int) -> str:
    from zhenwu.core.notify import deliver

    return deliver(pk)


@shared_task(name="zhenwu.core.tasks.retry_notifications", ignore_result=True)
def retry_notifications() -> int:
    from zhenwu.core.notify import retry_pending

    return retry_pending()


@shared_task(name="zhenwu.core.tasks.check_next_calendar_year", ignore_result=True)
def check_next_calendar_year() -> int:
    """Daily: from 1 October, record that next year's official holidays are still missing."""
    import logging

    from zhenwu.core.actors import SYSTEM
    from zhenwu.core.parts import record_audit as audit_record
    from zhenwu.core.selectors import next_year_missing

    missing = next_year_missing()
    if not missing:
        return 0
    message = f"{missing} 年的节假日安排尚未录入，相关办理时限按法定节假日暂算（暂定）。"
    logging.getLogger("zhenwu.calendar").warning(message)
    audit_record(
        actor=SYSTEM, action="calendar.next_year_missing", object_type="core.calendaryear", message=message
    )
    return missing

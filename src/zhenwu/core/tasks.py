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

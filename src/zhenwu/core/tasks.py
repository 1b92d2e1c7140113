from __future__ import annotations

from celery import shared_task


@shared_task(name="zhenwu.core.tasks.deliver_notification", autoretry_for=(), ignore_result=True)
def deliver_notification(pk: int) -> str:
    from zhenwu.core.notify import deliver

    return deliver(pk)

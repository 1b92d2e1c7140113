from celery import shared_task

from zhenwu.hotline.services import reminders_dispatch, reminders_queue


@shared_task(name="zhenwu.hotline.tasks.send_on_air_reminders")
def send_on_air_reminders() -> int:
    """Queue reminders for slots within the plan's N working days, then relay the outbox."""
    reminders_queue()
    return reminders_dispatch()

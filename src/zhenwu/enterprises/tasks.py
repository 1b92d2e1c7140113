from celery import shared_task

from zhenwu.enterprises.services import hightech_expiry_reminders


@shared_task(name="zhenwu.enterprises.tasks.send_hightech_expiry_reminders")
def send_hightech_expiry_reminders() -> int:
    """Daily: remind the enterprise's village of a 高企 certificate expiring within 90 days."""
    return hightech_expiry_reminders()

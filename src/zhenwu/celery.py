"""Celery app: with REDIS_URL set, timers (audit sealing, SLA checks, reminders) run in workers and beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

app = Celery("zhenwu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _merge_part_schedules(sender: Celery, **kwargs: object) -> None:
    """Each part's ``beat.SCHEDULE`` joins the schedule from settings."""
    from zhenwu.core.parts import part_modules

    for module in part_modules("beat"):
        sender.conf.beat_schedule.update(module.SCHEDULE)

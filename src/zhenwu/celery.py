"""Celery app: with REDIS_URL set, timers (audit sealing, SLA checks, reminders) run in workers and beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

app = Celery("zhenwu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

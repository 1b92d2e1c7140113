"""Periodic work of 小牛办: keep the 蓝皮书 PDF built for the current catalogue, so nobody waits for it."""

from celery.schedules import crontab

SCHEDULE = {
    "govservices-refresh-bluebook": {
        "task": "zhenwu.govservices.tasks.refresh_bluebook",
        "schedule": crontab(minute="*/10"),
    },
}

from celery.schedules import crontab

SCHEDULE = {
    "campaigns-late-report-reminders": {
        "task": "zhenwu.campaigns.tasks.remind_late_reports",
        "schedule": crontab(hour=8, minute=30),
    },
    "campaigns-target-snapshots": {
        "task": "zhenwu.campaigns.tasks.freeze_target_snapshots",
        "schedule": crontab(hour=0, minute=20),
    },
}

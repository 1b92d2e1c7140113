from celery.schedules import crontab

SCHEDULE = {
    "hotline-on-air-reminders": {
        "task": "zhenwu.hotline.tasks.send_on_air_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

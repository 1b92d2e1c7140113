from celery.schedules import crontab

SCHEDULE = {
    "enterprises-hightech-expiry-reminders": {
        "task": "zhenwu.enterprises.tasks.send_hightech_expiry_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
}

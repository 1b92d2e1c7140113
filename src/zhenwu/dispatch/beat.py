from celery.schedules import crontab

SCHEDULE = {
    "dispatch-train-classifier": {
        "task": "zhenwu.dispatch.tasks.train_dispatch_classifier",
        "schedule": crontab(hour=2, minute=30),
    },
}

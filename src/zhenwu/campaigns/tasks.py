from celery import shared_task

from zhenwu.campaigns import services


@shared_task(name="zhenwu.campaigns.tasks.remind_late_reports")
def remind_late_reports() -> int:
    """Remind the lead unit of every active campaign whose progress report is overdue for its cycle."""
    return services.remind_late_reports()


@shared_task(name="zhenwu.campaigns.tasks.freeze_target_snapshots")
def freeze_target_snapshots() -> int:
    """Freeze each annual target's actual at the quarter ends that have passed."""
    return services.snapshots_freeze()

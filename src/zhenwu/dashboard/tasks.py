from celery import shared_task

from zhenwu.dashboard import rollups


@shared_task(name="zhenwu.dashboard.tasks.refresh_rollups")
def refresh_rollups() -> dict[str, int]:
    """Every two minutes: the 驾驶舱's rollups for what changed since the last run."""
    return rollups.refresh()


@shared_task(name="zhenwu.dashboard.tasks.rebuild_rollups")
def rebuild_rollups() -> dict[str, int]:
    """Nightly: rebuild every rollup from scratch (catches anything an incremental run could miss)."""
    return rollups.refresh_all()

from celery import shared_task


@shared_task(name="zhenwu.govservices.tasks.refresh_bluebook")
def refresh_bluebook() -> str:
    """Build the 蓝皮书 for the current catalogue if it is not built yet (cheap when nothing changed)."""
    from zhenwu.govservices.documents import bluebook_path

    return str(bluebook_path())

"""zhenwu 镇务 — the digital governance platform of a Chinese town."""

from zhenwu.celery import app as celery_app

__all__ = ["celery_app"]

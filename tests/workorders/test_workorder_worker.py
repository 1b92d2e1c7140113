"""One real round trip through Redis and a Celery worker: the SLA scan and notification delivery.

In CI (CI=true) Redis must be there; on a developer machine without Redis the test is skipped.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

REDIS = os.environ.get("ZHENWU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_sla_scan_and_the_outbox_run_in_a_real_worker(cats: dict[str, Any], cast: Any) -> None:
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS}; CI must run this test through a real worker.")
        pytest.skip("Redis not reachable")
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    from zhenwu.core.models import Notification
    from zhenwu.workorders.choices import Action, Channel
    from zhenwu.workorders.models import WorkOrder
    from zhenwu.workorders.services import workorder_create, workorder_transition

    order = workorder_create(
        actor=cast.operator, channel=Channel.PHONE, category=cats["light"], description="路灯不亮"
    )
    order = workorder_transition(actor=cast.operator, order=order, action=Action.DISPATCH, unit=cast.yahe)
    WorkOrder.objects.filter(pk=order.pk).update(deadline=timezone.now() - timedelta(hours=1))

    # A separate app bound to Redis from the start: the project app stays eager for the other tests.
    worker_app = Celery("zhenwu-worker-test", broker=REDIS, set_as_current=False)
    worker_app.conf.update(
        task_always_eager=False, broker_connection_retry_on_startup=False, task_default_queue="zhenwu-test"
    )
    from zhenwu.core import tasks as core_tasks
    from zhenwu.workorders import tasks as workorder_tasks

    for task in (workorder_tasks.sla_scan, core_tasks.deliver_notification):
        worker_app.task(name=task.name)(task.run)
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert worker_app.connection_for_write().as_uri().startswith("redis://")
        worker_app.send_task("zhenwu.workorders.tasks.sla_scan")
        # The worker (fed through Redis) supervises the overdue order; the 督办 notification it writes
        # is delivered on commit (inline here: the project app stays eager for the other tests).
        deadline = time.monotonic() + 30
        n = None
        while time.monotonic() < deadline:
            n = Notification.objects.filter(subject__startswith="督办").first()
            if n is not None and n.status == Notification.Status.SENT:
                break
            time.sleep(0.2)
        assert n is not None and n.status == Notification.Status.SENT and n.backend == "inbox"
    assert WorkOrder.objects.get(pk=order.pk).supervised_at is not None

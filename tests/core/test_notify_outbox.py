"""The notification outbox: delivered once, failures recorded and retried, never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhenwu.core.models import Notification
from zhenwu.core.notify import MAX_ATTEMPTS, deliver, notify, retry_pending

pytestmark = pytest.mark.django_db


class Flaky:
    name = "flaky"
    calls = 0

    def send(self, notification: Notification) -> None:
        Flaky.calls += 1
        if Flaky.calls == 1:
            raise ConnectionError("网关超时")


def test_a_failed_send_is_recorded_and_the_sweep_retries_it(settings: Any) -> None:
    settings.ZHENWU_NOTIFY_BACKENDS = {"default": "tests_notify_flaky.Flaky"}
    import sys
    import types

    module = types.ModuleType("tests_notify_flaky")
    module.Flaky = Flaky  # type: ignore[attr-defined]
    sys.modules["tests_notify_flaky"] = module
    Flaky.calls = 0
    n = notify(channel="sms", phone="13912345678", subject="测试", body="内容")
    assert deliver(n.pk) == Notification.Status.FAILED
    n.refresh_from_db()
    assert n.error == "网关超时" and n.attempts == 1
    Notification.objects.filter(pk=n.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert retry_pending() == 1
    n.refresh_from_db()
    assert n.status == Notification.Status.SENT and n.attempts == 2
    assert deliver(n.pk) == "skipped"  # sent once, never again
    assert Flaky.calls == 2


def test_it_gives_up_after_the_maximum_attempts() -> None:
    n = notify(channel="inbox", subject="测试", body="内容")
    Notification.objects.filter(pk=n.pk).update(status=Notification.Status.FAILED, attempts=MAX_ATTEMPTS)
    assert deliver(n.pk) == "skipped"

"""Issue 9, item 5: Redis down (cache, rate limiter and Celery broker all pointing at a closed port).

A request whose write committed never fails: the H5 form stores the order once and answers
normally (the limiter counts in the database), Open311 POST and staff intake answer success with
the notification left in the outbox for the sweep, the inbox and workbench render without a cache,
and /healthz reports Redis as degraded. Transactional tests, so on_commit side effects really run.
"""

from __future__ import annotations

import runpy
import socket
from typing import Any

import pytest
from django.urls import reverse

import zhenwu.settings as zhenwu_settings
from zhenwu.core.actors import SYSTEM
from zhenwu.core.models import Notification
from zhenwu.testing import login
from zhenwu.workorders.models import Open311App, WorkOrder

KEY = "test-open311-key-aaaaaaaaaaaaaaaa"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nobody listens there


@pytest.fixture
def redis_down(settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The settings a deployment gets with REDIS_URL set, pointing at a closed port."""
    from zhenwu.celery import app as celery_app
    from zhenwu.core import notify
    from zhenwu.core.cache import ResilientRedisCache

    url = f"redis://127.0.0.1:{closed_port()}/0"
    monkeypatch.setenv("REDIS_URL", url)
    production = runpy.run_path(zhenwu_settings.__file__)
    settings.REDIS_URL = url
    settings.CACHES = production["CACHES"]  # django.test.signals resets the cache handlers
    for name, value in production.items():
        if name.startswith("CELERY_"):
            monkeypatch.setitem(celery_app.conf, name.removeprefix("CELERY_").lower(), value)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr(celery_app, "_pool", None)
    assert not celery_app.conf.task_always_eager
    # the back-offs after a failure must not leak into the next test
    monkeypatch.setattr(notify, "_broker_down_until", 0.0)
    monkeypatch.setattr(ResilientRedisCache, "_down_until", 0.0)
    return url


@pytest.fixture
def categories(transactional_db: Any) -> Any:
    from zhenwu.workorders.services import category_save

    municipal = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    return category_save(
        actor=SYSTEM, code="municipal.streetlight", name="路灯/市政设施", parent=municipal, time_limit_days=3
    )


def h5_data(category: Any, token: str) -> dict[str, Any]:
    return {
        "category": category.pk,
        "description": "丫河村村口路灯不亮三天了",
        "address": "丫河村村口",
        "reporter_name": "王女士",
        "reporter_phone": "13912345678",
        "client_token": token,
    }


@pytest.mark.django_db(transaction=True)
def test_h5_form_stores_the_order_once_and_answers_normally(
    client: Any, cast: Any, categories: Any, redis_down: str
) -> None:
    response = client.post(reverse("workorders:h5_submit"), h5_data(categories, "tok-redis-1"))
    assert response.status_code == 302, response.content.decode()[:300]
    assert WorkOrder.objects.count() == 1
    sms = Notification.objects.get(channel="sms")
    assert sms.status == Notification.Status.PENDING  # waits in the outbox for the sweep
    again = client.post(reverse("workorders:h5_submit"), h5_data(categories, "tok-redis-1"), follow=True)
    assert again.status_code == 200
    assert WorkOrder.objects.count() == 1  # the retry is recognised, not duplicated


@pytest.mark.django_db(transaction=True)
def test_the_h5_limit_still_holds_without_redis(
    client: Any, cast: Any, categories: Any, redis_down: str, settings: Any
) -> None:
    settings.ZHENWU_PUBLIC_SUBMIT_PER_HOUR = 2
    for n in range(3):
        response = client.post(reverse("workorders:h5_submit"), h5_data(categories, f"tok-limit-{n}"))
    assert response.status_code == 200
    assert "提交过于频繁" in response.content.decode()
    assert WorkOrder.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_open311_post_answers_success_once_committed(
    client: Any, cast: Any, categories: Any, redis_down: str
) -> None:
    Open311App.objects.create(name="随手拍", api_key=KEY)
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": KEY,
            "service_code": "municipal.streetlight",
            "lat": "31.7321",
            "long": "119.8902",
            "description": "丫河村村口路灯不亮，晚上很黑。",
            "phone": "13912345678",
        },
    )
    assert response.status_code == 200, response.content.decode()[:300]
    assert WorkOrder.objects.count() == 1
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_staff_intake_answers_success_once_committed(
    client: Any, cast: Any, categories: Any, redis_down: str
) -> None:
    c = login(client, cast.operator)
    data = {
        "channel": "phone",
        "category": categories.pk,
        "description": "村口路灯不亮",
        "urgency": "normal",
        "reporter_phone": "13912345678",
        "client_token": "intake-redis-1",
    }
    response = c.post(reverse("workorders:intake"), data)
    assert response.status_code == 302, response.content.decode()[:300]
    assert WorkOrder.objects.count() == 1
    assert Notification.objects.filter(channel="sms", status=Notification.Status.PENDING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_inbox_and_workbench_render_without_the_cache(client: Any, cast: Any, redis_down: str) -> None:
    c = login(client, cast.operator)
    assert c.get(reverse("workorders:inbox")).status_code == 200
    assert c.get("/workbench/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_redis_degraded(client: Any, redis_down: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-check="redis" data-status="degraded"' in html and "Redis：降级" in html


@pytest.mark.django_db
def test_healthz_fails_when_the_static_manifest_is_broken(client: Any, settings: Any, tmp_path: Any) -> None:
    """/healthz renders a template with a static asset, so a manifest missing a file is a 503 there
    too, not a 200 while every page is a 500 (issue 9, item 6)."""
    settings.STATIC_ROOT = tmp_path  # no manifest written here
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "error" in response.content.decode()

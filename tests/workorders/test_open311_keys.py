"""Issue 9, item 8: Open311 keys. A key disabled by another worker stops at once; keys compare
exactly; the key never reaches a log; each application is rate limited with 429 + Retry-After in
Open311's own error format; a database outage is a 503 in that format, not an HTML 500."""

from __future__ import annotations

import json
import logging
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from zhenwu.workorders.models import Open311App, WorkOrder

from .test_open311_api import KEY, assert_error, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(db: Any) -> Open311App:
    return Open311App.objects.create(name="随手拍", api_key=KEY)


def test_a_key_disabled_by_another_worker_is_refused_at_once(client: Client, cats: Any, app: Any) -> None:
    assert post(client).status_code == 200  # this process has now looked the key up
    # Another worker disables it: this process is not told (no forget_hot here).
    Open311App.objects.filter(pk=app.pk).update(is_active=False)
    assert_error(post(client), 403, contains="api_key")
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize("variant", [KEY.upper(), f" {KEY} ", f"{KEY}\n", KEY[:-1], KEY.replace("-", "－")])
def test_only_the_exact_key_is_accepted(client: Client, cats: Any, app: Any, variant: str) -> None:
    assert_error(post(client, api_key=variant), 403, contains="api_key")
    assert WorkOrder.objects.count() == 0
    assert post(client, api_key=KEY).status_code == 200


def test_a_lower_case_variant_of_an_upper_case_key_is_refused(client: Client, cats: Any) -> None:
    Open311App.objects.create(name="大写", api_key="ABCDEF0123456789ABCDEF0123456789")
    assert_error(post(client, api_key="abcdef0123456789abcdef0123456789"), 403)
    assert post(client, api_key="ABCDEF0123456789ABCDEF0123456789").status_code == 200


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.mark.parametrize("logger_name", ["django.server", "gunicorn.access", "django.request"])
def test_the_key_never_reaches_a_log(logger_name: str) -> None:
    """The records runserver (positional args), gunicorn (a dict of atoms) and Django write."""
    logger, handler = logging.getLogger(logger_name), Lines()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        line = f"POST /open311/v2/requests.json?service_code=x&api_key={KEY}&lat=1 HTTP/1.1"
        logger.info('"%s" %s %s', line, "200", "12")
        logger.info('%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": line, "s": "200", "q": f"api_key={KEY}"})
        logger.warning(f"Forbidden: {line}")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    text = "\n".join(handler.lines)
    assert len(handler.lines) == 3 and KEY not in text
    assert text.count("api_key=[已隐藏]") == 3 and "lat=1" in text


def test_each_application_is_rate_limited_with_429_and_retry_after(
    client: Client, cats: Any, app: Any, settings: Any
) -> None:
    settings.ZHENWU_OPEN311_POSTS_PER_MINUTE = 3
    other = Open311App.objects.create(name="另一个应用", api_key="other-open311-key-bbbbbbbbbbbbbbbb")
    for _ in range(3):
        assert post(client).status_code == 200
    for fmt in ("json", "xml"):
        response = post(client, fmt)
        assert_error(response, 429, fmt, contains="频繁")
        assert 0 < int(response["Retry-After"]) <= 60
    assert WorkOrder.objects.count() == 3
    assert post(client, api_key=other.api_key).status_code == 200  # the limit is per application
    app.posts_per_minute = 10  # configurable per application (refused attempts count too)
    app.save()
    assert post(client).status_code == 200


def test_a_database_outage_is_an_open311_error_not_an_html_500(client: Client, cats: Any, app: Any) -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("connection refused")
    ):
        for fmt in ("json", "xml"):
            response = post(client, fmt)
            assert_error(response, 503, fmt, contains="稍后")
        response = client.get("/open311/v2/requests.json")
    body = json.loads(response.content)
    assert response.status_code == 503 and body[0]["code"] == 503


def test_staff_set_an_applications_limit_on_the_apps_page(cast: Any, app: Any) -> None:
    from zhenwu.audit.models import AuditEvent
    from zhenwu.testing import login

    c = login(Client(), cast.town_admin)
    page = f"/workorders/open311/apps/{app.pk}/limit/"
    assert c.post(page, {"posts_per_minute": "5"}).status_code == 302
    app.refresh_from_db()
    assert app.posts_per_minute == 5
    assert AuditEvent.objects.filter(action="workorders.open311_app_limit").exists()
    html = c.post(page, {"posts_per_minute": "abc"}, follow=True).content.decode()
    assert "应为整数" in html
    c.post(page, {"posts_per_minute": ""})
    app.refresh_from_db()
    assert app.posts_per_minute is None
    assert login(Client(), cast.yahe_cadre).post(page, {"posts_per_minute": "1"}).status_code == 403

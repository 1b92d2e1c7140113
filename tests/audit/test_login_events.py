"""Sign-in, sign-out, failed sign-in and lockout are audited through the real login page."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.test import Client

from zhenwu.audit.models import AuditEvent
from zhenwu.testing import PASSWORD

LOGIN_URL = "/accounts/login/"
WRONG = "Wrong#Secret-4711"


def _row_text(event: AuditEvent) -> str:
    fields = [
        event.actor_name,
        event.ip or "",
        event.user_agent,
        event.request_id,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.result,
        event.message,
        event.prev_mac,
        event.mac,
        json.dumps(event.changes, ensure_ascii=False),
    ]
    return "\n".join(fields)


def _fail(client: Client, username: str, password: str = WRONG) -> Any:
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, HTTP_USER_AGENT="pytest-浏览器"
    )


def test_a_failed_login_is_audited_without_the_password(client: Client, cast: Any) -> None:
    response = _fail(client, "yahe_cadre")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.result == "failure"
    assert event.object_repr == "yahe_cadre"
    assert event.object_type == "accounts.user" and event.object_id == str(cast.yahe_cadre.pk)
    assert event.actor_id is None and event.actor_name == ""
    assert event.ip == "127.0.0.1" and event.user_agent == "pytest-浏览器"
    assert "yahe_cadre" in event.object_repr and "错误" in event.message
    for row in AuditEvent.objects.all():
        assert WRONG not in _row_text(row)
        assert "********" not in _row_text(row)  # not even Django's cleansed placeholder


def test_a_failed_login_for_an_unknown_username_is_audited(client: Client, cast: Any) -> None:
    _fail(client, "nobody-here")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_repr == "nobody-here" and event.object_id == ""
    assert "不存在" in event.message


def test_a_successful_login_and_logout_are_audited(client: Client, cast: Any) -> None:
    response = client.post(LOGIN_URL, {"username": "yahe_cadre", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(cast.yahe_cadre.pk)
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor_id == cast.yahe_cadre.pk and login.actor_name == "丫河干部"
    assert login.result == "success" and login.ip == "127.0.0.1"
    assert PASSWORD not in _row_text(login)
    assert not AuditEvent.objects.filter(action="auth.login_failed").exists()

    client.post("/accounts/logout/")
    logout = AuditEvent.objects.get(action="auth.logout")
    assert logout.actor_id == cast.yahe_cadre.pk and logout.result == "success"


def test_five_failures_lock_the_account_and_the_lockout_is_audited(client: Client, cast: Any) -> None:
    for _ in range(4):
        assert _fail(client, "yahe_cadre").status_code == 200
    assert not AuditEvent.objects.filter(action="auth.lockout").exists()
    fifth = _fail(client, "yahe_cadre")
    assert fifth.status_code == 429
    assert "锁定" in fifth.content.decode()
    lockout = AuditEvent.objects.get(action="auth.lockout")
    assert lockout.result == "denied"
    assert lockout.object_repr == "yahe_cadre" and lockout.object_id == str(cast.yahe_cadre.pk)
    assert "锁定" in lockout.message
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5

    # The right password no longer gets in while the account is locked.
    sixth = client.post(LOGIN_URL, {"username": "yahe_cadre", "password": PASSWORD})
    assert sixth.status_code == 429
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    refused = AuditEvent.objects.filter(action="auth.login_failed").order_by("-id").first()
    assert refused is not None and "锁定" in refused.message
    for row in AuditEvent.objects.all():
        assert PASSWORD not in _row_text(row) and WRONG not in _row_text(row)


def test_a_lockout_of_one_account_does_not_lock_another(client: Client, cast: Any) -> None:
    for _ in range(5):
        _fail(client, "ljx_cadre")
    response = client.post(LOGIN_URL, {"username": "yahe_cadre", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor_id=cast.yahe_cadre.pk).exists()

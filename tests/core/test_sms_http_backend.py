"""Issue 14: SMS through a real HTTP provider backend, configured by environment variables and
tested against a local fake server; the console backend sends nothing."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from zhenwu.core import notify
from zhenwu.core.models import Notification


class FakeGateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answer: tuple[int, bytes] = (200, b'{"code": 0, "message": "ok"}')

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length") or 0)
        FakeGateway.received.append(
            {"auth": self.headers.get("Authorization"), "json": json.loads(self.rfile.read(length))}
        )
        status, body = FakeGateway.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def gateway(monkeypatch: Any, settings: Any) -> Any:
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeGateway.received = []
    FakeGateway.answer = (200, b'{"code": 0, "message": "ok"}')
    monkeypatch.setenv("ZHENWU_SMS_URL", f"http://127.0.0.1:{server.server_port}/send")
    monkeypatch.setenv("ZHENWU_SMS_TOKEN", "t0ken")
    monkeypatch.setenv("ZHENWU_SMS_SIGN", "【牛塘镇】")
    settings.ZHENWU_NOTIFY_BACKENDS = {
        **settings.ZHENWU_NOTIFY_BACKENDS,
        "sms": "zhenwu.core.notify.HttpSmsBackend",
    }
    yield FakeGateway
    server.shutdown()
    server.server_close()


def _sms() -> Notification:
    return Notification.objects.create(
        channel="sms", recipient_phone="13912345678", subject="诉求已登记", body="您的诉求已登记。"
    )


def test_an_sms_goes_to_the_provider_with_the_token_and_sign(db: Any, gateway: Any) -> None:
    n = _sms()
    assert notify.deliver(n.pk) == Notification.Status.SENT
    n.refresh_from_db()
    assert n.backend == "http-sms" and n.sent_at is not None
    (call,) = gateway.received
    assert call["auth"] == "Bearer t0ken"
    assert call["json"] == {"phone": "13912345678", "content": "您的诉求已登记。", "sign": "【牛塘镇】"}


@pytest.mark.parametrize(
    ("status", "body", "why"),
    [(500, b"oops", "HTTP 500"), (200, '{"code": 40001, "message": "余额不足"}'.encode(), "余额不足")],
)
def test_a_refusal_is_a_failure_the_outbox_retries(
    db: Any, gateway: Any, status: int, body: bytes, why: str
) -> None:
    gateway.answer = (status, body)
    n = _sms()
    assert notify.deliver(n.pk) == Notification.Status.FAILED
    n.refresh_from_db()
    assert why in n.error and n.attempts == 1


def test_an_unreachable_or_unconfigured_gateway_fails_cleanly(
    db: Any, monkeypatch: Any, settings: Any
) -> None:
    settings.ZHENWU_NOTIFY_BACKENDS = {
        **settings.ZHENWU_NOTIFY_BACKENDS,
        "sms": "zhenwu.core.notify.HttpSmsBackend",
    }
    monkeypatch.delenv("ZHENWU_SMS_URL", raising=False)
    n = _sms()
    assert notify.deliver(n.pk) == Notification.Status.FAILED
    n.refresh_from_db()
    assert "ZHENWU_SMS_URL" in n.error
    monkeypatch.setenv("ZHENWU_SMS_URL", "http://127.0.0.1:9/send")  # nothing listens on the discard port
    n = _sms()
    assert notify.deliver(n.pk) == Notification.Status.FAILED
    assert "无法连接" in Notification.objects.get(pk=n.pk).error

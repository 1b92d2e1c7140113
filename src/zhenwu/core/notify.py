"""Notifications through a pluggable outbox.

``notify(...)`` writes a Notification row inside the caller's transaction and asks for delivery
after commit (inline in the embedded default, a Celery task with Redis). Delivery goes through
the backend configured for the channel in ``settings.ZHENWU_NOTIFY_BACKENDS``: the console/log
backend by default; SMS and WeChat are interfaces a deployment implements against its gateway.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from zhenwu.core.db import insert
from zhenwu.core.models import Notification

log = logging.getLogger("zhenwu.notify")


class Backend(Protocol):
    name: str

    def send(self, notification: Notification) -> None:
        """Deliver or raise; the outbox records the error and may retry."""


class ConsoleBackend:
    """Writes the message to the log; nothing leaves the machine. The embedded default."""

    name = "console"

    def send(self, notification: Notification) -> None:
        target = notification.recipient_unit or notification.recipient_user or "手机号(已加密)"
        log.info("通知[%s] → %s：%s", notification.channel, target, notification.subject)


class InboxBackend:
    """Staff notifications: the row itself is the message shown on the workbench."""

    name = "inbox"

    def send(self, notification: Notification) -> None:
        return None


class SmsBackend:
    """Interface for an SMS gateway (e.g. the government SMS platform); configure a subclass."""

    name = "sms"

    def send(self, notification: Notification) -> None:
        raise NotImplementedError("未配置短信网关：请在 ZHENWU_NOTIFY_BACKENDS 中指定短信发送实现。")


class HttpSmsBackend(SmsBackend):
    """An SMS provider reached over HTTP: POST JSON {phone, content, sign} with a bearer token.

    Configured by environment variables: ZHENWU_SMS_URL (required), ZHENWU_SMS_TOKEN,
    ZHENWU_SMS_SIGN (the 短信签名, e.g. 【牛塘镇】), ZHENWU_SMS_TIMEOUT (seconds, default 10).
    Select it with ZHENWU_SMS_BACKEND=zhenwu.core.notify.HttpSmsBackend. The provider answers 2xx
    and, when it sends JSON, ``{"code": 0}`` for success; anything else is a failure the outbox retries.
    """

    name = "http-sms"

    def __init__(self) -> None:
        import os

        self.url = os.environ.get("ZHENWU_SMS_URL", "")
        self.token = os.environ.get("ZHENWU_SMS_TOKEN", "")
        self.sign = os.environ.get("ZHENWU_SMS_SIGN", "")
        self.timeout = float(os.environ.get("ZHENWU_SMS_TIMEOUT", "10") or 10)

    def send(self, notification: Notification) -> None:
        import json
        import urllib.error
        import urllib.request

        if not self.url.startswith(("https://", "http://")):
            raise RuntimeError("短信网关地址未配置：请设置 ZHENWU_SMS_URL。")
        if not notification.recipient_phone:
            raise RuntimeError("短信没有接收手机号。")
        payload = json.dumps(
            {"phone": notification.recipient_phone, "content": notification.body, "sign": self.sign},
            ensure_ascii=False,
        ).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"}
            | ({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"短信网关拒绝发送（HTTP {exc.code}）。") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RuntimeError(f"短信网关无法连接：{exc}") from exc
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return  # a 2xx without JSON: accepted
        if isinstance(answer, dict) and answer.get("code", 0) not in (0, "0", "OK", "ok"):
            raise RuntimeError(f"短信网关返回错误：{str(answer.get('message') or answer.get('code'))[:200]}")


class WeChatBackend:
    """Interface for WeChat template messages / 政务微信; configure a subclass."""

    name = "wechat"

    def send(self, notification: Notification) -> None:
        raise NotImplementedError("未配置微信通道：请在 ZHENWU_NOTIFY_BACKENDS 中指定微信发送实现。")


def backend_for(channel: str) -> Backend:
    path = settings.ZHENWU_NOTIFY_BACKENDS.get(channel) or settings.ZHENWU_NOTIFY_BACKENDS["default"]
    backend: Backend = import_string(path)()
    return backend


def notify(
    *,
    channel: str,
    subject: str,
    body: str,
    phone: str = "",
    user: Any = None,
    unit: Any = None,
    link: str = "",
    obj: Any = None,
    publish: bool = True,
) -> Notification:
    """Write the notification to the outbox and, after commit, hand it to a worker. With
    ``publish=False`` the row waits for the outbox sweep (at most a minute): for high-volume
    machine channels where a broker publish per request costs more than the delay is worth."""
    n = Notification(
        channel=channel,
        recipient_phone=phone,
        recipient_user=user,
        recipient_unit=unit,
        subject=subject[:120],
        body=body,
        link=link[:200],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    insert(n, returning_pk=publish)
    if publish:
        transaction.on_commit(lambda: _schedule(n.pk), robust=True)
    return n


MAX_ATTEMPTS = 5


BROKER_RETRY_AFTER = 30.0
_broker_down_until = 0.0


def _schedule(pk: int) -> None:
    """Hand the row to a worker after commit. Never raises: with the broker down the committed
    change stands and the row waits in the outbox for the beat sweep (`retry_notifications`);
    after a failure the broker is not tried again for BROKER_RETRY_AFTER seconds."""
    import time

    from zhenwu.core.tasks import deliver_notification

    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return
    try:
        deliver_notification.delay(pk)
    except Exception as exc:  # broker down: the change is committed; the row waits for the retry sweep
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        log.warning("通知 #%s 未能投递到队列，稍后重试：%s", pk, exc)


def deliver(pk: int) -> str:
    """Send one notification. The row is claimed first, so two workers never send it twice."""
    waiting = [Notification.Status.PENDING, Notification.Status.FAILED]
    n = Notification.objects.filter(pk=pk, status__in=waiting, attempts__lt=MAX_ATTEMPTS).first()
    if n is None:
        return "skipped"
    claimed = Notification.objects.filter(pk=pk, status__in=waiting, attempts=n.attempts).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    backend = backend_for(n.channel)
    n.attempts += 1
    n.backend = backend.name
    try:
        backend.send(n)
    except Exception as exc:  # a gateway failure must not break the change that caused it
        n.status = Notification.Status.FAILED
        n.error = str(exc)[:300]
        log.warning("通知发送失败 #%s: %s", pk, exc)
    else:
        n.status = Notification.Status.SENT
        n.sent_at = timezone.now()
        n.error = ""
    n.save(update_fields=["backend", "status", "error", "sent_at", "updated_at"])
    return n.status


def retry_pending(*, older_than_seconds: int = 60) -> int:
    """The outbox sweep (beat, every minute): deliver what was never handed over or failed before."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pks = list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
            attempts__lt=MAX_ATTEMPTS,
            updated_at__lt=cutoff,
        ).values_list("pk", flat=True)[:500]
    )
    return sum(1 for pk in pks if deliver(pk) == Notification.Status.SENT)

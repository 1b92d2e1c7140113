"""Secrets never reach a log line (issue 9, item 8): `api_key=...` in a logged request line, query
string or message is replaced before any handler formats it. Attached in CoreConfig.ready() to the
loggers that write request lines: runserver's `django.server`, gunicorn's `gunicorn.access` and
`gunicorn.error`, and Django's `django.request` / `django.security.*`."""

from __future__ import annotations

import logging
import re
from typing import Any

SECRET_PARAM = re.compile(r"(?i)(api[_-]?key|password|token)(=|%3D)[^&\s\"'\\]*")
REDACTED = r"\1\2[已隐藏]"
LOGGERS = ("django.server", "django.request", "django.security", "gunicorn.access", "gunicorn.error")


def redact(value: Any) -> Any:
    return SECRET_PARAM.sub(REDACTED, value) if isinstance(value, str) else value


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, dict):  # gunicorn's atoms: edited in place to keep their class
            for key, value in list(dict.items(record.args)):
                if isinstance(value, str):
                    dict.__setitem__(record.args, key, redact(value))
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())

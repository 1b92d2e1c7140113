"""Issue 14 set-up: `make run PORT=… HOST=…` serves where asked, and /favicon.ico answers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_takes_port_and_host() -> None:
    def serve_line(*args: str) -> str:
        out = subprocess.run(
            ["make", "-n", "serve", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        return next(line for line in out.splitlines() if " serve " in line)

    assert serve_line().endswith("serve 127.0.0.1:8000")
    assert serve_line("PORT=8080").endswith("serve 127.0.0.1:8080")
    assert serve_line("PORT=8080", "HOST=0.0.0.0").endswith("serve 0.0.0.0:8080")


def test_favicon_ico_answers_without_login(client: Any, db: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)


def test_the_readme_stands_alone() -> None:
    """No link or path in the README leads outside the repository, and every file it shows exists."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../" not in text and "/work/" not in text
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not target.startswith(("http://", "https://", "mailto:")):
            assert (ROOT / target).exists(), target


def test_the_embedded_outbox_sends_without_a_stray_broker_warning(db: Any, caplog: Any) -> None:
    """`zhenwu demo` printed kombu's 'No hostname was supplied' for every notification."""
    import logging

    from zhenwu.core.models import Notification
    from zhenwu.core.tasks import deliver_notification

    n = Notification.objects.create(channel="inbox", subject="测试", body="测试")
    with caplog.at_level(logging.WARNING):
        deliver_notification.delay(n.pk)
    assert not [r for r in caplog.records if "hostname" in r.getMessage()]
    assert Notification.objects.get(pk=n.pk).status == Notification.Status.SENT

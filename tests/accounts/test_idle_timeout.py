from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhenwu.testing import login

pytestmark = pytest.mark.django_db


def test_a_session_ends_after_30_idle_minutes(client, cast):
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, cast.yahe_cadre)
        assert client.get("/workbench/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/workbench/").status_code == 200  # activity renews the session
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get("/workbench/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

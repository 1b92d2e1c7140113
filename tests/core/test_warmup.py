"""Warm-up of a server process (core.warmup): the WSGI module loads what first requests wait for."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from zhenwu.core import warmup
from zhenwu.core.actors import SYSTEM
from zhenwu.dispatch import engine
from zhenwu.dispatch.demo import load_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(monkeypatch: Any) -> list[int]:
    """Record instead of closing: the test's own transaction must survive."""
    calls: list[int] = []
    monkeypatch.setattr(connections, "close_all", lambda: calls.append(1))
    return calls


def test_warm_loads_the_dispatch_engine_and_closes_the_connections(cast: Any, closed: list[int]) -> None:
    import jieba

    load_catalogue(SYSTEM)
    engine.forget_cache()
    timings = warmup.warm()
    assert {"urls", "templates", "zhenwu.dispatch.warmup"} <= set(timings)
    assert jieba.dt.initialized
    assert engine._memo["snapshot"] is not None and engine._memo["snapshot"].entries
    assert "sklearn.linear_model" in sys.modules
    assert closed == [1]  # a worker forked after this opens its own connection
    with CaptureQueriesContext(connection) as ctx:
        engine.suggest_units(text="路灯不亮，晚上黑灯瞎火")
    assert len(ctx.captured_queries) == 1


def test_a_failing_step_is_logged_and_the_server_starts(
    monkeypatch: Any, caplog: Any, closed: list[int]
) -> None:
    from zhenwu.dispatch import warmup as dispatch_warmup

    def broken() -> None:
        raise RuntimeError("no database yet")

    monkeypatch.setattr(dispatch_warmup, "warm", broken)
    with caplog.at_level(logging.WARNING, logger="zhenwu.warmup"):
        timings = warmup.warm()
    assert "zhenwu.dispatch.warmup" in timings and closed == [1]
    assert any("zhenwu.dispatch.warmup" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("setting", "expected"), [(None, 1), ("0", 0)])
def test_the_wsgi_module_warms_up_unless_turned_off(
    monkeypatch: Any, setting: str | None, expected: int
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(warmup, "warm", lambda: calls.append(1))
    if setting is None:
        monkeypatch.delenv("ZHENWU_WARM", raising=False)
    else:
        monkeypatch.setenv("ZHENWU_WARM", setting)
    monkeypatch.delitem(sys.modules, "zhenwu.wsgi", raising=False)
    module = importlib.import_module("zhenwu.wsgi")
    assert module.application is not None
    assert len(calls) == expected

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest


@pytest.fixture
def staff(cast: Any) -> Any:
    """Assessment people on top of the cast: an inspector, a leader, and more villages and communities."""
    from types import SimpleNamespace

    from zhenwu.testing import _unit, make_user

    dongtang = _unit("NT-DT", "东塘村", "village", cast.town)
    nanzhuang = _unit("NT-NZ", "南庄社区", "community", cast.town)
    return SimpleNamespace(
        inspector=make_user("inspector", unit=cast.department, role="inspector", real_name="督查员"),
        leader=cast.leader,
        dongtang=dongtang,
        nanzhuang=nanzhuang,
    )


@pytest.fixture
def scheme(cast: Any, staff: Any) -> Any:
    from zhenwu.assessment.demo import build_scheme

    return build_scheme(actor=cast.town_admin, year=2026)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Photos and bulletins of a test go to its own directory, not the worktree's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clock() -> Any:
    """Tuesday 10 November 2026, 09:00 in 牛塘镇 (objection and rectification deadlines count from today)."""
    import time_machine

    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


TODAY = date(2026, 11, 10)

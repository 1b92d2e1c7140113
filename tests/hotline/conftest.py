from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SH)  # a Friday


@dataclass
class Hotline:
    cast: Any
    leader: Any
    operator: Any
    plan: Any

    def slot(self, *args: Any, **kwargs: Any) -> Any:
        return make_slot(self, *args, **kwargs)

    def episode(self, *args: Any, **kwargs: Any) -> Any:
        return make_episode(self, *args, **kwargs)


@pytest.fixture
def hl(cast: Any, time_machine: Any) -> Hotline:
    from zhenwu.core.services import calendar_seed
    from zhenwu.hotline import services

    time_machine.move_to(NOW, tick=False)
    calendar_seed(years=[2026])
    leader, operator = cast.leader, cast.operator
    plan = services.plan_create(
        actor=cast.town_admin, year=2026, title="", owner_unit=cast.town, reminder_working_days=10
    )
    return Hotline(cast=cast, leader=leader, operator=operator, plan=plan)


def make_slot(
    hl: Hotline, day: Any, unit: Any = None, start: time = time(9, 0), end: time = time(10, 0)
) -> Any:
    from zhenwu.hotline import services

    return services.slot_create(
        actor=hl.cast.town_admin,
        plan=hl.plan,
        date=day,
        start_time=start,
        end_time=end,
        channel="radio",
        unit=unit or hl.cast.yahe,
        head_name="李书记",
        head_title="村党委书记",
        contact_name="王联络",
        contact_phone="13800138123",
    )


def make_episode(hl: Hotline, unit: Any = None, air_date: Any = None, status: str = "preparing") -> Any:
    from zhenwu.hotline import services

    episode = services.episode_create(
        actor=hl.cast.town_admin,
        unit=unit or hl.cast.yahe,
        air_date=air_date,
        guests=[("村党委书记", "李书记")],
        topics=["村务", "环境"],
    )
    if status == "live":
        services.episode_transition(actor=hl.operator, episode=episode, action="go_live", reason="测试")
    return episode

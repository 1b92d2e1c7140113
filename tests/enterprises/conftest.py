from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

TODAY = date(2026, 11, 10)
VALID_USCC = "91320412MA1KPRAC0"  # + check character, computed below


def valid_uscc(body17: str = VALID_USCC) -> str:
    from zhenwu.enterprises.demo import uscc_with_check

    return uscc_with_check(body17)


@pytest.fixture(autouse=True)
def _clock() -> Any:
    """Tuesday 10 November 2026, 09:00 in 牛塘镇."""
    import time_machine

    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


@pytest.fixture
def officer(cast: Any) -> Any:
    """The town's science officer: a town admin (all data, may manage enterprises)."""
    return cast.town_admin


@pytest.fixture
def make_enterprise(cast: Any, officer: Any) -> Any:
    from zhenwu.enterprises import services

    counter = iter(range(1, 10_000))

    def make(unit: Any = None, **kwargs: Any) -> Any:
        n = next(counter)
        data = services.EnterpriseInput(
            uscc=valid_uscc(f"91320412MA{n:07d}"),
            name=kwargs.pop("name", f"测试企业{n}有限公司"),
            unit=unit or cast.yahe,
            **kwargs,
        )
        return services.enterprise_create(actor=officer, data=data)

    return make

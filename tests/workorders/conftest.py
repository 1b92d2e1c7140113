from __future__ import annotations

from typing import Any

import pytest

from zhenwu.core.actors import SYSTEM


@pytest.fixture
def cats(db: Any) -> dict[str, Any]:
    from zhenwu.workorders.services import category_save

    municipal = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    light = category_save(
        actor=SYSTEM, code="municipal.streetlight", name="路灯/市政设施", parent=municipal, time_limit_days=3
    )
    noise = category_save(
        actor=SYSTEM,
        code="ecology.noise",
        name="噪声扰民",
        time_limit_days=3,
        extra_fields=[
            {
                "code": "period",
                "label": "发生时段",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间"}],
            }
        ],
    )
    return {"municipal": municipal, "light": light, "noise": noise}


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path

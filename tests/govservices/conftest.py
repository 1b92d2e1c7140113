from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a Monday


def pdf(name: str = "doc") -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4\n% test\n%%EOF\n", content_type="application/pdf")


SHOP_FORM = {
    "entity_name": "丫河服装店",
    "operator_name": "王小丫",
    "address": "丫河村1号",
    "business_scope": "服装零售",
}


@dataclass
class Gov:
    cast: Any
    items: dict[str, Any]
    grid_worker: Any
    station_worker: Any
    ljx_station: Any
    ljx_worker: Any

    def submit(
        self, keys: list[str], *, unit: Any = None, actor: Any = None, channel: str = "station", **kw: Any
    ) -> Any:
        from zhenwu.govservices import services

        kw.setdefault("form_data", SHOP_FORM | {"person_name": "王小丫", "entity_uscc": ""})
        return services.submission_create(
            actor=actor or self.station_worker,
            unit=unit or self.cast.yahe_station,
            channel=channel,
            applicant_name=kw.pop("applicant_name", "王小丫"),
            applicant_phone=kw.pop("applicant_phone", "13912345678"),
            items=[self.items[k] for k in keys],
            **kw,
        )

    def app(self, keys: list[str], **kw: Any) -> Any:
        return self.submit(keys, **kw).applications.order_by("id").first()

    def step(self, app: Any, action: str, *, actor: Any = None, **kw: Any) -> Any:
        from zhenwu.govservices import services

        return services.application_transition(
            actor=actor or self.cast.town_admin, application=app, action=action, **kw
        )


@pytest.fixture
def gov(cast: Any, time_machine: Any) -> Gov:
    from zhenwu.core.services import calendar_seed
    from zhenwu.govservices.demo import build_catalogue
    from zhenwu.testing import _unit, make_user

    time_machine.move_to(NOW, tick=False)
    calendar_seed(years=[2026, 2027])
    ljx_station = _unit("NT-LJX-ST", "卢家巷便民服务站", "station", cast.lujiaxiang)
    items = build_catalogue(
        cast.town_admin, stations=[cast.yahe_station, ljx_station], grids=[cast.yahe_grid]
    )
    return Gov(
        cast=cast,
        items=items,
        grid_worker=make_user("gridw", unit=cast.yahe_grid, role="grid_worker", real_name="网格员"),
        station_worker=make_user(
            "stationw", unit=cast.yahe_station, role="grid_worker", real_name="站点人员"
        ),
        ljx_station=ljx_station,
        ljx_worker=make_user("ljxw", unit=ljx_station, role="grid_worker", real_name="卢家巷站点人员"),
    )

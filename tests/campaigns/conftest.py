from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SH)  # a Friday
TODAY = NOW.date()


@dataclass
class World:
    cast: Any
    campaign: Any  # led by 城市管理办公室 with 丫河村 as a member; active, 5 milestones

    def milestones(self) -> list[Any]:
        return list(self.campaign.milestones.order_by("due_date", "id"))


def make_campaign(
    cast: Any, *, title: str = "空中线缆治理", units: list[Any] | None = None, start: bool = True
) -> Any:
    from zhenwu.campaigns import services

    c = services.campaign_create(
        actor=cast.town_admin,
        title=title,
        year=2026,
        lead_unit=cast.department,
        units=[cast.yahe] if units is None else units,
        owner_name="王主任",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 12, 31),
        leader=cast.leader,
        is_public=True,
    )
    services.milestones_replace(
        actor=cast.town_admin,
        campaign=c,
        rows=[
            services.MilestoneRow("摸底排查", date(2026, 4, 30), 20),
            services.MilestoneRow("制定清单", date(2026, 6, 30), 15),
            services.MilestoneRow("主干道整治", date(2026, 9, 30), 30),
            services.MilestoneRow("背街小巷整治", date(2026, 11, 26), 20),
            services.MilestoneRow("长效管护验收", date(2026, 12, 31), 15),
        ],
    )
    if start:
        services.campaign_transition(actor=cast.town_admin, campaign=c, action="start")
        c.refresh_from_db()
    return c


@pytest.fixture
def world(cast: Any, time_machine: Any) -> World:
    from zhenwu.core.services import calendar_seed

    time_machine.move_to(NOW, tick=False)
    calendar_seed(years=[2025, 2026])
    return World(cast=cast, campaign=make_campaign(cast))


def png_upload(name: str = "现场.png") -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")

"""专项行动 figures other parts (the 驾驶舱, annual targets) read through the metrics hook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zhenwu.core.parts import Metric


def _on_track(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    """Share of the campaigns a unit leads, active in the period, that are green at the period's end."""
    from zhenwu.campaigns.choices import CampaignStatus
    from zhenwu.campaigns.models import Campaign
    from zhenwu.campaigns.progress import rag_status

    values: dict[int, float | None] = {}
    qs = (
        Campaign.objects.filter(lead_unit__in=[u.pk for u in units], start_date__lte=end, end_date__gte=start)
        .exclude(status=CampaignStatus.PLANNING)
        .prefetch_related("milestones")
    )
    totals: dict[int, list[int]] = {}
    for c in qs:
        rag = rag_status(
            list(c.milestones.all()), c.start_date, end, closed=c.status == CampaignStatus.CLOSED
        )
        row = totals.setdefault(c.lead_unit_id, [0, 0])
        row[0] += int(rag.colour in ("green", "done"))
        row[1] += 1
    for unit_id, (good, total) in totals.items():
        values[unit_id] = good / total if total else None
    return values


METRICS = [
    Metric(
        "campaigns.on_track_rate",
        "专项行动按计划推进率",
        "%",
        "统计期末，由该单位牵头、在统计期内进行的专项行动中，进度为绿色（落后计划不超过 5 个百分点）或已结束的比例。",
        True,
        _on_track,
        ratio=True,
    ),
]

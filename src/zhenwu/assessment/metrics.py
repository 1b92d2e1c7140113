"""融合考核 figures other parts (annual targets, the 驾驶舱) read through the metrics hook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zhenwu.assessment.choices import MonthStatus
from zhenwu.assessment.models import MonthlyResult
from zhenwu.core.parts import Metric, MetricFunc


def _latest(field: str) -> MetricFunc:
    """The unit's figure in the latest closed month that starts inside the period."""

    def compute(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
        rows = (
            MonthlyResult.objects.filter(
                unit_id__in=[u.pk for u in units],
                month__month__gte=start.replace(day=1),
                month__month__lte=end,
            )
            .exclude(month__status=MonthStatus.OPEN)
            .order_by("unit_id", "-month__month")
            .values_list("unit_id", field)
        )
        values: dict[int, float | None] = {}
        for unit_id, value in rows:
            values.setdefault(unit_id, None if value is None else float(value))
        return values

    return compute


METRICS = [
    Metric(
        "assessment.total",
        "融合考核综合得分",
        "分",
        "统计期内最近一个已结账月份的城市管理融合考核综合得分（按一村一策权重加权的五项得分合计）。",
        True,
        _latest("total"),
    ),
    Metric(
        "assessment.rank",
        "融合考核名次",
        "名",
        "统计期内最近一个已结账月份在同类单位（村或社区）中的名次，数字越小越好。",
        False,
        _latest("rank"),
    ),
]

"""Work-order figures other parts read through the metrics hook (definitions: selectors.METRIC_DEFINITIONS).

Keys are stable: assessment indicators and annual targets store them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zhenwu.core.parts import Metric, MetricFunc
from zhenwu.workorders.selectors import METRIC_DEFINITIONS, unit_metrics

_DEFINITION = {code: text for code, _label, text in METRIC_DEFINITIONS}


def _field(field: str) -> MetricFunc:
    def compute(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
        rows = unit_metrics(units=list(units), start=start, end=end)
        return {
            int(uid): (None if row.get(field) is None else float(row[field])) for uid, row in rows.items()
        }

    return compute


METRICS = [
    Metric("workorders.received", "工单受理数", "件", _DEFINITION["received"], True, _field("received")),
    Metric(
        "workorders.sign_on_time_rate",
        "工单按时签收率",
        "%",
        _DEFINITION["on_time_sign_rate"],
        True,
        _field("on_time_sign_rate"),
        ratio=True,
    ),
    Metric(
        "workorders.on_time_rate",
        "工单按期办结率",
        "%",
        _DEFINITION["on_time_close_rate"],
        True,
        _field("on_time_close_rate"),
        ratio=True,
    ),
    Metric(
        "workorders.extension_rate",
        "工单延期率",
        "%",
        _DEFINITION["extension_rate"],
        False,
        _field("extension_rate"),
        ratio=True,
    ),
    Metric(
        "workorders.rework_rate",
        "工单重办率",
        "%",
        _DEFINITION["rework_rate"],
        False,
        _field("rework_rate"),
        ratio=True,
    ),
    Metric(
        "workorders.satisfaction_rate",
        "工单满意率",
        "%",
        _DEFINITION["satisfaction_rate"],
        True,
        _field("satisfaction_rate"),
        ratio=True,
    ),
    Metric(
        "workorders.avg_handling_days",
        "工单平均办理时长",
        "工作日",
        _DEFINITION["avg_handling_days"],
        False,
        _field("avg_handling_days"),
    ),
]

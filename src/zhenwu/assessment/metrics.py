"""Computed indicators: a small registry from a metric key to a function that reads zhenwu data.

A metric function takes (units, start, end) and returns {unit_id: value in 0..1}. When its data
source does not exist yet it raises MetricUnavailable and the indicator scores nothing, with the
reason shown ("数据源未就绪") — never an invented number.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


class MetricUnavailable(Exception):
    pass


MetricFunc = Callable[[Sequence[Any], date, date], dict[int, float]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    func: MetricFunc


REGISTRY: dict[str, Metric] = {}


def register(key: str, label: str) -> Callable[[MetricFunc], MetricFunc]:
    def decorator(func: MetricFunc) -> MetricFunc:
        REGISTRY[key] = Metric(key, label, func)
        return func

    return decorator


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in REGISTRY.values()]


def _workorder_metric(field: str) -> MetricFunc:
    """Reads `zhenwu.workorders.selectors.unit_metrics(units=, start=, end=)` once that part provides it.

    Expected shape: {unit_id: {"on_time_rate": 0.93, "satisfaction_rate": 0.88, ...}} (or objects
    with those attributes); rates in 0..1, None when the unit had no orders.
    """

    def read(units: Sequence[Any], start: date, end: date) -> dict[int, float]:
        try:
            module = importlib.import_module("zhenwu.workorders.selectors")
        except ModuleNotFoundError as exc:
            raise MetricUnavailable("工单数据源未就绪") from exc
        unit_metrics = getattr(module, "unit_metrics", None)
        if unit_metrics is None:
            raise MetricUnavailable("工单数据源未就绪")
        raw = unit_metrics(units=units, start=start, end=end)
        values: dict[int, float] = {}
        for unit_id, row in raw.items():
            value = row.get(field) if isinstance(row, dict) else getattr(row, field, None)
            if value is not None:
                values[int(getattr(unit_id, "pk", unit_id))] = float(value)
        return values

    return read


# Keys of zhenwu.workorders.selectors.unit_metrics (definitions in workorders.selectors.METRIC_DEFINITIONS).
register("workorders.on_time_rate", "工单按期办结率")(_workorder_metric("on_time_close_rate"))
register("workorders.satisfaction_rate", "工单满意率")(_workorder_metric("satisfaction_rate"))
register("workorders.sign_on_time_rate", "工单按时签收率")(_workorder_metric("on_time_sign_rate"))


@register("hotline.evaluation", "政风热线上线评价（得分/100）")
def _hotline_evaluation(units: Sequence[Any], start: date, end: date) -> dict[int, float]:
    """The unit's on-air evaluation for the year of the month (hotline.selectors.unit_evaluation)."""
    from zhenwu.hotline.selectors import unit_evaluation

    rows = unit_evaluation(year=start.year, units=list(units))
    return {uid: row["score"] / 100 for uid, row in rows.items() if row.get("score") is not None}


def fetch(key: str, units: Sequence[Any], start: date, end: date) -> dict[int, float]:
    metric = REGISTRY.get(key)
    if metric is None:
        raise MetricUnavailable(f"未知的数据指标 {key}")
    return metric.func(units, start, end)


def apply_formula(formula: Sequence[Sequence[float]], value: float) -> float:
    """Piecewise-linear mapping [[x0, y0], [x1, y1], ...] (x ascending); flat beyond the ends."""
    points = sorted((float(x), float(y)) for x, y in formula)
    if not points:
        return 0.0
    if value <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if value <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (value - x0) / (x1 - x0)
    return points[-1][1]


def formula_text(formula: Sequence[Sequence[float]]) -> str:
    points = sorted((float(x), float(y)) for x, y in formula)
    return "，".join(f"{x * 100:g}%→{y:g}分" for x, y in points) + "，之间按线性折算" if points else "未设置"

"""Computed indicators: an indicator reads a figure registered by any part through the metrics
hook (``zhenwu.core.parts.metrics``) and maps it to points by a piecewise-linear formula.

A figure the hook does not offer (a key no part registers any more) raises MetricUnavailable and
the indicator scores nothing, with the reason shown — never an invented number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zhenwu.core import parts
from zhenwu.core.errors import DomainError


class MetricUnavailable(Exception):
    pass


def metric_choices() -> list[tuple[str, str]]:
    """Ratio figures (0..1) are the ones a formula like 60%→0分, 95%→5分 can read."""
    return [(m.key, m.label) for m in parts.metrics().values() if m.ratio]


def is_metric(key: str) -> bool:
    return key in dict(metric_choices())


def fetch(key: str, units: Sequence[Any], start: date, end: date) -> dict[int, float]:
    try:
        metric = parts.metric(key)
    except DomainError as exc:
        raise MetricUnavailable(f"数据指标已不存在（{key}）") from exc
    values = metric.compute(units, start, end)
    return {int(uid): float(v) for uid, v in values.items() if v is not None}


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

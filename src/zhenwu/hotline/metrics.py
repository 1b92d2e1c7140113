"""政风热线 figures other parts read through the metrics hook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zhenwu.core.parts import Metric
from zhenwu.hotline.selectors import unit_evaluation


def _evaluation(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    rows = unit_evaluation(year=start.year, units=list(units))
    return {uid: row["score"] / 100 for uid, row in rows.items() if row.get("score") is not None}


METRICS = [
    Metric(
        "hotline.evaluation",
        "政风热线上线评价",
        "%",
        "上线单位当年的政风热线评价得分（满分 100，按到场、现场答复、承诺按期办结、满意度加权；"
        "无法衡量的分项不计入、按其余分项重新加权），以百分比表示。",
        True,
        _evaluation,
        ratio=True,
    ),
]

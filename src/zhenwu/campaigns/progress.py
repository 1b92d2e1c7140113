"""Progress and RAG status of a campaign, and completion of a target: pure functions, no database.

Progress = Σ weight × milestone progress / 100. The planned progress at a date counts each milestone
linearly from the previous milestone's due date (the first from the campaign's start) to its own due
date. The RAG colour compares the two at today's date — the rule is shown beside the colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

AMBER_GAP = 5  # percentage points behind plan from which a campaign needs attention
RED_GAP = 15  # percentage points behind plan from which it is clearly late

RAG_RULE = (
    f"按今日应完成的计划进度与实际进度比较：落后不超过 {AMBER_GAP} 个百分点为绿色（正常推进），"
    f"落后 {AMBER_GAP}–{RED_GAP} 个百分点或有逾期未完成的里程碑为黄色（需要关注），"
    f"落后超过 {RED_GAP} 个百分点为红色（明显滞后）。"
)


class MilestoneLike(Protocol):
    due_date: date
    weight: int
    progress: int
    completed_on: date | None


def actual_progress(milestones: Sequence[MilestoneLike]) -> Decimal:
    total = sum(m.weight * m.progress for m in milestones)
    return (Decimal(total) / Decimal(100)).quantize(Decimal("0.1"))


def planned_progress(milestones: Sequence[MilestoneLike], start: date, today: date) -> Decimal:
    planned = Decimal(0)
    previous = start
    for m in sorted(milestones, key=lambda m: m.due_date):
        if today >= m.due_date:
            share = Decimal(1)
        elif today <= previous:
            share = Decimal(0)
        else:
            share = Decimal((today - previous).days) / Decimal(max((m.due_date - previous).days, 1))
        planned += Decimal(m.weight) * share
        previous = max(previous, m.due_date)
    return planned.quantize(Decimal("0.1"))


@dataclass(frozen=True)
class RagStatus:
    colour: str  # green / amber / red / done
    label: str
    planned: Decimal
    actual: Decimal
    reason: str  # the rule applied to this campaign, in one Chinese sentence

    @property
    def gap(self) -> Decimal:
        return self.planned - self.actual


def rag_status(
    milestones: Sequence[MilestoneLike], start: date, today: date, *, closed: bool = False
) -> RagStatus:
    actual = actual_progress(milestones)
    planned = planned_progress(milestones, start, today)
    if closed:
        return RagStatus("done", "已结束", planned, actual, f"行动已结束，最终进度 {actual}%。")
    gap = planned - actual
    overdue = [m for m in milestones if m.progress < 100 and today > m.due_date]
    facts = f"计划进度 {planned}%，实际进度 {actual}%"
    if gap > RED_GAP:
        return RagStatus(
            "red", "明显滞后", planned, actual, f"{facts}，落后 {gap} 个百分点（超过 {RED_GAP}）。"
        )
    if gap > AMBER_GAP:
        return RagStatus(
            "amber", "需要关注", planned, actual, f"{facts}，落后 {gap} 个百分点（{AMBER_GAP}–{RED_GAP}）。"
        )
    if overdue:
        names = "、".join(m_title(m) for m in overdue[:3])
        return RagStatus(
            "amber", "需要关注", planned, actual, f"{facts}；里程碑“{names}”已过计划完成日期仍未完成。"
        )
    if gap > 0:
        return RagStatus(
            "green", "正常推进", planned, actual, f"{facts}，落后 {gap} 个百分点（不超过 {AMBER_GAP}）。"
        )
    return RagStatus("green", "正常推进", planned, actual, f"{facts}，进度符合或快于计划。")


def m_title(m: Any) -> str:
    return str(getattr(m, "title", "") or m.due_date.isoformat())


@dataclass(frozen=True)
class Completion:
    actual: Decimal | None
    percent: Decimal | None
    label: str  # 超额完成 / 已完成 / 未完成 / 暂无数据
    exceeded: bool


def completion(target_value: Decimal, actual: Decimal | None, *, higher_is_better: bool = True) -> Completion:
    if actual is None:
        return Completion(None, None, "暂无数据", False)
    if higher_is_better:
        percent = actual / target_value * 100
        exceeded = actual > target_value
        met = actual >= target_value
    else:
        percent = target_value / actual * 100 if actual else Decimal(100)
        exceeded = actual < target_value
        met = actual <= target_value
    label = "超额完成" if exceeded else "已完成" if met else "未完成"
    return Completion(actual, percent.quantize(Decimal("0.1")), label, exceeded)

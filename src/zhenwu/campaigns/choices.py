"""Choices and the state machines of 专项行动 (campaign, milestone, progress report) and 目标任务."""

from __future__ import annotations

from django.db import models

from zhenwu.core.statemachine import StateMachine, Transition


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", "筹备中"
    ACTIVE = "active", "推进中"
    CLOSED = "closed", "已结束"


class CampaignAction(models.TextChoices):
    START = "start", "启动推进"
    CLOSE = "close", "结束行动"
    REOPEN = "reopen", "重新启动"


def _milestones_complete(campaign: object) -> str | None:
    total = sum(m.weight for m in campaign.milestones.all())  # type: ignore[attr-defined]
    if total != 100:
        return f"里程碑权重合计为 {total}%，须为 100% 才能启动推进。"
    return None


CAMPAIGN_MACHINE = StateMachine(
    name="专项行动",
    states=CampaignStatus.choices,
    actions=CampaignAction.choices,
    transitions=[
        Transition(
            CampaignAction.START,
            frozenset({CampaignStatus.PLANNING}),
            CampaignStatus.ACTIVE,
            capability="campaigns.manage",
            guard=_milestones_complete,
        ),
        Transition(
            CampaignAction.CLOSE,
            frozenset({CampaignStatus.ACTIVE}),
            CampaignStatus.CLOSED,
            capability="campaigns.manage",
        ),
        Transition(
            CampaignAction.REOPEN,
            frozenset({CampaignStatus.CLOSED}),
            CampaignStatus.ACTIVE,
            capability="campaigns.manage",
            needs_note=True,
        ),
    ],
)


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"


class MilestoneAction(models.TextChoices):
    PROGRESS = "progress", "报告进度"
    COMPLETE = "complete", "确认完成"


MILESTONE_MACHINE = StateMachine(
    name="里程碑",
    states=MilestoneStatus.choices,
    actions=MilestoneAction.choices,
    transitions=[
        Transition(
            MilestoneAction.PROGRESS,
            frozenset({MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS}),
            MilestoneStatus.IN_PROGRESS,
        ),
        Transition(
            MilestoneAction.COMPLETE,
            frozenset({MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS}),
            MilestoneStatus.DONE,
        ),
    ],
)


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待领导审阅"
    REVIEWED = "reviewed", "领导已审阅"


class ReportAction(models.TextChoices):
    REVIEW = "review", "审阅并批示"


REPORT_MACHINE = StateMachine(
    name="进展报告",
    states=ReportStatus.choices,
    actions=ReportAction.choices,
    transitions=[
        Transition(
            ReportAction.REVIEW,
            frozenset({ReportStatus.SUBMITTED, ReportStatus.REVIEWED}),
            ReportStatus.REVIEWED,
            capability="campaigns.comment",
            needs_note=True,
        ),
    ],
)


class Rag(models.TextChoices):
    GREEN = "green", "正常推进"
    AMBER = "amber", "需要关注"
    RED = "red", "明显滞后"
    DONE = "done", "已结束"


class Direction(models.TextChoices):
    UP = "up", "越高越好"
    DOWN = "down", "越低越好"


class ReportCycle(models.TextChoices):
    WEEKLY = "weekly", "每周"
    BIWEEKLY = "biweekly", "每两周"
    MONTHLY = "monthly", "每月"


CYCLE_DAYS = {ReportCycle.WEEKLY: 7, ReportCycle.BIWEEKLY: 14, ReportCycle.MONTHLY: 31}


class TargetSource(models.TextChoices):
    MANUAL = "manual", "填报（附佐证）"
    METRIC = "metric", "系统指标自动读取"

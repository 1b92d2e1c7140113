"""Choices and the objection (申诉) state machine of the assessment part."""

from __future__ import annotations

from django.db import models

from zhenwu.core.statemachine import StateMachine, Transition


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", "现场检查"
    COMPUTED = "computed", "系统数据计算"


class IndicatorKind(models.TextChoices):
    DEDUCTION = "deduction", "扣分"
    VETO = "veto", "一票否决"
    BONUS = "bonus", "加分"


class MonthStatus(models.TextChoices):
    OPEN = "open", "考核中"
    CLOSED = "closed", "已关账"


class FindingStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    CANCELLED = "cancelled", "申诉成立已撤销"


class RectificationStatus(models.TextChoices):
    NONE = "none", "无需整改"
    REQUIRED = "required", "待整改"
    SUBMITTED = "submitted", "已整改待核验"
    VERIFIED = "verified", "已核验"


class ObjectionStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    UPHELD = "upheld", "申诉成立"
    PARTLY_UPHELD = "partly_upheld", "申诉部分成立"
    REJECTED = "rejected", "申诉不成立"
    WITHDRAWN = "withdrawn", "已撤回"


class ObjectionAction(models.TextChoices):
    UPHOLD = "uphold", "认定申诉成立"
    UPHOLD_PART = "uphold_part", "认定部分成立"
    REJECT = "reject", "驳回申诉"
    WITHDRAW = "withdraw", "撤回申诉"


# The one transition table of an objection.
OBJECTION_MACHINE = StateMachine(
    name="申诉",
    states=ObjectionStatus.choices,
    actions=ObjectionAction.choices,
    transitions=[
        Transition(
            ObjectionAction.UPHOLD, frozenset({ObjectionStatus.SUBMITTED}), ObjectionStatus.UPHELD, "reviewer"
        ),
        Transition(
            ObjectionAction.UPHOLD_PART,
            frozenset({ObjectionStatus.SUBMITTED}),
            ObjectionStatus.PARTLY_UPHELD,
            "reviewer",
        ),
        Transition(
            ObjectionAction.REJECT,
            frozenset({ObjectionStatus.SUBMITTED}),
            ObjectionStatus.REJECTED,
            "reviewer",
        ),
        Transition(
            ObjectionAction.WITHDRAW,
            frozenset({ObjectionStatus.SUBMITTED}),
            ObjectionStatus.WITHDRAWN,
            "objector",
        ),
    ],
)


class ResultCategory(models.TextChoices):
    AREA = "area", "村(社区)"
    DEPARTMENT = "department", "责任部门"


class AwardKind(models.TextChoices):
    RED_FLAG = "red_flag", "红旗奖"
    STEED = "steed", "骏马奖"
    SNAIL = "snail", "蜗牛奖"


class Board(models.TextChoices):
    RED = "red", "红榜"
    BLACK = "black", "黑榜"


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "待审批"
    APPROVED = "approved", "已审批发布"


class WeightMethod(models.TextChoices):
    MANUAL = "manual", "手工设定"
    AHP = "ahp", "层次分析法(AHP)"
    ENTROPY = "entropy", "熵权法"


class TaskStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已完成"

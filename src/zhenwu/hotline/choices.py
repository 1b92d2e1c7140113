"""Choices and the state machines of the 政风热线 programme (one transition table each)."""

from __future__ import annotations

from django.db import models

from zhenwu.core.statemachine import StateMachine, Transition


class Channel(models.TextChoices):
    RADIO = "radio", "广播"
    TV = "tv", "电视"
    ONLINE = "online", "网络直播"
    UNSTATED = "unstated", "原稿未载明"


class SlotStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已排定"
    SUBSTITUTE = "substitute", "经批准由他人代为上线"
    DONE = "done", "已上线"
    CANCELLED = "cancelled", "已取消"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class ReminderStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    CANCELLED = "cancelled", "已取消（节目已播出）"


class EpisodeStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    LIVE = "live", "直播中"
    CLOSED = "closed", "已结束"


EPISODE_MACHINE = StateMachine(
    name="本期节目",
    states=EpisodeStatus.choices,
    actions=[("go_live", "开始直播"), ("close", "结束本期")],
    transitions=[
        Transition("go_live", frozenset({EpisodeStatus.PREPARING}), EpisodeStatus.LIVE),
        Transition("close", frozenset({EpisodeStatus.PREPARING, EpisodeStatus.LIVE}), EpisodeStatus.CLOSED),
    ],
)


class QuestionSource(models.TextChoices):
    PHONE = "phone", "热线电话"
    SMS = "sms", "短信"
    WEB = "web", "网上留言"
    WECHAT = "wechat", "微信留言"
    PUBLISHED = "published", "已刊发稿件"


class Screening(models.TextChoices):
    NEW = "new", "待筛选"
    SELECTED = "selected", "入选节目"
    SET_ASIDE = "set_aside", "暂不上节目"


class Outcome(models.TextChoices):
    PENDING = "pending", "待处理"
    ANSWERED = "answered", "节目中答复"
    WORK_ORDER = "work_order", "转为工单"
    COMMITMENT = "commitment", "作出承诺"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "已承诺"
    IN_PROGRESS = "in_progress", "推进中"
    COMPLETED = "completed", "已完成待核验"
    VERIFIED = "verified", "已办结"


_C = CommitmentStatus
COMMITMENT_MACHINE = StateMachine(
    name="承诺事项",
    states=CommitmentStatus.choices,
    actions=[("start", "开始推进"), ("complete", "报告完成"), ("verify", "核验办结"), ("reopen", "退回重办")],
    transitions=[
        Transition("start", frozenset({_C.OPEN}), _C.IN_PROGRESS),
        Transition("complete", frozenset({_C.OPEN, _C.IN_PROGRESS}), _C.COMPLETED),
        Transition("verify", frozenset({_C.COMPLETED}), _C.VERIFIED),
        Transition("reopen", frozenset({_C.COMPLETED}), _C.IN_PROGRESS),
    ],
)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已发布"


_A = ArticleStatus
ARTICLE_MACHINE = StateMachine(
    name="节目文章",
    states=ArticleStatus.choices,
    actions=[
        ("submit", "提交审核"),
        ("approve", "审核通过"),
        ("reject", "退回修改"),
        ("publish", "发布"),
        ("withdraw", "撤回"),
    ],
    transitions=[
        Transition("submit", frozenset({_A.DRAFT}), _A.PENDING),
        Transition("approve", frozenset({_A.PENDING}), _A.APPROVED),
        Transition("reject", frozenset({_A.PENDING, _A.APPROVED}), _A.DRAFT),
        Transition("publish", frozenset({_A.APPROVED}), _A.PUBLISHED),
        Transition("withdraw", frozenset({_A.PUBLISHED}), _A.DRAFT),
    ],
)

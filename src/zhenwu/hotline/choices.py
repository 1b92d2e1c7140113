"""Choices and the state machines of the 政风热线 programme (one transition table each)."""

from __future__ import annotations

from django.db import models


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


class EpisodeStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    LIVE = "live", "直播中"
    CLOSED = "closed", "已结束"


EPISODE_TRANSITIONS: dict[str, dict[str, str]] = {
    EpisodeStatus.PREPARING: {"go_live": EpisodeStatus.LIVE, "close": EpisodeStatus.CLOSED},
    EpisodeStatus.LIVE: {"close": EpisodeStatus.CLOSED},
    EpisodeStatus.CLOSED: {},
}
EPISODE_ACTION_LABELS = {"go_live": "开始直播", "close": "结束本期"}


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


COMMITMENT_TRANSITIONS: dict[str, dict[str, str]] = {
    CommitmentStatus.OPEN: {"start": CommitmentStatus.IN_PROGRESS, "complete": CommitmentStatus.COMPLETED},
    CommitmentStatus.IN_PROGRESS: {"complete": CommitmentStatus.COMPLETED},
    CommitmentStatus.COMPLETED: {"verify": CommitmentStatus.VERIFIED, "reopen": CommitmentStatus.IN_PROGRESS},
    CommitmentStatus.VERIFIED: {},
}
COMMITMENT_ACTION_LABELS = {
    "start": "开始推进",
    "complete": "报告完成",
    "verify": "核验办结",
    "reopen": "退回重办",
}


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已发布"


ARTICLE_TRANSITIONS: dict[str, dict[str, str]] = {
    ArticleStatus.DRAFT: {"submit": ArticleStatus.PENDING},
    ArticleStatus.PENDING: {"approve": ArticleStatus.APPROVED, "reject": ArticleStatus.DRAFT},
    ArticleStatus.APPROVED: {"publish": ArticleStatus.PUBLISHED, "reject": ArticleStatus.DRAFT},
    ArticleStatus.PUBLISHED: {"withdraw": ArticleStatus.DRAFT},
}
ARTICLE_ACTION_LABELS = {
    "submit": "提交审核",
    "approve": "审核通过",
    "reject": "退回修改",
    "publish": "发布",
    "withdraw": "撤回",
}


def next_state(
    table: dict[str, dict[str, str]],
    labels: dict[str, str],
    current: str,
    action: str,
    state_labels: dict[str, str],
) -> str:
    """The state after `action`, or a DomainError naming the current state and the allowed actions."""
    from zhenwu.core.errors import DomainError

    allowed = table.get(current, {})
    if action not in allowed:
        names = "、".join(labels[a] for a in allowed) or "无"
        raise DomainError(
            f"当前状态“{state_labels.get(current, current)}”不能执行“{labels.get(action, action)}”。可执行：{names}。",
            code="illegal_transition",
        )
    return allowed[action]

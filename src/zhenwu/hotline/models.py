"""The 政风热线 programme: on-air plan, episodes, listener issues, commitments, follow-up, articles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from zhenwu.core.fields import BlindIndexField, EncryptedTextField
from zhenwu.core.models import BaseModel
from zhenwu.core.pii import mask_name, mask_phone
from zhenwu.hotline.choices import (
    ArticleStatus,
    Channel,
    CommitmentStatus,
    EpisodeStatus,
    LeaveStatus,
    Outcome,
    QuestionSource,
    ReminderStatus,
    Screening,
    SlotStatus,
)
from zhenwu.orgs.scope import ScopedQuerySet

PROGRAMME_NAME = "政风热线"


class AnnualPlan(BaseModel):
    """The year's 上线安排 set by the 政务服务管理办公室."""

    SCOPE_UNIT = "owner_unit"

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=80)
    owner_unit = models.ForeignKey(
        "orgs.Unit", verbose_name="编排单位", on_delete=models.PROTECT, related_name="+"
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        "提前提醒(工作日)", default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "年度上线计划"

    def __str__(self) -> str:
        return self.title


class OnAirSlot(BaseModel):
    """One unit's turn on air: date, time, channel, its 一把手 and contact person."""

    SCOPE_UNIT = "unit"
    PII_FIELDS = {"contact_phone": "phone", "contact_name": "name"}

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="年度计划", on_delete=models.CASCADE, related_name="slots"
    )
    date = models.DateField("上线日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    channel = models.CharField("播出渠道", max_length=10, choices=Channel.choices, default=Channel.RADIO)
    unit = models.ForeignKey("orgs.Unit", verbose_name="上线单位", on_delete=models.PROTECT, related_name="+")
    head_name = models.CharField("一把手姓名", max_length=40)
    head_title = models.CharField("一把手职务", max_length=40)
    contact_name = models.CharField("联络人", max_length=40)
    contact_phone = EncryptedTextField("联络人电话", blank=True)
    status = models.CharField("状态", max_length=12, choices=SlotStatus.choices, default=SlotStatus.SCHEDULED)
    note = models.CharField("备注", max_length=200, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = verbose_name_plural = "上线安排"

    def __str__(self) -> str:
        return f"{self.date} {self.start_time:%H:%M} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("hotline:slot_detail", args=[self.pk])

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""


class LeaveRequest(BaseModel):
    """一把手 cannot go on air: a substitute, asked for at least 3 working days ahead and approved."""

    SCOPE_UNIT = "slot__unit"

    slot = models.ForeignKey(
        OnAirSlot, verbose_name="上线安排", on_delete=models.CASCADE, related_name="leaves"
    )
    substitute_name = models.CharField("代为上线人", max_length=40)
    substitute_title = models.CharField("代为上线人职务", max_length=40)
    reason = models.TextField("请假事由")
    status = models.CharField("状态", max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "请假申请"


class ReminderLog(BaseModel):
    """Outbox of reminders to on-air units: one row per slot and kind, sent by the dispatcher."""

    SCOPE_UNIT = "slot__unit"

    slot = models.ForeignKey(
        OnAirSlot, verbose_name="上线安排", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("类型", max_length=20, default="before_air")
    recipient = models.CharField("接收人", max_length=80)
    message = models.TextField("内容")
    due_on = models.DateField("应提醒日期")
    status = models.CharField(
        "状态", max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.QUEUED
    )
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "上线提醒"
        constraints = [
            models.UniqueConstraint(fields=["slot", "kind"], name="hotline_reminder_slot_kind_uniq")
        ]


class Episode(BaseModel):
    """One programme (期): the on-air unit, host, guests, topics and the questions it takes."""

    SCOPE_UNIT = "unit"

    slot = models.OneToOneField(
        OnAirSlot,
        verbose_name="上线安排",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="episode",
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="上线单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=120)
    air_date = models.DateField("播出日期", null=True, blank=True, help_text="原始稿件未载明日期时留空")
    air_date_note = models.CharField("日期说明", max_length=80, blank=True)
    channel = models.CharField("播出渠道", max_length=10, choices=Channel.choices, default=Channel.RADIO)
    host = models.CharField("主持人", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.PREPARING
    )
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-air_date", "-id"]
        verbose_name = verbose_name_plural = "节目期次"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hotline:episode_detail", args=[self.pk])

    @property
    def before_air_date(self) -> bool:
        """Today is before the scheduled air date: going on air now is early and needs a reason."""
        from django.utils import timezone

        return self.air_date is not None and self.air_date > timezone.localdate()

    @property
    def air_date_display(self) -> str:
        if self.air_date:
            return f"{self.air_date:%Y年%m月%d日}"
        return self.air_date_note or "日期未载明"


class Guest(models.Model):
    episode = models.ForeignKey(Episode, verbose_name="期次", on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("姓名", max_length=40)
    title = models.CharField("职务", max_length=40)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_head = models.BooleanField("一把手本人", default=False)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "嘉宾"

    def __str__(self) -> str:
        return f"{self.title}{self.name}"


class Topic(models.Model):
    episode = models.ForeignKey(Episode, verbose_name="期次", on_delete=models.CASCADE, related_name="topics")
    name = models.CharField("主题", max_length=60)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "话题"
        constraints = [
            models.UniqueConstraint(fields=["episode", "name"], name="hotline_topic_episode_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name


class ListenerIssue(BaseModel):
    """A listener's question (听众反映事项): collected before or taken during the show, and its outcome."""

    SCOPE_UNIT = "episode__unit"
    PII_FIELDS = {"caller_phone": "phone", "caller_name": "name"}

    episode = models.ForeignKey(Episode, verbose_name="期次", on_delete=models.PROTECT, related_name="issues")
    topic = models.ForeignKey(
        Topic, verbose_name="主题", null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    number = models.CharField("编号", max_length=30, unique=True)
    source = models.CharField("来源", max_length=12, choices=QuestionSource.choices)
    during_show = models.BooleanField("节目中来电", default=False)
    caller_name = EncryptedTextField("反映人", blank=True)
    caller_phone = EncryptedTextField("联系电话", blank=True)
    caller_phone_index = BlindIndexField(source="caller_phone", kind="phone")
    text = models.TextField("问题内容", blank=True)
    text_published = models.BooleanField(
        "问题原文已刊发", default=True, help_text="原始稿件只刊发了答复、未刊发问题原文时取消勾选"
    )
    screening = models.CharField("筛选", max_length=12, choices=Screening.choices, default=Screening.NEW)
    outcome = models.CharField("处理方式", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    answer_summary = models.CharField("答复摘要", max_length=300, blank=True)
    answer_text = models.TextField("答复全文", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    show_order = models.PositiveSmallIntegerField("节目中顺序", null=True, blank=True)
    in_article = models.BooleanField("收入文章", default=True)
    work_order = models.OneToOneField(
        "workorders.WorkOrder",
        verbose_name="转办工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_issue",
    )
    # A question asked on the public form can be followed with its number and this code (only the
    # keyed digest is stored; the asker is shown the code once).
    query_code_hash = models.CharField("查询码摘要", max_length=64, blank=True, editable=False)
    client_token = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "show_order", "id"]
        verbose_name = verbose_name_plural = "听众反映事项"

    def __str__(self) -> str:
        return self.number

    @property
    def caller_phone_masked(self) -> str:
        return mask_phone(self.caller_phone) if self.caller_phone else ""

    @property
    def caller_name_masked(self) -> str:
        if self.source == QuestionSource.PUBLISHED:
            return ""  # a question taken from a published article has no caller on record
        return mask_name(self.caller_name) if self.caller_name else "匿名"

    @property
    def display_text(self) -> str:
        if not self.text_published and not self.text:
            topic = self.topic.name if self.topic else "未注明"
            return f"（原始稿件未刊发该问题的文字，主题：{topic}）"
        return self.text


class Commitment(BaseModel):
    """承诺事项 made on air: what, who (unit and person), by when; progress with milestones and reports."""

    SCOPE_UNIT = "responsible_unit"

    issue = models.OneToOneField(
        ListenerIssue,
        verbose_name="来源问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitment",
    )
    episode = models.ForeignKey(
        Episode, verbose_name="期次", on_delete=models.PROTECT, related_name="commitments"
    )
    title = models.CharField("承诺事项", max_length=200)
    responsible_unit = models.ForeignKey(
        "orgs.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField("责任人", max_length=40)
    deadline = models.DateField("承诺期限")
    progress = models.PositiveSmallIntegerField(
        "进度(%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        "状态", max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)
    is_public = models.BooleanField("公开", default=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = verbose_name_plural = "承诺事项"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hotline:commitment_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != CommitmentStatus.VERIFIED

    @property
    def is_overdue(self) -> bool:
        if self.completed_on:
            return self.completed_on > self.deadline
        return timezone.localdate() > self.deadline


class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment, verbose_name="承诺事项", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=120)
    due_date = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = verbose_name_plural = "里程碑"

    def __str__(self) -> str:
        return self.title


class ProgressReport(BaseModel):
    """A unit's report on a commitment (the public history of the tracker)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name="承诺事项", on_delete=models.CASCADE, related_name="reports"
    )
    progress = models.PositiveSmallIntegerField("进度(%)")
    text = models.TextField("进展情况")
    evidence = models.ForeignKey(
        "core.Attachment",
        verbose_name="佐证材料",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_after = models.CharField("报告后状态", max_length=12, choices=CommitmentStatus.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_unit_name = models.CharField("报告单位", max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "进展报告"


class FollowUpItem(BaseModel):
    """One line of an episode's 追踪反馈 section: compiled from earlier open items, editable before use."""

    SCOPE_UNIT = "episode__unit"

    episode = models.ForeignKey(
        Episode, verbose_name="本期", on_delete=models.CASCADE, related_name="followups"
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name="承诺事项", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    issue = models.ForeignKey(
        ListenerIssue,
        verbose_name="来源问题",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.TextField("反馈内容")
    state_label = models.CharField("状态", max_length=40)
    is_late = models.BooleanField("已逾期", default=False)
    included = models.BooleanField("纳入本期", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "追踪反馈"


class Article(BaseModel):
    """The episode as a public article: intro, then 问/答 pairs; approved before it is published."""

    SCOPE_UNIT = "episode__unit"

    episode = models.OneToOneField(
        Episode, verbose_name="期次", on_delete=models.CASCADE, related_name="article"
    )
    title = models.CharField("标题", max_length=120)
    intro = models.TextField("导语")
    status = models.CharField(
        "状态", max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    search_tokens = models.TextField("检索词", blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "节目文章"

    def __str__(self) -> str:
        return self.title

    def get_public_url(self) -> str:
        return reverse("hotline:public_article", args=[self.pk])


class EvaluationRule(BaseModel):
    """The configurable scoring rule of the annual on-air evaluation (weights in points, sum 100)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    weight_attendance = models.PositiveSmallIntegerField("一把手到场", default=30)
    weight_answered = models.PositiveSmallIntegerField("现场答复率", default=20)
    weight_on_time = models.PositiveSmallIntegerField("按期办结率", default=30)
    weight_satisfaction = models.PositiveSmallIntegerField("群众满意率", default=20)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "上线评价规则"

    def __str__(self) -> str:
        return f"{self.year}年评价规则"

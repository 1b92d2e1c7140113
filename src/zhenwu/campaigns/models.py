"""专项行动 (campaigns: plan, objectives, milestones, roadmap, progress reports) and 目标任务 (annual targets)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from zhenwu.campaigns.choices import (
    CampaignStatus,
    Direction,
    MilestoneStatus,
    ReportCycle,
    ReportStatus,
    TargetSource,
)
from zhenwu.core.models import BaseModel
from zhenwu.orgs.scope import ScopedQuerySet


class Campaign(BaseModel):
    """A 专项行动 run by a 工作专班: 领导挂钩、部门牵头、条块结合、统筹推进."""

    # Visible to every unit of the task force (牵头部门 and 责任部门 alike; the lead is always a member).
    SCOPE_UNIT = "units"
    SCOPE_MULTI = True

    title = models.CharField("行动名称", max_length=80)
    year = models.PositiveSmallIntegerField("年度")
    summary = models.TextField("行动方案要点", blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="挂钩领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_title = models.CharField("挂钩领导职务", max_length=40, blank=True)
    lead_unit = models.ForeignKey(
        "orgs.Unit", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField("orgs.Unit", verbose_name="责任部门", related_name="+")
    owner_name = models.CharField("责任人", max_length=40)
    members = models.TextField("专班成员", blank=True, help_text="每行一人：姓名（单位、职务）")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("完成时限")
    plan_document = models.ForeignKey(
        "core.Attachment", verbose_name="行动方案", null=True, blank=True, on_delete=models.SET_NULL
    )
    report_cycle = models.CharField(
        "报送周期", max_length=10, choices=ReportCycle.choices, default=ReportCycle.BIWEEKLY
    )
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING
    )
    is_public = models.BooleanField("向社会公开进度", default=False)
    progress = models.DecimalField("实际进度(%)", max_digits=5, decimal_places=1, default=Decimal(0))
    last_report_at = models.DateTimeField("最近报送", null=True, blank=True)
    last_reminded_on = models.DateField("最近催报", null=True, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = verbose_name_plural = "专项行动"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])


class Objective(models.Model):
    """目标值: what the campaign must achieve, measurable."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField("目标", max_length=120)
    measure_unit = models.CharField("计量单位", max_length=12)
    baseline = models.DecimalField("基数", max_digits=12, decimal_places=2, default=Decimal(0))
    target_value = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices, default=Direction.UP)
    actual = models.DecimalField("当前值", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "目标值"

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """时间表: a milestone with its due date and weight; the weights of a campaign sum to 100."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("里程碑", max_length=120)
    due_date = models.DateField("计划完成")
    weight = models.PositiveSmallIntegerField(
        "权重(%)", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    progress = models.PositiveSmallIntegerField(
        "完成进度(%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        "状态", max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = verbose_name_plural = "里程碑"

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: date) -> bool:
        if self.completed_on:
            return self.completed_on > self.due_date
        return today > self.due_date


class RoadmapStep(models.Model):
    """路线图: ordered steps with a duration in working days, dated backward from the deadline (倒排节点)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("步骤", max_length=80)
    owner = models.CharField("责任人", max_length=40, blank=True)
    days = models.PositiveSmallIntegerField("工期(工作日)", validators=[MinValueValidator(1)])
    start = models.DateField("最迟开始")
    finish = models.DateField("最迟完成")

    class Meta:
        ordering = ["position"]
        verbose_name = verbose_name_plural = "路线图步骤"
        constraints = [models.UniqueConstraint(fields=["campaign", "position"], name="roadmap_step_position")]

    def __str__(self) -> str:
        return self.name


class ProgressReport(BaseModel):
    """A periodic progress report of the task force, with evidence photos and files."""

    SCOPE_UNIT = "campaign__units"

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("工作进展")
    problems = models.TextField("存在问题与下步打算", blank=True)
    progress_before = models.DecimalField("报送前进度(%)", max_digits=5, decimal_places=1)
    progress_after = models.DecimalField("报送后进度(%)", max_digits=5, decimal_places=1)
    milestone_changes = models.JSONField("里程碑进度变化", default=list)
    attachments = models.ManyToManyField(
        "core.Attachment", verbose_name="佐证照片与文件", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    client_token = models.CharField("提交标识", max_length=40, blank=True)  # a resubmitted form is one report
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "进展报告"

    def __str__(self) -> str:
        return f"{self.campaign.title} 进展报告"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:report_detail", args=[self.pk])


class LeaderComment(BaseModel):
    """领导批示 on a campaign, optionally on one report."""

    SCOPE_UNIT = "campaign__units"

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.CASCADE, related_name="comments"
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name="进展报告",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批示人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("批示")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "领导批示"

    def __str__(self) -> str:
        return self.text[:30]


class AnnualTarget(BaseModel):
    """目标任务: a unit's target for the year; the actual is entered with evidence or read from a metric."""

    SCOPE_UNIT = "unit"

    unit = models.ForeignKey("orgs.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("目标任务", max_length=120)
    category = models.CharField("类别", max_length=40, blank=True)
    measure_unit = models.CharField("计量单位", max_length=12)
    target_value = models.DecimalField("年度目标值", max_digits=14, decimal_places=2)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices, default=Direction.UP)
    source = models.CharField(
        "完成值来源", max_length=8, choices=TargetSource.choices, default=TargetSource.MANUAL
    )
    metric_key = models.CharField("系统指标", max_length=80, blank=True)
    manual_actual = models.DecimalField("填报完成值", max_digits=14, decimal_places=2, null=True, blank=True)
    evidence = models.ManyToManyField(
        "core.Attachment", verbose_name="佐证材料", blank=True, related_name="+"
    )
    evidence_note = models.CharField("完成情况说明", max_length=300, blank=True)
    actual_entered_at = models.DateTimeField("填报时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__path", "id"]
        verbose_name = verbose_name_plural = "目标任务"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title"], name="target_unique_title"),
            models.CheckConstraint(condition=models.Q(target_value__gt=0), name="target_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:target_detail", args=[self.pk])


class TargetSnapshot(models.Model):
    """A target's actual frozen at a quarter's end; never changed afterwards."""

    target = models.ForeignKey(
        AnnualTarget, verbose_name="目标任务", on_delete=models.CASCADE, related_name="snapshots"
    )
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    actual = models.DecimalField("季末完成值", max_digits=14, decimal_places=2, null=True)
    completion = models.DecimalField("季末完成率(%)", max_digits=7, decimal_places=1, null=True)
    frozen_at = models.DateTimeField("冻结时间", auto_now_add=True)

    class Meta:
        ordering = ["quarter"]
        verbose_name = verbose_name_plural = "季度快照"
        constraints = [models.UniqueConstraint(fields=["target", "quarter"], name="target_snapshot_quarter")]

    def __str__(self) -> str:
        return f"{self.target} Q{self.quarter}"

"""城市管理融合考核: schemes, indicators, weights, findings, objections, monthly results, bulletins."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from zhenwu.assessment.choices import (
    AwardKind,
    Board,
    BulletinStatus,
    FindingStatus,
    IndicatorKind,
    IndicatorSource,
    MonthStatus,
    ObjectionStatus,
    RectificationStatus,
    ResultCategory,
    TaskStatus,
    WeightMethod,
)
from zhenwu.core.models import Attachment, BaseModel
from zhenwu.orgs.scope import ScopedQuerySet

USER = settings.AUTH_USER_MODEL
ZERO = Decimal("0")


def default_award_rules() -> dict[str, int]:
    return {
        "red_flag_top_n": 1,
        "steed_by": 1,  # 1 = largest score gain, 2 = largest rank gain
        "snail_bottom_months": 2,
        "snail_overdue_rectifications": 3,
        "red_board_top_n": 3,
        "black_board_bottom_m": 2,
    }


class Scheme(BaseModel):
    """The assessment scheme (考核方案) of one year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("方案名称", max_length=120)
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objection_days = models.PositiveSmallIntegerField("申诉期限(工作日)", default=3)
    rectify_days = models.PositiveSmallIntegerField("整改期限(工作日)", default=5)
    award_rules = models.JSONField("评奖与红黑榜规则", default=default_award_rules)
    note = models.TextField("说明", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "考核方案"

    def __str__(self) -> str:
        return self.name


class Item(BaseModel):
    """考核项目, e.g. 城市长效管理; its manual part starts from `cap` and deductions are subtracted."""

    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="items")
    code = models.SlugField("项目编码", max_length=40)
    name = models.CharField("项目名称", max_length=80)
    cap = models.DecimalField("基础分(扣完为止)", max_digits=6, decimal_places=2, default=Decimal("100"))
    bonus_cap = models.DecimalField("加分上限", max_digits=6, decimal_places=2, default=Decimal("5"))
    responsible_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="牵头责任部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = verbose_name_plural = "考核项目"
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="assessment_item_code_uniq")]

    def __str__(self) -> str:
        return self.name


class Indicator(BaseModel):
    """考核细则: a deduction rule, a veto, a bonus, or a score computed from zhenwu data."""

    item = models.ForeignKey(
        Item, verbose_name="考核项目", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField("细则编码", max_length=40)
    name = models.CharField("细则内容", max_length=200)
    kind = models.CharField(
        "类型", max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.DEDUCTION
    )
    source = models.CharField(
        "来源", max_length=20, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    max_score = models.DecimalField(
        "分值上限",
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        help_text="扣分类：本细则最多扣的分；加分类：本细则最多加的分；计算类：本细则满分",
    )
    points_per_finding = models.DecimalField(
        "每处扣(加)分", max_digits=6, decimal_places=2, default=Decimal("1")
    )
    metric_key = models.CharField("数据指标", max_length=60, blank=True)
    formula = models.JSONField(
        "换算公式",
        default=list,
        blank=True,
        help_text="折线分段：[[指标值, 得分], ...]，两端之外取端点得分",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["item", "sort_order", "id"]
        verbose_name = verbose_name_plural = "考核细则"
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="assessment_indicator_code_uniq")
        ]

    @property
    def metric_label(self) -> str:
        """The data indicator by its Chinese name, never the key."""
        from zhenwu.assessment.computed import metric_choices

        return dict(metric_choices()).get(self.metric_key, "（数据指标已停用）") if self.metric_key else ""

    @property
    def formula_label(self) -> str:
        from zhenwu.assessment.computed import formula_text

        return formula_text(self.formula or [])

    def __str__(self) -> str:
        return f"{self.item.name} · {self.name}"

    @property
    def is_veto(self) -> bool:
        return self.kind == IndicatorKind.VETO

    @property
    def is_bonus(self) -> bool:
        return self.kind == IndicatorKind.BONUS


class WeightProfile(BaseModel):
    """一村一策: the item weights of one unit (or of a unit kind) from a month on. History is kept."""

    SCOPE_UNIT = "unit"

    scheme = models.ForeignKey(
        Scheme, verbose_name="方案", on_delete=models.CASCADE, related_name="weight_profiles"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit_kind = models.CharField(
        "单位类别", max_length=20, blank=True, help_text="不指定单位时按类别(村/社区)适用"
    )
    valid_from = models.DateField("起用月份")
    weights = models.JSONField("权重", help_text="{项目编码: 权重}，合计为 1")
    method = models.CharField(
        "方法", max_length=20, choices=WeightMethod.choices, default=WeightMethod.MANUAL
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="设定人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = verbose_name_plural = "权重方案(一村一策)"

    def __str__(self) -> str:
        return f"{self.unit or self.get_unit_kind_display()} {self.valid_from:%Y-%m}起"

    def get_unit_kind_display(self) -> str:
        return {"village": "村", "community": "社区"}.get(self.unit_kind, self.unit_kind)


class AssessmentMonth(BaseModel):
    """One month of the scheme. Closing it stores the rules it was scored with and locks it."""

    scheme = models.ForeignKey(Scheme, verbose_name="方案", on_delete=models.PROTECT, related_name="months")
    month = models.DateField("考核月份", unique=True, help_text="当月 1 日")
    status = models.CharField("状态", max_length=20, choices=MonthStatus.choices, default=MonthStatus.OPEN)
    closed_at = models.DateTimeField("关账时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name="关账人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rules_snapshot = models.JSONField("关账时的考核规则", default=dict, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重开次数", default=0)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["-month"]
        verbose_name = verbose_name_plural = "考核月份"

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}"

    @property
    def is_closed(self) -> bool:
        return self.status == MonthStatus.CLOSED

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


class Finding(BaseModel):
    """检查发现: one inspection record; it becomes a deduction (or a bonus or a veto) of its unit."""

    SCOPE_UNIT = "unit"

    number = models.CharField("编号", max_length=40, unique=True)
    month = models.ForeignKey(
        AssessmentMonth, verbose_name="考核月份", on_delete=models.PROTECT, related_name="findings"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="被考核单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="考核细则", on_delete=models.PROTECT, related_name="findings"
    )
    count = models.PositiveIntegerField("处数", default=1)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2, help_text="处数 × 每处分值")
    found_on = models.DateField("检查日期")
    place = models.CharField("地点", max_length=200, blank=True)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    note = models.TextField("情况说明", blank=True)
    photos = models.ManyToManyField(Attachment, verbose_name="照片", blank=True, related_name="+")
    # When each photo was taken (the phone's capture time), in the order the photos were attached.
    photo_times = models.JSONField("拍摄时间", default=list, blank=True)
    inspector = models.ForeignKey(
        USER, verbose_name="检查人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=FindingStatus.choices, default=FindingStatus.ACTIVE
    )
    objection_deadline = models.DateField("申诉截止日")
    rectification = models.CharField(
        "整改", max_length=20, choices=RectificationStatus.choices, default=RectificationStatus.REQUIRED
    )
    rectify_deadline = models.DateField("整改期限", null=True, blank=True)
    rectify_note = models.TextField("整改说明", blank=True)
    rectify_photos = models.ManyToManyField(Attachment, verbose_name="整改照片", blank=True, related_name="+")
    rectified_at = models.DateTimeField("整改提交时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        USER, verbose_name="核验人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = verbose_name_plural = "检查发现(扣分)"
        indexes = [models.Index(fields=["month", "unit", "indicator"], name="assess_finding_month_unit")]

    def __str__(self) -> str:
        return self.number

    @property
    def photo_times_display(self) -> list[str]:
        """The photos' capture times in local time, 照片 1 first; "—" where the phone gave none."""
        from datetime import datetime

        from django.utils import timezone

        out = []
        for raw in self.photo_times or []:
            try:
                moment = datetime.fromisoformat(raw)
            except (TypeError, ValueError):
                out.append("—")
                continue
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            out.append(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))
        return out

    def is_overdue(self, today: object) -> bool:
        return (
            self.rectification in (RectificationStatus.REQUIRED,)
            and self.rectify_deadline is not None
            and self.rectify_deadline < today  # type: ignore[operator]
        )


class Objection(BaseModel):
    """申诉: a unit disputes a finding with evidence; a reviewer upholds or rejects it."""

    SCOPE_UNIT = "unit"

    finding = models.ForeignKey(
        Finding, verbose_name="检查发现", on_delete=models.PROTECT, related_name="objections"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="申诉单位", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("申诉理由")
    evidence = models.ManyToManyField(Attachment, verbose_name="证据材料", blank=True, related_name="+")
    status = models.CharField(
        "状态", max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name="申诉人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)
    # 部分成立: the finding's 处数 before the decision and the number the reviewer let stand.
    original_count = models.PositiveIntegerField("原认定处数", null=True, blank=True)
    accepted_count = models.PositiveIntegerField("审核后认定处数", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "申诉"

    def __str__(self) -> str:
        return f"申诉 {self.finding.number}"


class MonthlyResult(models.Model):
    """The score and rank of one unit in one closed month. `items` keeps the detail per item."""

    SCOPE_UNIT = "unit"

    month = models.ForeignKey(
        AssessmentMonth, verbose_name="考核月份", on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(
        "类别", max_length=20, choices=ResultCategory.choices, default=ResultCategory.AREA
    )
    total = models.DecimalField("综合得分", max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField("名次")
    deduction_total = models.DecimalField("扣分合计", max_digits=8, decimal_places=2, default=ZERO)
    previous_total = models.DecimalField("上月得分", max_digits=7, decimal_places=2, null=True, blank=True)
    previous_rank = models.PositiveIntegerField("上月名次", null=True, blank=True)
    items = models.JSONField("分项得分", default=dict)
    weights = models.JSONField("适用权重", default=dict)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "category", "rank", "unit__code"]
        verbose_name = verbose_name_plural = "月度考核结果"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "category"], name="assessment_result_month_unit_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.unit} {self.total}"

    @property
    def score_change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


class Award(models.Model):
    SCOPE_UNIT = "unit"

    month = models.ForeignKey(
        AssessmentMonth, verbose_name="考核月份", on_delete=models.CASCADE, related_name="awards"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("奖项", max_length=20, choices=AwardKind.choices)
    reason = models.CharField("理由", max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "kind", "id"]
        verbose_name = verbose_name_plural = "奖项"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"


class HonourRoll(models.Model):
    SCOPE_UNIT = "unit"

    month = models.ForeignKey(
        AssessmentMonth, verbose_name="考核月份", on_delete=models.CASCADE, related_name="honour_rolls"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    board = models.CharField("榜单", max_length=10, choices=Board.choices)
    position = models.PositiveSmallIntegerField("位次")
    total = models.DecimalField("得分", max_digits=7, decimal_places=2)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "board", "position"]
        verbose_name = verbose_name_plural = "红黑榜"

    def __str__(self) -> str:
        return f"{self.get_board_display()} {self.unit}"


def bulletin_path(instance: Bulletin, filename: str) -> str:
    return f"assessment/bulletins/{instance.month.month:%Y-%m}/{filename}"


class Bulletin(BaseModel):
    """通报: generated after the close, public once a leader approves it."""

    month = models.OneToOneField(
        AssessmentMonth, verbose_name="考核月份", on_delete=models.CASCADE, related_name="bulletin"
    )
    number = models.CharField("文号", max_length=60)
    title = models.CharField("标题", max_length=200)
    status = models.CharField(
        "状态", max_length=20, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    docx = models.FileField("通报(Word)", upload_to=bulletin_path)
    xlsx = models.FileField("明细(Excel)", upload_to=bulletin_path)
    generated_by = models.ForeignKey(
        USER, verbose_name="生成人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        USER, verbose_name="审批人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核通报"

    def __str__(self) -> str:
        return self.title


class ReviewMeeting(BaseModel):
    """点评会: the monthly review meeting."""

    month = models.ForeignKey(
        AssessmentMonth,
        verbose_name="考核月份",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=120)
    place = models.CharField("地点", max_length=120, blank=True)
    attendees = models.TextField("参会人员")
    summary = models.TextField("会议纪要", blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "点评会"

    def __str__(self) -> str:
        return self.title


class MeetingDecision(BaseModel):
    """A decision of a meeting; with a unit and a deadline it is a task in that unit's list."""

    SCOPE_UNIT = "unit"

    meeting = models.ForeignKey(
        ReviewMeeting, verbose_name="点评会", on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField("决定事项")
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField("完成期限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_note = models.TextField("完成情况", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = verbose_name_plural = "点评会决定(任务)"

    def __str__(self) -> str:
        return self.text[:40]

"""小牛办: the 事项 catalogue (versioned), 一件事 bundles, applications, licences, ratings and the hall queue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenwu.core.fields import BlindIndexField, EncryptedTextField
from zhenwu.core.models import BaseModel
from zhenwu.govservices.choices import (
    Channel,
    ExerciseLevel,
    HandlingForm,
    LicenceStatus,
    OnlineDepth,
    ProcessingKind,
    RectificationStatus,
    ResultType,
    Score,
    ServiceMode,
    ServiceScope,
    Status,
    TicketStatus,
    TimeUnit,
)
from zhenwu.orgs.scope import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


class ItemType(models.Model):
    """事项类型: a configurable code list (provinces differ), seeded with the national types."""

    code = models.CharField("类型编码", max_length=20, unique=True)
    name = models.CharField("类型名称", max_length=40)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "事项类型"

    def __str__(self) -> str:
        return self.name


class ServiceItem(BaseModel):
    """A 政务服务事项 of the town's 实施清单. Its elements live in versions; applications keep theirs."""

    base_code = models.CharField("基本编码", max_length=20, db_index=True)
    impl_code = models.CharField("实施编码", max_length=60, unique=True)
    name = models.CharField("事项名称", max_length=120, db_index=True)
    current = models.ForeignKey(
        "ItemVersion",
        verbose_name="当前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegated_units = models.ManyToManyField(
        "orgs.Unit", verbose_name="下放的便民服务站与网格", blank=True, related_name="delegated_items"
    )
    is_active = models.BooleanField("在用", default=True)
    is_sample = models.BooleanField("示例数据", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "政务服务事项"

    def __str__(self) -> str:
        return self.name


class ItemVersion(models.Model):
    """One version of an item's national element set. Never edited: a change makes the next version."""

    item = models.ForeignKey(
        ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    name = models.CharField("事项名称", max_length=120)
    item_type = models.ForeignKey(ItemType, verbose_name="事项类型", on_delete=models.PROTECT)
    level = models.CharField("行使层级", max_length=20, choices=ExerciseLevel.choices)
    agency_name = models.CharField("实施主体", max_length=80)
    agency_uscc = models.CharField("实施主体统一社会信用代码", max_length=18)
    legal_basis = models.TextField("设定依据")
    conditions = models.TextField("受理条件")
    legal_limit = models.PositiveIntegerField("法定办结时限")
    promised_limit = models.PositiveIntegerField("承诺办结时限")
    limit_unit = models.CharField(
        "时限单位", max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    processing_kind = models.CharField("办件类型", max_length=20, choices=ProcessingKind.choices)
    handling_form = models.CharField("办理形式", max_length=20, choices=HandlingForm.choices)
    visits = models.PositiveSmallIntegerField("到办事现场次数", default=0)
    visits_reason = models.CharField("必须现场办理原因", max_length=200, blank=True)
    charges = models.BooleanField("是否收费", default=False)
    fee_basis = models.TextField("收费依据", blank=True)
    fee_lines = models.JSONField("收费项目", default=list, blank=True)  # [{"name", "amount"}]
    service_object = models.CharField("服务对象", max_length=80)
    process_steps = models.JSONField("办理流程", default=list)  # ["申请", "受理", …]
    location = models.CharField("办理地点", max_length=200)
    hours = models.CharField("办理时间", max_length=200)
    consult_channel = models.CharField("咨询方式", max_length=200)
    complaint_channel = models.CharField("投诉方式", max_length=200)
    result_type = models.CharField("审批结果类型", max_length=20, choices=ResultType.choices)
    result_name = models.CharField("审批结果名称", max_length=80)
    result_valid_years = models.PositiveSmallIntegerField("证照有效期（年）", default=0)
    result_sample = models.ForeignKey(
        "core.Attachment",
        verbose_name="审批结果样本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # [{"key", "name", "necessity", "form", "copies", "source", "standard", "blank_form", "sample_form"}]
    materials = models.JSONField("申请材料", default=list)
    # [{"key", "label", "kind"}]: the data elements the application form asks for
    fields = models.JSONField("申请表字段", default=list)
    online_depth = models.CharField("网上办理深度", max_length=2, choices=OnlineDepth.choices)
    service_scope = models.CharField("通办范围", max_length=20, choices=ServiceScope.choices)
    note = models.CharField("变更说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="修订人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("修订时间", auto_now_add=True)

    class Meta:
        ordering = ["item_id", "-number"]
        verbose_name = verbose_name_plural = "事项版本"
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="gs_itemversion_item_number_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    @property
    def is_immediate(self) -> bool:
        return self.processing_kind == ProcessingKind.IMMEDIATE

    @property
    def issues_licence(self) -> bool:
        return self.result_type == ResultType.LICENCE


class Bundle(BaseModel):
    """一件事: a 情形 questionnaire selects the items; one form, one set of materials."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    description = models.TextField("说明", blank=True)
    items = models.ManyToManyField(ServiceItem, verbose_name="涉及事项", related_name="bundles")
    base_items = models.ManyToManyField(ServiceItem, verbose_name="必办事项", blank=True, related_name="+")
    # [{"key", "text", "options": [{"value", "label", "items": [item pk, …]}]}]
    questions = models.JSONField("情形问题", default=list)
    committed_days = models.PositiveIntegerField("承诺办结时限（工作日）", null=True, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "一件事"

    def __str__(self) -> str:
        return self.name


class Submission(BaseModel):
    """一次申请: one number, one form, one set of materials; one Application per item."""

    SCOPE_UNIT = "unit"
    SCOPE_OWNER = "applicant_user"

    number = models.CharField("申请编号", max_length=40, unique=True)
    query_code_hash = models.CharField("查询码摘要", max_length=64, blank=True)
    bundle = models.ForeignKey(Bundle, verbose_name="一件事", null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey("orgs.Unit", verbose_name="受理地点", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("申请渠道", max_length=20, choices=Channel.choices)
    service_mode = models.CharField(
        "服务方式", max_length=20, choices=ServiceMode.choices, default=ServiceMode.STANDARD
    )
    helper = models.ForeignKey(
        USER, verbose_name="帮办代办人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant_user = models.ForeignKey(
        USER, verbose_name="申请人账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant_name = models.CharField("申请人", max_length=80)
    applicant_phone = EncryptedTextField("联系电话", blank=True)
    applicant_phone_index = BlindIndexField(source="applicant_phone", kind="phone")
    answers = models.JSONField("情形选择", default=dict, blank=True)
    form_data = models.JSONField("申请表", default=dict, blank=True)
    client_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "申请"

    def __str__(self) -> str:
        return self.number


class SubmittedMaterial(BaseModel):
    """A material submitted once for the whole submission (shared by every item that needs it)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="materials")
    key = models.CharField("材料标识", max_length=60)
    name = models.CharField("材料名称", max_length=120)
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    is_supplement = models.BooleanField("补正材料", default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "申请材料"


class Application(BaseModel):
    """办件: one item of a submission, with its own state, clock and deadline."""

    SCOPE_UNIT = "unit"
    SCOPE_OWNER = "submission__applicant_user"

    number = models.CharField("办件编号", max_length=44, unique=True)
    submission = models.ForeignKey(
        Submission, verbose_name="申请", on_delete=models.CASCADE, related_name="applications"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="applications"
    )
    version = models.ForeignKey(
        ItemVersion, verbose_name="事项版本", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name="受理地点", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("申请渠道", max_length=20, choices=Channel.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField("收件时间")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    due_date = models.DateField("办结期限", null=True, blank=True)
    paused_on = models.DateField("计时暂停日", null=True, blank=True)
    paused_days = models.PositiveIntegerField("暂停工作日数", default=0)
    supplement_deadline = models.DateField("补正期限", null=True, blank=True)
    supplement_note = models.TextField("补正要求", blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    on_time = models.BooleanField("按时办结", null=True, blank=True)
    one_visit = models.BooleanField("一次办成", null=True, blank=True)
    result_note = models.TextField("办理结果", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "办件"
        indexes = [
            models.Index(fields=["unit", "-id"], name="gs_app_unit_id"),
            models.Index(fields=["status", "-id"], name="gs_app_status_id"),
            models.Index(fields=["received_at"], name="gs_app_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.version.name}"

    @property
    def is_open(self) -> bool:
        return self.status not in {Status.DONE, Status.DELIVERED, Status.REFUSED, Status.RETURNED}

    def is_overdue(self, today: date) -> bool:
        return bool(self.is_open and self.due_date and self.paused_on is None and self.due_date < today)


class ApplicationEvent(models.Model):
    """The application's timeline (separate from the audit log)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=30)
    label = models.CharField("操作名称", max_length=40)
    status_after = models.CharField("操作后状态", max_length=20, choices=Status.choices)
    note = models.TextField("说明", blank=True)
    actor_name = models.CharField("操作人", max_length=80, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label


class Licence(BaseModel):
    """电子证照: the canonical JSON text, signed with SM2; the status is not part of the signed text."""

    SCOPE_UNIT = "application__unit"

    code = models.CharField("证照编号", max_length=40, unique=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="licence")
    name = models.CharField("证照名称", max_length=80)
    holder = models.CharField("持证主体", max_length=120)
    canonical = models.TextField("签名原文")
    signature = models.CharField("SM2签名", max_length=128)
    public_key = models.CharField("签名公钥", max_length=130)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    revoked_reason = models.CharField("注销原因", max_length=200, blank=True)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "电子证照"

    def __str__(self) -> str:
        return f"{self.name} {self.code}"


class Rating(models.Model):
    """好差评: once per application."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField("评价", choices=Score.choices)
    comment = models.CharField("评价意见", max_length=500, blank=True)
    created_at = models.DateTimeField("评价时间", auto_now_add=True)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "好差评"

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_score_display()}"


class Rectification(BaseModel):
    """差评整改: the unit replies to the applicant by the deadline; the 政务办 verifies."""

    SCOPE_UNIT = "unit"

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    unit = models.ForeignKey("orgs.Unit", verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=20, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    due_date = models.DateField("整改期限")
    reply = models.TextField("整改答复", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verify_note = models.CharField("核实意见", max_length=200, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = verbose_name_plural = "差评整改"

    def __str__(self) -> str:
        return f"差评整改 #{self.pk}"


class Window(models.Model):
    """A window (窗口) of the hall or of a station; tickets and bookings are per window."""

    SCOPE_UNIT = "unit"

    unit = models.ForeignKey("orgs.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+")
    letter = models.CharField("号段字母", max_length=2)
    name = models.CharField("窗口名称", max_length=60)
    slot_capacity = models.PositiveSmallIntegerField("每时段可预约数", default=4)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["letter"]
        verbose_name = verbose_name_plural = "窗口"
        constraints = [models.UniqueConstraint(fields=["letter"], name="gs_window_letter_uniq")]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class Booking(BaseModel):
    window = models.ForeignKey(Window, verbose_name="窗口", on_delete=models.PROTECT, related_name="bookings")
    day = models.DateField("预约日期")
    slot = models.TimeField("时段")
    name = models.CharField("预约人", max_length=80)
    phone = EncryptedTextField("联系电话")
    code = models.CharField("预约码", max_length=12, unique=True)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["day", "slot", "id"]
        verbose_name = verbose_name_plural = "预约"

    def __str__(self) -> str:
        return f"{self.day} {self.slot} {self.window_id}"


class Ticket(models.Model):
    window = models.ForeignKey(Window, verbose_name="窗口", on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField("日期")
    seq = models.PositiveIntegerField("序号")
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket"
    )
    status = models.CharField(
        "状态", max_length=20, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    issued_at = models.DateTimeField("取号时间")
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["day", "seq"]
        verbose_name = verbose_name_plural = "排队号"
        constraints = [
            models.UniqueConstraint(fields=["window", "day", "seq"], name="gs_ticket_window_day_seq")
        ]
        indexes = [models.Index(fields=["window", "day", "status"], name="gs_ticket_queue")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.window.letter}{self.seq:03d}"

    def wait_minutes(self) -> Any:
        if self.called_at is None:
            return None
        return (self.called_at - self.issued_at).total_seconds() / 60


def open_q() -> Q:
    return ~Q(status__in=[Status.DONE, Status.DELIVERED, Status.REFUSED, Status.RETURNED])

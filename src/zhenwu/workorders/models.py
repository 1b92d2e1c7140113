"""诉求工单: the work order, its category tree, timeline, assisting units and Open311 applications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from zhenwu.core.fields import BlindIndexField, EncryptedTextField
from zhenwu.core.models import Attachment, BaseModel
from zhenwu.orgs.scope import Action as ScopeAction
from zhenwu.orgs.scope import ScopedQuerySet, business_unit_q
from zhenwu.workorders.choices import CLOSED_STATES, Action, Channel, Satisfaction, Status, Urgency
from zhenwu.workorders.search import SEARCH_FIELDS, search_text

DESCRIPTION_MAX = 4000


class Category(BaseModel):
    """诉求分类: an editable tree; each leaf carries its time limits and optional extra fields.

    ``code`` doubles as the Open311 service_code. ``extra_fields`` is a list of
    ``{"code", "label", "datatype", "required", "values": [{"key", "name"}], "description"}``
    (GeoReport v2 attribute datatypes: string, number, datetime, text, singlevaluelist,
    multivaluelist).
    """

    code = models.CharField("编码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.CharField("说明", max_length=300, blank=True)
    time_limit_days = models.PositiveSmallIntegerField("办理时限(工作日)", default=5)
    sign_limit_hours = models.PositiveSmallIntegerField("签收时限(工作小时)", default=2)
    unit_type = models.CharField("通常承办单位类型", max_length=20, blank=True)
    keywords = models.CharField("关键词", max_length=300, blank=True)
    extra_fields = models.JSONField("附加字段", default=list, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    is_sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = verbose_name_plural = "诉求分类"

    def __str__(self) -> str:
        if self.parent_id and self.parent is not None:
            return f"{self.parent.name} / {self.name}"
        return self.name


class Open311App(BaseModel):
    """A registered Open311 client application; its api_key is stored encrypted and found by index."""

    name = models.CharField("应用名称", max_length=100)
    contact = models.CharField("联系人", max_length=100, blank=True)
    api_key = EncryptedTextField("api_key")
    api_key_index = BlindIndexField(source="api_key", kind="open311_key", unique=True)
    is_active = models.BooleanField("启用", default=True)
    is_sample = models.BooleanField("示例数据", default=False)
    posts_per_minute = models.PositiveIntegerField(
        "每分钟提交上限",
        null=True,
        blank=True,
        help_text="留空则用系统默认（ZHENWU_OPEN311_POSTS_PER_MINUTE）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "Open311应用"

    def __str__(self) -> str:
        return self.name


class Open311Changeset(models.Model):
    """One row: a digest of what Open311 clients cache (services, their definitions, the endpoint
    settings) and the time it last changed, which discovery answers as ``changeset``."""

    digest = models.CharField("摘要", max_length=64)
    changed_at = models.DateTimeField("变更时间")

    objects: models.Manager[Open311Changeset] = models.Manager()

    class Meta:
        verbose_name = verbose_name_plural = "Open311变更时间"

    def __str__(self) -> str:
        return f"Open311 changeset {self.changed_at:%Y-%m-%d %H:%M:%S}"


class InSubquery(models.Func):
    """``column IN (subquery)``, written on PostgreSQL as ``column = ANY(ARRAY(subquery))``.

    Same rows. But the subquery then runs once, before the scan, and the column's index can
    serve the condition even inside an OR (lead unit OR 协办 unit OR reporter, combined as a
    BitmapOr, and with the search index as a BitmapAnd), where ``IN (subquery)`` under an OR
    becomes a filter tested on every row of a million.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, column: str, queryset: models.QuerySet[Any]) -> None:
        super().__init__(models.F(column), models.Subquery(queryset))

    def _parts(self, compiler: Any) -> tuple[str, str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        subquery, sub_params = compiler.compile(self.source_expressions[1])
        return column, subquery, [*params, *sub_params]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, subquery, params = self._parts(compiler)
        return f"{column} IN {subquery}", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, subquery, params = self._parts(compiler)
        return f"{column} = ANY(ARRAY{subquery})", params


class WorkOrderQuerySet(ScopedQuerySet["WorkOrder"]):
    def visible_to(self, user: Any, action: ScopeAction = "view") -> WorkOrderQuerySet:
        """The one scope of work orders: the lead unit, the 协办 (assisting) units — with no
        cut-off — or the reporter. Everything reads through it: inbox, counts, lists, export,
        督办 and the permission checks of the services (which then ask who leads)."""
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not getattr(user, "is_active", False)
        ):
            return self.none()
        units_q = business_unit_q(user, action)
        if units_q is None:
            return self
        from zhenwu.orgs.models import Unit

        # The units in scope as values, and among them those that lead any order (one small query,
        # an index probe per unit): a village's grids lead none, and the planner, which cannot
        # know that, would take each for a hundredth of all orders and scan the whole table
        # for what the village's one index range holds.
        rows = (
            Unit.objects.filter(units_q)
            .order_by()
            .annotate(leads=models.Exists(WorkOrder.objects.filter(lead_unit_id=models.OuterRef("pk"))))
            .values_list("pk", "leads")
        )
        units, leading = [], []
        for pk, leads in rows:
            units.append(pk)
            if leads:
                leading.append(pk)
        assisted = WorkOrder.assisting_units.through.objects.filter(unit_id__in=units).values("workorder_id")
        q = models.Q(lead_unit_id__in=leading) | models.Q(InSubquery("id", assisted))
        if action == "view":
            q |= models.Q(reporter_user_id=user.pk)
        return self.filter(q)

    def led_by_scope(self, user: Any, action: ScopeAction = "view") -> WorkOrderQuerySet:
        """Only the orders whose lead unit is in the person's scope (the handler's inbox tabs)."""
        units_q = business_unit_q(user, action)
        if units_q is None:
            return self
        from zhenwu.orgs.models import Unit

        return self.filter(lead_unit_id__in=Unit.objects.filter(units_q).values("pk"))

    def assisted_by_scope(self, user: Any) -> WorkOrderQuerySet:
        """Orders some unit in the person's scope assists (协办) but does not lead."""
        units_q = business_unit_q(user, "view")
        if units_q is None:
            return self.filter(assisting_units__isnull=False).distinct()
        from zhenwu.orgs.models import Unit

        units = Unit.objects.filter(units_q).values("pk")
        assisted = WorkOrder.assisting_units.through.objects.filter(unit_id__in=units).values("workorder_id")
        return self.filter(pk__in=assisted).exclude(lead_unit_id__in=units)


class WorkOrder(BaseModel):
    SCOPE_UNIT = "lead_unit"
    SCOPE_OWNER = "reporter_user"
    PII_FIELDS = {"reporter_name": "name", "reporter_phone": "phone"}

    number = models.CharField("工单编号", max_length=32, unique=True)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name="诉求分类", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=80, blank=True)
    description = models.TextField("诉求内容", max_length=DESCRIPTION_MAX)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    address = models.CharField("地址", max_length=200, blank=True)
    lat = models.DecimalField("纬度(WGS84)", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度(WGS84)", max_digits=9, decimal_places=6, null=True, blank=True)
    grid = models.ForeignKey(
        "orgs.Unit",
        verbose_name="所在网格/村社区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extra = models.JSONField("附加信息", default=dict, blank=True)

    reporter_name = EncryptedTextField("诉求人姓名", blank=True)
    reporter_phone = EncryptedTextField("联系电话", blank=True)
    reporter_phone_index = BlindIndexField(source="reporter_phone", kind="phone")
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="诉求人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymous = models.BooleanField("匿名", default=False)
    confidential = models.BooleanField("保密", default=False)
    query_code_hash = models.CharField("查询码摘要", max_length=64, blank=True)

    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NEW)
    lead_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assisting_units = models.ManyToManyField(
        "orgs.Unit", verbose_name="协办单位", blank=True, related_name="assisted_work_orders"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="并入工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_children",
    )

    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    sign_deadline = models.DateTimeField("签收时限", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    deadline = models.DateTimeField("办结时限", null=True, blank=True)
    warn_at = models.DateTimeField("预警时间", null=True, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    handling_hours = models.FloatField("办理用时(工作小时)", null=True, blank=True)

    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField("重办次数", default=0)
    extension_count = models.PositiveSmallIntegerField("延期次数", default=0)
    return_count = models.PositiveSmallIntegerField("退单次数", default=0)
    pending_extension_days = models.PositiveSmallIntegerField("申请延期天数", null=True, blank=True)
    supervised_at = models.DateTimeField("督办时间", null=True, blank=True)
    reminded_at = models.DateTimeField("催办时间", null=True, blank=True)

    client_token = models.CharField("提交令牌", max_length=64, null=True, blank=True, unique=True)
    open311_app = models.ForeignKey(
        Open311App,
        verbose_name="Open311应用",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photos = models.ManyToManyField(Attachment, verbose_name="照片", blank=True, related_name="+")
    is_sample = models.BooleanField("示例数据", default=False)
    # Tokens of number, title, description and address (workorders/search.py), kept by save();
    # on PostgreSQL a GIN index over workorder_search_tokens(search_text) serves the list's q
    # (migration 0007 creates both: Django's Index cannot say GIN without contrib.postgres).
    search_text = models.TextField("检索词", blank=True, default="", editable=False)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "诉求工单"
        indexes = [
            models.Index(fields=["lead_unit", "status", "deadline"], name="wo_unit_status_deadline"),
            models.Index(fields=["status", "deadline"], name="wo_status_deadline"),
            models.Index(fields=["lead_unit", "dispatched_at"], name="wo_unit_dispatched"),
            models.Index(fields=["category", "created_at"], name="wo_category_created"),
            models.Index(fields=["grid", "created_at"], name="wo_grid_created"),
            # The dispatch desk's queue (待受理/待派单) is a few rows among a million: a partial index.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status__in=["new", "accepted"]),
                name="wo_desk_queue",
            ),
            # The staff list's 未办结 filter, newest first: a few percent of a million orders.
            # Written as the list writes it (status not closed), so the planner can prove it.
            models.Index(
                fields=["-created_at", "-id"],
                condition=~models.Q(status__in=sorted(CLOSED_STATES)),
                name="wo_list_open_created",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps search_text in step with the fields it is made of (a save naming none of them,
        e.g. a status change with update_fields, leaves it alone)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(SEARCH_FIELDS).isdisjoint(update_fields):
            self.search_text = search_text(self.number, self.title, self.description, self.address)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("workorders:detail", args=[self.number])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATES

    @property
    def summary(self) -> str:
        return self.title or self.description[:40]


class OrderEvent(models.Model):
    """The order's own timeline (受理 → 派单 → 签收 ...), separate from the audit log."""

    order = models.ForeignKey(WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=12, blank=True, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=12, blank=True, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=100, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="相关单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    is_public = models.BooleanField("对诉求人可见", default=True)
    photos = models.ManyToManyField(Attachment, verbose_name="附件", blank=True, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "工单时间线"

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"

    @property
    def heading(self) -> str:
        """The step's name with its outcome: 评价（不满意）, 重办（第 1 次）."""
        label = self.get_action_display()
        if self.action in {Action.RATE, Action.CALLBACK} and self.data.get("satisfaction"):
            return f"{label}（{Satisfaction(self.data['satisfaction']).label}）"
        if self.action == Action.REWORK and self.data.get("round"):
            return f"{label}（第 {self.data['round']} 次）"
        return label

    @property
    def in_words(self) -> str:
        """One sentence a citizen understands, saying what happened at this step."""
        unit = self.unit.name if self.unit_id and self.unit else "承办单位"
        d = self.data or {}
        words: dict[str, str] = {
            Action.CREATE: "诉求已登记。",
            Action.ACCEPT: "诉求已受理，等待派给负责单位。",
            Action.REJECT: "诉求不予受理。",
            Action.ANSWER: "工作人员已直接答复。",
            Action.DISPATCH: f"已派给{unit}办理。",
            Action.REASSIGN: f"已改派给{unit}办理。",
            Action.KEEP: f"经审定，仍由{unit}办理。",
            Action.SIGN: f"{unit}已签收，开始办理。",
            Action.RETURN: "承办单位认为不属其职责，已退回重新派单。",
            Action.EXTEND: "承办单位申请延长办理时限。",
            Action.APPROVE_EXTENSION: (
                f"延期已批准，延长 {d.get('days', '')} 个工作日"
                + (f"，新的办结时限为 {d['deadline']}。" if d.get("deadline") else "。")
            ),
            Action.DENY_EXTENSION: "延期申请未获批准，按原时限办理。",
            Action.REPLY: f"{unit}已答复办理结果。"
            if not d.get("via")
            else f"与同类诉求 {d['via']} 合并办理，已答复。",
            Action.CALLBACK: "已回访诉求人。",
            Action.RATE: "诉求人已评价。",
            Action.REWORK: (
                f"诉求人不满意，已退回{unit}重新办理"
                + (f"，新的办结时限为 {d['deadline']}。" if d.get("deadline") else "。")
            ),
            Action.MERGE: "与同类诉求合并办理。",
            Action.SUPERVISE: "已督办。",
            Action.REMIND: "已催办。",
            Action.NOTE: "工作人员备注。",
            Action.RECALC: "办理时限已按工作日历重新计算。",
        }
        text = words.get(self.action, self.get_action_display())
        if self.action in {Action.RATE, Action.CALLBACK} and d.get("satisfaction"):
            text = f"评价结果：{Satisfaction(d['satisfaction']).label}。"
        return text

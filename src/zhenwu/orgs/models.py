from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenwu.core.models import BaseModel
from zhenwu.orgs.choices import AdminKind, DataScope, UnitKind, UnitType
from zhenwu.orgs.scope import ScopedQuerySet


class Unit(BaseModel):
    """A node of the organisation tree: 镇 → 部门 / 村 / 社区 → 网格 / 便民服务站."""

    SCOPE_UNIT = ""  # the unit itself is the scope anchor
    SCOPE_ADMIN = True  # the 三员 administrators manage the tree

    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField("单位编码", max_length=40, unique=True)
    name = models.CharField("单位名称", max_length=80)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices)
    unit_type = models.CharField(
        "职能类型",
        max_length=20,
        choices=UnitType.choices,
        blank=True,
        help_text="承办群众诉求的单位必须填写，用于派单目录",
    )
    handles_requests = models.BooleanField("承办群众诉求", default=False)
    is_active = models.BooleanField("启用", default=True)
    is_sample = models.BooleanField("示例数据", default=False, help_text="演示用的生成数据，不是真实信息")
    path = models.CharField("路径", max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "单位"
        constraints = [
            models.CheckConstraint(
                condition=Q(handles_requests=False) | ~Q(unit_type=""),
                name="orgs_unit_request_handler_has_type",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_kind(self) -> str:
        return UnitKind(self.kind).label

    def ancestors(self) -> models.QuerySet[Unit]:
        codes = [c for c in self.path.strip("/").split("/") if c]
        return Unit.objects.filter(code__in=codes[:-1]).order_by("depth")


class Role(BaseModel):
    code = models.SlugField("角色编码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)
    data_scope = models.CharField(
        "数据范围", max_length=20, choices=DataScope.choices, default=DataScope.UNIT
    )
    custom_units = models.ManyToManyField(Unit, verbose_name="自定义单位", blank=True, related_name="+")
    can_write = models.BooleanField("可写", default=True, help_text="关闭后该角色只能查看，不能修改")
    admin_kind = models.CharField(
        "三员类别", max_length=20, choices=AdminKind.choices, blank=True, default=""
    )
    capabilities = models.JSONField("功能权限", default=list, blank=True)
    is_builtin = models.BooleanField("内置角色", default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name

    def capability_labels(self) -> list[str]:
        from zhenwu.core.parts import capability_label

        return [capability_label(c) for c in self.capabilities]


class Membership(BaseModel):
    """A person holds a role in a unit; the role's data scope is anchored at that unit."""

    SCOPE_UNIT = "unit"
    SCOPE_ADMIN = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(Role, verbose_name="角色", on_delete=models.PROTECT, related_name="memberships")
    title = models.CharField("职务", max_length=40, blank=True)
    is_active = models.BooleanField("有效", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "id"]
        verbose_name = verbose_name_plural = "任职"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="orgs_membership_user_unit_role_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.role}"

"""The enterprise register and its 科技创新 / 智改数转 records."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from zhenwu.core.fields import BlindIndexField, EncryptedTextField
from zhenwu.core.models import BaseModel
from zhenwu.core.pii import mask_name
from zhenwu.enterprises.choices import (
    EventKind,
    HighTechStatus,
    HonourLevel,
    NodeStatus,
    PartnershipStatus,
    TalentProgramme,
    TargetKey,
)
from zhenwu.orgs.scope import ScopedQuerySet

UNIT = "orgs.Unit"


class Enterprise(BaseModel):
    """An enterprise of the town, keyed by its 统一社会信用代码 (GB 32100)."""

    SCOPE_UNIT = "unit"
    PII_FIELDS = {"contact_name": "name", "contact_phone": "phone"}

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    uscc_override_reason = models.CharField(
        "信用代码校验例外说明", max_length=200, blank=True, help_text="校验码不通过但确认无误时填写，留痕备查"
    )
    name = models.CharField("企业名称", max_length=120)
    industry_code = models.CharField("行业代码(GB/T 4754)", max_length=5, blank=True)
    industry_name = models.CharField("行业名称", max_length=60, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    unit = models.ForeignKey(UNIT, verbose_name="所在村(社区)", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        UNIT, verbose_name="所在网格", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    above_scale = models.BooleanField("规上企业", default=False)
    in_green_zone = models.BooleanField("位于武进绿建区", default=False)
    registered_on = models.DateField("成立日期", null=True, blank=True)
    staff = models.PositiveIntegerField("职工人数", null=True, blank=True)
    contact_name = EncryptedTextField("联系人", blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    contact_phone_index = BlindIndexField(source="contact_phone", kind="phone")
    hightech_profile = models.JSONField("高企预检数据", default=dict, blank=True)
    techsme_profile = models.JSONField("科小预检数据", default=dict, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name


class HighTechRecord(BaseModel):
    """One year's 高新技术企业 application of an enterprise: 培育库 → 申报 → 认定 | 未通过."""

    SCOPE_UNIT = "enterprise__unit"
    VALID_YEARS = 3

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="hightech"
    )
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(
        "状态", max_length=20, choices=HighTechStatus.choices, default=HighTechStatus.CULTIVATING
    )
    applied_on = models.DateField("申报日期", null=True, blank=True)
    certificate_no = models.CharField("证书编号", max_length=40, blank=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    is_renewal = models.BooleanField(
        "重新认定", default=False, help_text="到期前后再次认定，有效数不因此增加"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    reminded_on = models.DateField("到期提醒日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise__name"]
        verbose_name = verbose_name_plural = "高企认定记录"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprises_hightech_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年高企"

    def is_valid_on(self, day: date) -> bool:
        return bool(
            self.status == HighTechStatus.CERTIFIED
            and self.issued_on
            and self.expires_on
            and self.issued_on <= day <= self.expires_on
        )


class TechSmeRecord(BaseModel):
    """科技型中小企业 评价入库 for one year (the 入库编号 is valid for that year)."""

    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="techsme"
    )
    year = models.PositiveSmallIntegerField("年度")
    reg_no = models.CharField("入库编号", max_length=40, unique=True)
    registered_on = models.DateField("入库日期")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise__name"]
        verbose_name = verbose_name_plural = "科技型中小企业入库"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprises_techsme_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年科小"


class Attraction(BaseModel):
    """招引 of a 科技型中小微企业 and its 备案 by the city 科技局."""

    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="attractions"
    )
    year = models.PositiveSmallIntegerField("年度")
    attracted_on = models.DateField("落户日期")
    source = models.CharField("招引来源", max_length=120, blank=True)
    city_filed_on = models.DateField("市科技局备案日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-attracted_on"]
        verbose_name = verbose_name_plural = "科技型中小微企业招引"

    def __str__(self) -> str:
        return f"{self.enterprise} 招引"


class Talent(BaseModel):
    SCOPE_UNIT = "enterprise__unit"
    PII_FIELDS = {"person_name": "name"}

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="talents"
    )
    programme = models.CharField("人才计划", max_length=30, choices=TalentProgramme.choices)
    level = models.CharField("类别/层次", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("入选年度")
    person_name = EncryptedTextField("人才姓名")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "programme"]
        verbose_name = verbose_name_plural = "人才项目"

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.year}"

    @property
    def person_masked(self) -> str:
        return mask_name(self.person_name)


class Partnership(BaseModel):
    """产学研合作协议."""

    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="partnerships"
    )
    institution = models.CharField("合作高校院所", max_length=120)
    title = models.CharField("项目名称", max_length=160)
    amount_wan = models.DecimalField("合同金额(万元)", max_digits=12, decimal_places=2)
    signed_on = models.DateField("签订日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=PartnershipStatus.choices, default=PartnershipStatus.SIGNED
    )
    status_note = models.CharField("状态说明", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = verbose_name_plural = "产学研合作"

    def __str__(self) -> str:
        return self.title


class Visit(BaseModel):
    """走访: a visit to the enterprise by town staff."""

    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="走访人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField("事由", max_length=120)
    note = models.TextField("情况记录", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = verbose_name_plural = "企业走访"

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on:%Y-%m-%d} 走访"


class Honour(BaseModel):
    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="honours"
    )
    title = models.CharField("荣誉名称", max_length=120)
    level = models.CharField("级别", max_length=20, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    issuer = models.CharField("授予单位", max_length=80, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = verbose_name_plural = "企业荣誉"

    def __str__(self) -> str:
        return self.title


class Event(BaseModel):
    """沙龙、示范游学、政策宣讲 … with the enterprises invited and those who came."""

    SCOPE_UNIT = "unit"

    title = models.CharField("活动名称", max_length=120)
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices)
    held_on = models.DateField("举办日期")
    place = models.CharField("地点", max_length=120, blank=True)
    unit = models.ForeignKey(UNIT, verbose_name="主办单位", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("内容摘要", blank=True)
    is_sample = models.BooleanField("示例数据", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = verbose_name_plural = "活动"

    def __str__(self) -> str:
        return self.title


class EventInvite(models.Model):
    SCOPE_UNIT = "enterprise__unit"

    event = models.ForeignKey(Event, verbose_name="活动", on_delete=models.CASCADE, related_name="invites")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="invites"
    )
    attended = models.BooleanField("已参加", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "活动邀请"
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="enterprises_invite_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.enterprise}"


class MaturityRule(BaseModel):
    """A configurable rule for the maturity level; exactly one is the default."""

    name = models.CharField("规则名称", max_length=80, unique=True)
    threshold = models.DecimalField("达级得分线", max_digits=4, decimal_places=2, default=0.8)
    weights = models.JSONField("子域权重", default=dict, blank=True, help_text="留空为等权")
    is_default = models.BooleanField("默认规则", default=False)
    description = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = verbose_name_plural = "成熟度评定规则"

    def __str__(self) -> str:
        return self.name


class Diagnosis(BaseModel):
    """智改数转 diagnosis by a third party: raw ratings per GB/T 39116 子域 and the computed level."""

    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="diagnoses"
    )
    diagnosed_on = models.DateField("诊断日期")
    provider = models.CharField("诊断服务商", max_length=120)
    ratings = models.JSONField("逐条评分", default=dict)
    rule = models.ForeignKey(
        MaturityRule, verbose_name="评定规则", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("成熟度等级", default=0)
    score = models.DecimalField("成熟度得分", max_digits=4, decimal_places=2, default=0)
    systems = models.JSONField("在用系统", default=list, blank=True)
    recommendations = models.TextField("改造建议", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-diagnosed_on"]
        verbose_name = verbose_name_plural = "智改数转诊断"

    def __str__(self) -> str:
        return f"{self.enterprise} {self.diagnosed_on:%Y-%m-%d} 诊断"


class Project(BaseModel):
    """The follow-up 智改数转 project of a diagnosis, planned backwards from its deadline."""

    SCOPE_UNIT = "enterprise__unit"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="projects"
    )
    diagnosis = models.ForeignKey(
        Diagnosis,
        verbose_name="来源诊断",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    title = models.CharField("项目名称", max_length=160)
    deadline = models.DateField("完成期限")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline"]
        verbose_name = verbose_name_plural = "智改数转项目"

    def __str__(self) -> str:
        return self.title


class ProjectNode(models.Model):
    SCOPE_UNIT = "project__enterprise__unit"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="nodes")
    seq = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("节点", max_length=120)
    days_before = models.PositiveSmallIntegerField("截止前工作日数")
    due_on = models.DateField("节点日期")
    provisional = models.BooleanField("暂定", default=False, help_text="所在年度的节假日安排尚未公布")
    status = models.CharField("状态", max_length=20, choices=NodeStatus.choices, default=NodeStatus.PLANNED)
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "seq"]
        verbose_name = verbose_name_plural = "项目节点"

    def __str__(self) -> str:
        return self.title


class YearTarget(models.Model):
    """A yearly target of the town (科小 100, 招引 5 …)."""

    year = models.PositiveSmallIntegerField("年度")
    key = models.CharField("指标", max_length=30, choices=TargetKey.choices)
    value = models.PositiveIntegerField("目标值")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["year", "key"]
        verbose_name = verbose_name_plural = "年度目标"
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="enterprises_target_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_key_display()} {self.value}"

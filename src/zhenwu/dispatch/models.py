"""派单目录 (dispatch catalogue), trained classifiers and the record of confirmed dispatches."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhenwu.core.models import BaseModel
from zhenwu.orgs.choices import UnitType


class CatalogueEntry(BaseModel):
    """One line of the 派单目录: what a unit type (or one named unit) is responsible for."""

    unit_type = models.CharField("职能类型", max_length=20, choices=UnitType.choices, db_index=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="指定承办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="catalogue_entries",
        help_text="留空时按职能类型自动确定承办单位",
    )
    title = models.CharField("事项名称", max_length=80)
    category_codes = models.JSONField("对应工单分类", default=list, blank=True)
    responsibilities = models.TextField("职责说明", blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    synonyms = models.JSONField("近义词与群众常用说法", default=list, blank=True)
    exclusions = models.JSONField("排除词", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)
    is_sample = models.BooleanField("示例数据", default=False, help_text="演示用的生成数据，不是真实信息")

    class Meta:
        ordering = ["unit_type", "id"]
        verbose_name = verbose_name_plural = "派单目录条目"

    def __str__(self) -> str:
        return f"{self.get_unit_type_display()}·{self.title}"


class ClassifierModel(BaseModel):
    """A dispatch classifier trained on closed orders; the newest active one is used."""

    trained_at = models.DateTimeField("训练时间")
    sample_count = models.PositiveIntegerField("样本数")
    class_count = models.PositiveIntegerField("类别数", default=0)
    cv_accuracy = models.FloatField("交叉验证准确率", null=True, blank=True)
    blob = models.BinaryField("模型数据", editable=False)
    sha256 = models.CharField("校验值", max_length=64)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="训练人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = verbose_name_plural = "派单分类模型"

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.sample_count} 件)"


class DispatchDecision(BaseModel):
    """A confirmed dispatch: what was suggested and what the dispatcher chose."""

    order_number = models.CharField("工单编号", max_length=40, db_index=True)
    order_id = models.IntegerField("工单ID", null=True, blank=True)
    text_hash = models.CharField("诉求文本摘要", max_length=64)
    suggestions = models.JSONField("建议列表", default=list)
    chosen_unit = models.ForeignKey(
        "orgs.Unit", verbose_name="选定承办单位", on_delete=models.PROTECT, related_name="+"
    )
    chosen_unit_type = models.CharField("选定单位职能类型", max_length=20, blank=True)
    chosen_rank = models.PositiveSmallIntegerField("建议名次", null=True, blank=True)
    type_rank = models.PositiveSmallIntegerField("职能类型名次", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="派单人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "派单记录"

    def __str__(self) -> str:
        return f"{self.order_number} → {self.chosen_unit_id}"

"""知识库: standard answers an operator searches and inserts as 直接答复."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhenwu.core.models import BaseModel


class Article(BaseModel):
    title = models.CharField("标题", max_length=120)
    question = models.TextField("常见问法", blank=True)
    answer = models.TextField("标准答复")
    category_code = models.CharField("工单分类", max_length=40, blank=True, db_index=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="答复单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_until = models.DateField("有效期至", null=True, blank=True)
    is_published = models.BooleanField("已发布", default=True)
    is_sample = models.BooleanField("示例数据", default=False, help_text="演示用的生成数据，不是真实信息")
    hit_count = models.PositiveIntegerField("引用次数", default=0)
    search_text = models.TextField("检索词", blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = verbose_name_plural = "知识库条目"

    @property
    def category_name(self) -> str:
        """The request category by its Chinese name, not its code."""
        from zhenwu.knowledge.forms import category_name

        return category_name(self.category_code) if self.category_code else ""

    def __str__(self) -> str:
        return self.title

"""Rollup tables of the 驾驶舱: figures kept current incrementally, read instead of raw aggregation.

``Figure`` holds one number per (key, unit, period): work orders received per month, rated and
satisfied per month, open orders per deadline day (so "overdue" is a sum over days before today,
right at any hour without rewriting rows), hotline commitments open per deadline day, campaigns per
RAG colour, targets met per year. ``RollupState`` records when each family was last refreshed.
"""

from __future__ import annotations

from django.db import models


class Figure(models.Model):
    key = models.CharField("指标", max_length=40)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField("期间", max_length=10, blank=True)  # "2026-11", "2026-11-27", "2026" or ""
    value = models.FloatField("数值")

    class Meta:
        verbose_name = verbose_name_plural = "驾驶舱汇总数"
        constraints = [
            models.UniqueConstraint(fields=["key", "unit", "period"], name="figure_key_unit_period")
        ]
        indexes = [models.Index(fields=["key", "period"], name="figure_key_period")]

    def __str__(self) -> str:
        return f"{self.key} {self.unit_id} {self.period} = {self.value}"


class RollupState(models.Model):
    name = models.CharField("汇总", max_length=40, unique=True)
    refreshed_at = models.DateTimeField("刷新时间")
    watermark = models.DateTimeField("已处理至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驾驶舱汇总状态"

    def __str__(self) -> str:
        return self.name

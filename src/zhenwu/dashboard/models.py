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


class OrderFact(models.Model):
    """What one work order contributes to the rollups, as last counted: the refresh subtracts the old
    contribution and adds the new one, so a change costs a few rows, whatever the unit's size.
    No foreign keys: this is the rollup side, rebuilt from the orders nightly."""

    order_id = models.BigIntegerField("工单", primary_key=True)
    unit_id = models.BigIntegerField("主办单位", null=True)
    received = models.CharField("登记月份", max_length=7)  # "2026-11", Asia/Shanghai
    rated = models.CharField("评价月份", max_length=7, blank=True)  # "" when not rated
    satisfied = models.BooleanField("满意或基本满意", default=False)
    open_day = models.CharField(
        "未办结的办结时限", max_length=10, null=True
    )  # None when closed; "" no deadline

    class Meta:
        verbose_name = verbose_name_plural = "工单汇总事实"

    def __str__(self) -> str:
        return str(self.order_id)

    def contributions(self) -> list[tuple[str, int | None, str, int]]:
        out: list[tuple[str, int | None, str, int]] = [("wo.received", self.unit_id, self.received, 1)]
        if self.rated:
            out.append(("wo.rated", self.unit_id, self.rated, 1))
            out.append(("wo.satisfied", self.unit_id, self.rated, int(self.satisfied)))
        if self.open_day is not None:
            out.append(("wo.open", self.unit_id, self.open_day, 1))
        return out


class RollupState(models.Model):
    name = models.CharField("汇总", max_length=40, unique=True)
    refreshed_at = models.DateTimeField("刷新时间")
    watermark = models.DateTimeField("已处理至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驾驶舱汇总状态"

    def __str__(self) -> str:
        return self.name

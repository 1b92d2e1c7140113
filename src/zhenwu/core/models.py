from __future__ import annotations

from django.conf import settings
from django.db import models

from zhenwu.core.fields import EncryptedTextField


class BaseModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class CalendarYear(models.Model):
    """A year whose holiday schedule is known. Dates in other years are refused, never guessed."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("来源", max_length=40, default="chinesecalendar")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "日历年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An exception to the Monday-Friday rule: a holiday on a weekday or a 调休 working weekend day."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=40, blank=True)
    source = models.CharField("来源", max_length=40, default="chinesecalendar")

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class NumberSequence(models.Model):
    """One narrow counter row per (key, day): gap-free document numbers without a global lock."""

    key = models.CharField(max_length=40)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "day"], name="core_numbersequence_key_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.day} #{self.last_value}"


class Attachment(BaseModel):
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class Notification(BaseModel):
    """Outbox row: written in the transaction of the change, delivered after commit by a backend.

    Bodies and phone numbers may carry personal data, so both are stored encrypted.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=16)  # sms, wechat, inbox
    recipient_phone = EncryptedTextField("接收手机号", blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recipient_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="接收单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField("标题", max_length=120)
    body = EncryptedTextField("内容")
    link = models.CharField("链接", max_length=200, blank=True)
    object_type = models.CharField("关联对象类型", max_length=60, blank=True)
    object_id = models.CharField("关联对象", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    backend = models.CharField("发送通道", max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "通知"

    def __str__(self) -> str:
        return self.subject


class RateCounter(models.Model):
    """One fixed window of a rate limit (`core.ratelimit`): shared by every worker, kept in the
    database so the limit holds and no request fails while Redis is down."""

    key = models.CharField("键", max_length=200)
    window = models.BigIntegerField("时间窗")  # start of the window, seconds since the epoch
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="core_ratecounter_key_window")]
        verbose_name = verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"


class VersionStamp(models.Model):
    """What a process keeps in memory (the units, the 派单目录, the categories) is stamped here.

    ``core.versions.bump`` writes a new random stamp in the transaction of every change; a reader
    compares the stamps it built its memo from with the current ones (one small query) and rebuilds
    when they differ. A rolled-back change takes its stamp with it, so a stamp is never reused.
    """

    key = models.CharField("键", max_length=60, primary_key=True)
    stamp = models.BigIntegerField("版本戳", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "缓存版本戳"

    def __str__(self) -> str:
        return f"{self.key}: {self.stamp}"

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhenwu.core.errors import DomainError


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise DomainError("审计日志只能追加，不能删除。")


class AuditEvent(models.Model):
    """Append-only audit record. Rows are sealed into an HMAC-SM3 chain in `seq` order by the sealer."""

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=80, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True, db_index=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=10, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    message = models.CharField("说明", max_length=500, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    # Written by the writer, in its own transaction, under the audit key: a row inserted without the
    # key (straight into the database) has no valid row_mac, is never sealed and `audit verify` names it.
    nonce = models.CharField("写入随机数", max_length=32, unique=True)
    row_mac = models.CharField("写入校验值", max_length=64, blank=True)
    # Filled by the sealer, never by the writer: writers take no chain lock.
    seq = models.BigIntegerField("链序号", null=True, blank=True, unique=True)
    prev_mac = models.CharField("前序校验值", max_length=64, blank=True)
    mac = models.CharField("链校验值", max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "审计事件"
        indexes = [models.Index(fields=["actor", "created_at"], name="audit_actor_time_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise DomainError("审计日志不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DomainError("审计日志只能追加，不能删除。")


class AuditChainHead(models.Model):
    """The single row the sealer locks; writers never touch it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_mac = models.CharField(max_length=64, default="")
    last_event_id = models.BigIntegerField(default=0)
    head_mac = models.CharField(max_length=64, default="")
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"审计链头 #{self.last_seq}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DomainError("审计链头不能删除。")

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from zhenwu.core.fields import BlindIndexField, EncryptedTextField
from zhenwu.core.pii import mask_phone
from zhenwu.orgs.scope import ScopedQuerySet


class ZhenwuUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in. Staff belong to units through memberships; citizens hold the citizen role."""

    SCOPE_UNIT = "memberships__unit"
    SCOPE_OWNER = "id"
    SCOPE_MULTI = True
    SCOPE_ADMIN = True
    PII_FIELDS = {"phone": "phone"}

    real_name = models.CharField("姓名", max_length=40, blank=True)
    phone = EncryptedTextField("手机号", blank=True)
    phone_index = BlindIndexField(source="phone", kind="phone")
    is_demo = models.BooleanField(
        "演示账号", default=False, help_text="演示账号的密码是公开的，仅在演示模式下允许登录"
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = ZhenwuUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def password_expired(self) -> bool:
        if self.password_changed_at is None:
            return True
        age = timezone.now() - self.password_changed_at
        return age > timedelta(days=settings.ZHENWU_PASSWORD_MAX_AGE_DAYS)


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"

"""Password policy (等保 2.0 level 3): length, character classes, no reuse of the last five."""

from __future__ import annotations

import string
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

POLICY_TEXT = "密码至少 8 位，且包含大写字母、小写字母、数字、符号中的至少 3 类；不能与最近 5 次使用过的密码相同；每 90 天须更换。"


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() and c.isascii() for c in password),
        any(c.isupper() and c.isascii() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or (not c.isalnum() and not c.isspace()) for c in password),
    ]
    return sum(classes)


class ComplexityValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < 8:
            raise ValidationError("密码至少需要 8 个字符。", code="password_too_short")
        if character_classes(password) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "至少 8 位，包含大写字母、小写字母、数字、符号中的至少 3 类。"


class HistoryValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from zhenwu.accounts.models import PasswordHistory

        depth = settings.ZHENWU_PASSWORD_HISTORY
        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:depth]
        )
        for encoded in hashes:
            if check_password(password, encoded):
                raise ValidationError(
                    f"新密码不能与最近 {depth} 次使用过的密码相同。", code="password_reused"
                )

    def get_help_text(self) -> str:
        return f"不能与最近 {settings.ZHENWU_PASSWORD_HISTORY} 次使用过的密码相同。"


class NotUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能包含用户名。"

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class ZhenwuModelBackend(ModelBackend):
    """Username/password; demo accounts are refused at the login form when demo mode is off."""

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(super().user_can_authenticate(user))

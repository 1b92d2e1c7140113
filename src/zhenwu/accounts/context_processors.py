from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from zhenwu.accounts.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_sections": navigation_for(user, request.path)
        if user is not None and user.is_authenticated
        else [],
        "demo_mode": settings.ZHENWU_DEMO_ACCOUNTS,
        "site_name": "镇务",
        "town_name": "牛塘镇",
    }

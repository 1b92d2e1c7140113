"""Account policy on every request: demo accounts, forced password change, admin 2FA."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from zhenwu.orgs.scope import access_of

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/favicon", "/healthz", "/open311/", "/public/")


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            if getattr(user, "is_demo", False) and not settings.ZHENWU_DEMO_ACCOUNTS:
                logout(request)
                messages.error(request, "演示账号仅在演示模式下可用，请使用正式账号登录。")
                return redirect("accounts:login")
            if not getattr(user, "is_demo", False) and (user.must_change_password or user.password_expired()):
                messages.warning(request, "请先修改密码：首次登录或密码已超过 90 天未更换。")
                return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
            if access_of(user).admin_kinds and not user.is_verified():
                return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)

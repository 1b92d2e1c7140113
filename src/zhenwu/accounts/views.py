"""Self-service account pages: login, logout, password change, two-factor authentication."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from zhenwu.accounts import otp
from zhenwu.accounts.forms import LoginForm, OTPTokenForm, PasswordChangeForm
from zhenwu.accounts.services import user_change_password
from zhenwu.accounts.validators import POLICY_TEXT
from zhenwu.core.errors import DomainError
from zhenwu.orgs.scope import access_of


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The per-address limit: one address failing across many accounts is held for the cool-off
        # before its password guesses are even checked.
        from zhenwu.accounts.lockout import address_locked, client_address

        if address_locked(client_address(request)):
            response = render(
                request,
                "accounts/locked_out.html",
                {"address_locked": True, "cool_off_minutes": 30},
                status=429,
            )
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.ZHENWU_DEMO_ACCOUNTS:
            from zhenwu.accounts.town_demo import DEMO_ACCOUNTS

            context["demo_accounts"] = DEMO_ACCOUNTS
        return context


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_change_password(
                user=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "policy": POLICY_TEXT, "forced": request.user.must_change_password},
    )  # type: ignore[union-attr]


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app (TOTP). Required for 系统/安全/审计管理员.

    Whoever already has a bound device must pass it first: re-binding needs the current factor.
    """
    verified = bool(request.user.is_verified())  # type: ignore[union-attr]
    if otp.confirmed_device(request.user) is not None and not verified:
        messages.info(request, "您已绑定动态口令，请先输入当前验证码；手机丢失请联系安全管理员重置。")
        return redirect(f"{reverse('accounts:otp_verify')}?next={_safe_next(request)}")
    device = otp.pending_device(request.user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = otp.otp_confirm(
                user=request.user, device=device, token=form.cleaned_data["token"], verified=verified
            )
        except DomainError as exc:
            form.add_error("token", exc.message)
            confirmed = False
        else:
            if not confirmed:
                form.add_error("token", "验证码不正确或已过期，请输入手机上当前显示的 6 位数字。")
        if confirmed:
            otp_login(request, device)
            messages.success(request, "动态口令已绑定，以后登录时请输入手机上显示的验证码。")
            return redirect(_safe_next(request))
    context = {
        "form": form,
        "device": device,
        "qr_svg": otp.qr_svg(device),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "has_confirmed": otp.confirmed_device(request.user) is not None,
        "demo_token": otp.current_token(device) if _demo(request) else "",
    }
    return render(request, "accounts/otp_setup.html", context)


def _demo(request: HttpRequest) -> bool:
    return bool(settings.ZHENWU_DEMO_ACCOUNTS and getattr(request.user, "is_demo", False))


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = otp.confirmed_device(request.user)
    if device is None:
        messages.info(request, "您的角色要求双因素认证，请先绑定动态口令。")
        return redirect(f"{request.path.replace('verify', 'setup')}?next={_safe_next(request)}")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        from zhenwu.audit.services import audit_record

        audit_record(
            actor=request.user,
            action="otp.verify",
            obj=request.user,
            result="failure",
            message="动态口令错误",
        )
        form.add_error("token", "验证码不正确或已过期。")
    return render(
        request,
        "accounts/otp_verify.html",
        {
            "form": form,
            "admin_kinds": access_of(request.user).admin_kinds,
            "demo_token": otp.current_token(device) if _demo(request) else "",
        },
    )

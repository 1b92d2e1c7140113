"""Staff page for Open311 client applications: register, disable/enable, show and regenerate api_key.

The writes are services (keyword-only, one transaction, capability check, audit event); the views
only parse input. Mounted by ``open311_urls.staff_urlpatterns``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError
from zhenwu.core.web import capability_required, form_error
from zhenwu.orgs.scope import require_capability
from zhenwu.workorders.capabilities import Cap
from zhenwu.workorders.models import Open311App
from zhenwu.workorders.open311 import forget_hot

# ---------------------------------------------------------------- services


def _new_key() -> str:
    return secrets.token_urlsafe(24)


def _check(actor: Any) -> None:
    require_capability(actor, Cap.MANAGE)


@transaction.atomic
def open311_app_register(*, actor: Any, name: str, contact: str = "") -> Open311App:
    """Register an application; its new api_key is on the returned object (shown to staff once)."""
    _check(actor)
    name = name.strip()
    if not name:
        raise DomainError("请填写应用名称。", field="name")
    if len(name) > 100:
        raise DomainError("应用名称不能超过 100 字。", field="name")
    if Open311App.objects.filter(name=name).exists():
        raise DomainError("已有同名应用，请换一个名称。", field="name")
    app = Open311App.objects.create(name=name, contact=contact.strip()[:100], api_key=_new_key())
    audit_record(actor=actor, action="workorders.open311_app_register", obj=app, after={"name": name})
    return app


@transaction.atomic
def open311_app_set_active(*, actor: Any, app: Open311App, active: bool) -> Open311App:
    _check(actor)
    before = {"is_active": app.is_active}
    app.is_active = active
    app.save(update_fields=["is_active", "updated_at"])
    forget_hot()
    transaction.on_commit(forget_hot)
    audit_record(
        actor=actor,
        action="workorders.open311_app_enable" if active else "workorders.open311_app_disable",
        obj=app,
        before=before,
        after={"is_active": active},
    )
    return app


@transaction.atomic
def open311_app_regenerate_key(*, actor: Any, app: Open311App) -> Open311App:
    """A new api_key; the old one stops working at once."""
    _check(actor)
    app.api_key = _new_key()
    app.save()
    forget_hot()
    transaction.on_commit(forget_hot)
    audit_record(actor=actor, action="workorders.open311_app_regenerate_key", obj=app)
    return app


@transaction.atomic
def open311_app_set_limit(*, actor: Any, app: Open311App, per_minute: int | None) -> Open311App:
    """The application's own limit of POSTs per minute; None: the system default."""
    _check(actor)
    if per_minute is not None and not 1 <= per_minute <= 100_000:
        raise DomainError("每分钟提交上限应在 1 至 100000 之间，留空则用系统默认。", field="posts_per_minute")
    before = {"posts_per_minute": app.posts_per_minute}
    app.posts_per_minute = per_minute
    app.save(update_fields=["posts_per_minute", "updated_at"])
    audit_record(
        actor=actor,
        action="workorders.open311_app_limit",
        obj=app,
        before=before,
        after={"posts_per_minute": per_minute},
    )
    return app


def open311_app_reveal_key(*, actor: Any, app: Open311App) -> str:
    """Show the stored key to staff; every look is audited."""
    _check(actor)
    audit_record(actor=actor, action="workorders.open311_app_reveal_key", obj=app)
    return str(app.api_key)


# ---------------------------------------------------------------- views


class AppForm(forms.Form):
    name = forms.CharField(
        label="应用名称",
        max_length=100,
        help_text="如“随手拍”小程序、某街道网格 App。",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    contact = forms.CharField(
        label="联系人及电话",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def _page(request: HttpRequest, form: AppForm, shown: tuple[Open311App, str] | None = None) -> HttpResponse:
    apps = Open311App.objects.order_by("-is_active", "name")
    return render(
        request,
        "workorders/open311/apps.html",
        {
            "apps": apps,
            "form": form,
            "shown": shown,
            "endpoint": request.build_absolute_uri("/open311/v2/"),
            "default_limit": settings.ZHENWU_OPEN311_POSTS_PER_MINUTE,
        },
    )


@capability_required(Cap.MANAGE)
def app_list(request: HttpRequest) -> HttpResponse:
    form = AppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = open311_app_register(
                actor=request.user, name=form.cleaned_data["name"], contact=form.cleaned_data["contact"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已登记应用“{app.name}”，请把下方 api_key 交给应用开发方。")
            return _page(request, AppForm(), shown=(app, str(app.api_key)))
    return _page(request, form)


@capability_required(Cap.MANAGE)
@require_POST
def app_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = Open311App.objects.filter(pk=pk).first()
    if app is None:
        raise Http404("应用不存在。")
    if action == "disable":
        open311_app_set_active(actor=request.user, app=app, active=False)
        messages.success(request, f"已停用“{app.name}”，其 api_key 立即失效。")
    elif action == "enable":
        open311_app_set_active(actor=request.user, app=app, active=True)
        messages.success(request, f"已启用“{app.name}”。")
    elif action == "regenerate":
        open311_app_regenerate_key(actor=request.user, app=app)
        messages.success(request, f"已为“{app.name}”生成新的 api_key，旧密钥已失效。")
        return _page(request, AppForm(), shown=(app, str(app.api_key)))
    elif action == "limit":
        raw = request.POST.get("posts_per_minute", "").strip()
        try:
            open311_app_set_limit(actor=request.user, app=app, per_minute=int(raw) if raw else None)
        except (ValueError, DomainError) as exc:
            messages.error(
                request, exc.message if isinstance(exc, DomainError) else "每分钟提交上限应为整数。"
            )
        else:
            messages.success(request, f"已设置“{app.name}”的提交上限。")
    elif action == "reveal":
        return _page(request, AppForm(), shown=(app, open311_app_reveal_key(actor=request.user, app=app)))
    else:
        raise Http404("未知操作。")
    return redirect("workorders:open311_apps")

"""System-admin pages for the organisation tree (单位管理): list, export, create, edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenwu.core.errors import DomainError
from zhenwu.core.exports import Column, xlsx_response
from zhenwu.core.web import capability_required, form_error, paginate, querystring_without_page
from zhenwu.orgs import selectors, services
from zhenwu.orgs.choices import Capability, UnitKind, UnitType
from zhenwu.orgs.manage_forms import UnitFilterForm, UnitForm
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import get_scoped_object

UNITS_PER_PAGE = 50
INDENT_PX = 20


@capability_required(Capability.MANAGE_UNITS)
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET)
    units = selectors.unit_list(user=request.user, filters=form.filters())
    page, querystring_base = paginate(request, units, UNITS_PER_PAGE)
    rows = list(page.object_list)
    changeable = set(
        Unit.objects.visible_to(request.user, "change")
        .filter(pk__in=[u.pk for u in rows])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "orgs/manage/unit_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": querystring_base,
            "querystring": querystring_without_page(request),
            "rows": [
                {"unit": u, "indent": u.depth * INDENT_PX, "can_change": u.pk in changeable} for u in rows
            ],
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def _label(choices: type[UnitKind] | type[UnitType], value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


@capability_required(Capability.MANAGE_UNITS)
def unit_export(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET)
    units = selectors.unit_list(user=request.user, filters=form.filters())
    columns = [
        Column("单位编码", lambda u: u.code, width=16),
        Column("单位名称", lambda u: u.name, width=28),
        Column("简称", lambda u: u.short_name, width=14),
        Column("单位类别", lambda u: _label(UnitKind, u.kind), width=12),
        Column("职能类型", lambda u: _label(UnitType, u.unit_type), width=12),
        Column("上级单位", lambda u: u.parent.name if u.parent else "", width=24),
        Column("层级", lambda u: u.depth, width=8),
        Column("承办群众诉求", lambda u: u.handles_requests, width=14),
        Column("启用", lambda u: u.is_active, width=8),
        Column("示例数据", lambda u: u.is_sample, width=10),
        Column("排序", lambda u: u.sort_order, width=8),
        Column("联系电话", lambda u: u.contact_phone, width=16),
        Column("地址", lambda u: u.address, width=32),
    ]
    return xlsx_response(
        filename="单位列表",
        title="单位列表",
        columns=columns,
        rows=units,
        note="“示例数据”为“是”的单位是演示用的生成数据，不是真实信息。",
    )


@capability_required(Capability.MANAGE_UNITS)
def unit_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"sort_order": 0}
    parent_pk = request.GET.get("parent", "")
    if parent_pk.isdigit():
        initial["parent"] = int(parent_pk)
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已新增单位“{unit.name}”。")
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/manage/unit_form.html", {"form": form, "creating": True})


@capability_required(Capability.MANAGE_UNITS)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_object(Unit.objects.select_related("parent"), request.user, "change", pk=pk)
    form = UnitForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        old_path = unit.path
        try:
            services.unit_update(actor=request.user, unit=unit, **form.service_kwargs())
        except DomainError as exc:
            unit.refresh_from_db()
            form_error(form, exc)
        else:
            text = f"已保存单位“{unit.name}”。"
            if unit.path != old_path:
                text += "单位已移动，其下级单位随之移动。"
            messages.success(request, text)
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/manage/unit_form.html", {"form": form, "creating": False, "unit": unit})

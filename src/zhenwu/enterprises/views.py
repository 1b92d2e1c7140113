"""Pages of the enterprises part: parse input, call a service or a selector, render."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhenwu.audit.models import AuditResult
from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError
from zhenwu.core.exports import Column, xlsx_response
from zhenwu.core.pii import mask_name, mask_phone
from zhenwu.core.web import capability_required, form_error, paginate
from zhenwu.enterprises import forms, imports, selectors, services
from zhenwu.enterprises.capabilities import CAPABILITIES as CAP
from zhenwu.enterprises.choices import HIGHTECH_FLOW, PARTNERSHIP_FLOW, System
from zhenwu.enterprises.maturity import DOMAINS, ELEMENTS, LEVEL_NAMES, RATING_LABELS
from zhenwu.enterprises.models import (
    Attraction,
    Diagnosis,
    Enterprise,
    Event,
    HighTechRecord,
    Partnership,
    ProjectNode,
)
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import get_scoped_object, user_has_capability

SOURCE_YEAR = 2022
SYSTEM_LABELS = dict(System.choices)


def _units(user: Any, action: Literal["view", "change"] = "view") -> Any:
    return (
        Unit.objects.visible_to(user, action)
        .filter(kind__in=["village", "community"], is_active=True)
        .order_by("path")
    )


def _grids(user: Any) -> Any:
    return Unit.objects.visible_to(user, "change").filter(kind="grid", is_active=True).order_by("path")


def _year(request: HttpRequest, default: int) -> int:
    form = forms.YearForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("year"):
        return int(form.cleaned_data["year"])
    return default


# --- register -----------------------------------------------------------------------------------


@capability_required(CAP.VIEW)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    units = _units(request.user)
    form = forms.EnterpriseFilterForm(request.GET or None, units=units)
    filters = form.filters() if request.GET else {"q": "", "unit_id": None, "above_scale": None}
    qs = selectors.enterprise_list(user=request.user, **filters)
    page, base = paginate(request, qs, 30)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": base,
            "can_manage": selectors.can_manage(request.user),
        },
    )


@capability_required(CAP.MANAGE)
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = forms.EnterpriseForm(
        request.POST or None, units=_units(request.user, "change"), grids=_grids(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.EnterpriseInput(
            uscc=d["uscc"],
            name=d["name"],
            unit=d["unit"],
            grid=d["grid"],
            industry_code=d["industry_code"],
            industry_name=d["industry_name"],
            address=d["address"],
            above_scale=d["above_scale"],
            in_green_zone=d["in_green_zone"],
            registered_on=d["registered_on"],
            staff=d["staff"],
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
            override_reason=d["override_reason"],
        )
        try:
            enterprise = services.enterprise_create(actor=request.user, data=data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已登记 {enterprise.name}。")
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@capability_required(CAP.MANAGE)
def enterprise_import(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise DomainError("文件超过 5MB，请拆分后再导入。", field="file")
            n = imports.import_enterprises(actor=request.user, content=upload.read())
        except imports.ImportRefused as exc:
            errors = exc.errors
            form.add_error("file", exc.message)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已导入 {n} 家企业。")
            return redirect("enterprises:list")
    return render(request, "enterprises/import.html", {"form": form, "errors": errors})


@capability_required(CAP.MANAGE)
def import_template(request: HttpRequest) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(
        imports.build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('企业名单导入模板.xlsx')}"
    return response


@capability_required(CAP.VIEW)
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_scoped_object(Enterprise.objects.select_related("unit", "grid"), request.user, pk=pk)
    history = selectors.enterprise_history(enterprise)
    can_manage = (
        selectors.can_manage(request.user)
        and Enterprise.objects.visible_to(request.user, "change").filter(pk=pk).exists()
    )
    partnerships = [
        (p, PARTNERSHIP_FLOW.allowed_actions(p, actor_kinds=[]) if can_manage else [])
        for p in history["partnerships"]
    ]
    records = []
    for r in history["hightech"]:
        actions = (
            HIGHTECH_FLOW.allowed_actions(r, actor_kinds=[], can=lambda c: can_manage) if can_manage else []
        )
        records.append((r, actions))
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "e": enterprise,
            "h": history,
            "records": records,
            "partnerships": partnerships,
            "can_manage": can_manage,
            "contact_name": mask_name(enterprise.contact_name),
            "contact_phone": mask_phone(enterprise.contact_phone),
            "can_reveal": user_has_capability(request.user, "core.reveal_pii")
            and bool(enterprise.contact_name or enterprise.contact_phone),
            "system_labels": SYSTEM_LABELS,
            "level_names": LEVEL_NAMES,
            "add_form": forms.HighTechAddForm(initial={"year": timezone.localdate().year}),
            "action_form": forms.HighTechActionForm(),
            "techsme_form": forms.TechSmeForm(initial={"year": timezone.localdate().year}),
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_POST
@capability_required(CAP.VIEW)
def reveal_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact's full name and phone: needs 查看完整个人信息; always audited, refusals too."""
    enterprise = get_scoped_object(Enterprise.objects.all(), request.user, pk=pk)
    if not user_has_capability(request.user, "core.reveal_pii"):
        audit_record(
            actor=request.user,
            action="pii.reveal",
            obj=enterprise,
            result=AuditResult.DENIED,
            message="无权查看企业联系人完整信息",
        )
        raise PermissionDenied("您没有查看完整个人信息的权限。")
    audit_record(
        actor=request.user, action="pii.reveal", obj=enterprise, message="查看企业联系人完整姓名和电话"
    )
    template = (
        "enterprises/_contact.html"
        if getattr(request, "htmx", False)
        else "enterprises/contact_revealed.html"
    )
    return render(request, template, {"e": enterprise})


def _changeable(request: HttpRequest, pk: int, queryset: Any = None) -> Any:
    """404 outside the scope, 403 read-only or without the capability (an enterprise by default)."""
    obj = get_scoped_object(
        Enterprise.objects.all() if queryset is None else queryset, request.user, "change", pk=pk
    )
    if not selectors.can_manage(request.user):
        raise PermissionDenied("您没有维护企业库的权限。")
    return obj


@require_POST
@capability_required(CAP.VIEW)
def hightech_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _changeable(request, pk)
    form = forms.HighTechAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年度应为 2000 至 2100 之间的整数。")
    else:
        try:
            services.hightech_add(actor=request.user, enterprise=enterprise, year=form.cleaned_data["year"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"已将 {enterprise.name} 加入 {form.cleaned_data['year']} 年高企培育库。"
            )
    return redirect("enterprises:detail", pk)


@require_POST
@capability_required(CAP.VIEW)
def hightech_transition(request: HttpRequest, pk: int) -> HttpResponse:
    record = _changeable(request, pk, HighTechRecord.objects.select_related("enterprise"))
    form = forms.HighTechActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
        return redirect("enterprises:detail", record.enterprise_id)
    d = form.cleaned_data
    details = services.CertificateInput(
        certificate_no=d["certificate_no"],
        issued_on=d["issued_on"],
        applied_on=d["applied_on"],
        note=d["note"],
    )
    try:
        services.hightech_transition(actor=request.user, record=record, action=d["action"], details=details)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{record.enterprise.name}：已{HIGHTECH_FLOW.action_label(d['action'])}。")
    return redirect("enterprises:detail", record.enterprise_id)


@require_POST
@capability_required(CAP.VIEW)
def techsme_register(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _changeable(request, pk)
    form = forms.TechSmeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    else:
        try:
            services.techsme_register(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记科技型中小企业入库。")
    return redirect("enterprises:detail", pk)


# --- pre-check ------------------------------------------------------------------------------------


@capability_required(CAP.VIEW)
def precheck(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in forms.PROFILE_FORMS:
        raise Http404("没有这种预检。")
    enterprise = get_scoped_object(Enterprise.objects.all(), request.user, pk=pk)
    form_class = forms.PROFILE_FORMS[kind]
    profile = getattr(enterprise, f"{kind}_profile") or {}
    if request.method == "POST":
        enterprise = _changeable(request, pk)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.enterprise_set_profile(
                    actor=request.user, enterprise=enterprise, kind=kind, data=form.to_data()
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "已保存预检数据并重新预检。")
                return redirect("enterprises:precheck", pk, kind)
    else:
        initial = forms.HighTechProfileForm.initial_from(profile) if kind == "hightech" else dict(profile)
        if not profile:
            initial.update(
                {
                    k: v
                    for k, v in (("registered_on", enterprise.registered_on), ("staff", enterprise.staff))
                    if v
                }
            )
        form = form_class(initial=initial)
    result, problem = selectors.run_precheck(enterprise, kind)
    return render(
        request,
        "enterprises/precheck.html",
        {
            "e": enterprise,
            "kind": kind,
            "title": "高新技术企业认定预检" if kind == "hightech" else "科技型中小企业评价预检",
            "form": form,
            "result": result,
            "problem": problem,
            "can_manage": selectors.can_manage(request.user),
        },
    )


@capability_required(CAP.VIEW)
def pool(request: HttpRequest) -> HttpResponse:
    """The year's 培育库 with everyone's 高企 pre-check: who is ready and what each lacks."""
    year = _year(request, timezone.localdate().year)
    rows: list[dict[str, Any]] = []
    for record in selectors.cultivation_pool(user=request.user, year=year):
        result, problem = selectors.run_precheck(record.enterprise, "hightech")
        rows.append({"record": record, "e": record.enterprise, "result": result, "problem": problem})
    ready = sum(1 for r in rows if r["result"] and r["result"].eligible)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"高企培育库预检-{year}",
            title="高企培育库预检",
            columns=[
                Column("企业名称", lambda r: r["e"].name, width=30),
                Column("统一社会信用代码", lambda r: r["e"].uscc, width=22),
                Column("所在村(社区)", lambda r: r["e"].unit.name),
                Column("预检结论", lambda r: _verdict(r), width=12),
                Column("创新能力得分", lambda r: r["result"].score if r["result"] else ""),
                Column("尚缺条件", lambda r: _lacking(r), width=60),
                Column("详细说明", lambda r: _details(r), width=80),
            ],
            rows=rows,
            note=f"{year} 年高企培育库共 {len(rows)} 家，预检达标 {ready} 家。依据国科发火〔2016〕32号第十一条及工作指引。",
        )
    return render(request, "enterprises/pool.html", {"rows": rows, "year": year, "ready": ready})


def _verdict(row: dict[str, Any]) -> str:
    if row["result"] is None:
        return "数据不全"
    return "达标" if row["result"].eligible else "未达标"


def _lacking(row: dict[str, Any]) -> str:
    if row["result"] is None:
        return str(row["problem"])
    return "；".join(c.short for c in row["result"].lacking)


def _details(row: dict[str, Any]) -> str:
    if row["result"] is None:
        return ""
    return "\n".join(c.explain for c in row["result"].lacking)


# --- the year page --------------------------------------------------------------------------------


@capability_required(CAP.VIEW)
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2100:
        raise Http404("年度不正确。")
    fig = selectors.year_figures(year, user=request.user)
    data = fig.as_json()
    on_form = forms.ValidOnForm(request.GET)
    valid_on = on_form.cleaned_data.get("on") if on_form.is_valid() else None
    valid_on_count = len(selectors.valid_hightech_ids(valid_on, user=request.user)) if valid_on else None
    return render(
        request,
        "enterprises/year.html",
        {
            "year": year,
            "fig": fig,
            "data": data,
            "gaps": {
                "techsme": max((data["techsme_target"] or 0) - data["techsme_registered"], 0),
                "sme": max((data["sme_attracted_target"] or 0) - data["sme_attracted"], 0),
            },
            "definition": selectors.NET_INCREASE_DEFINITION,
            "valid_on": valid_on,
            "valid_on_count": valid_on_count,
            "years": range(timezone.localdate().year, 2018, -1),
            "target_form": forms.TargetForm() if selectors.can_manage(request.user) else None,
        },
    )


@capability_required(CAP.VIEW)
def year_drilldown(request: HttpRequest, year: int, key: str) -> HttpResponse:
    if key not in selectors.FIGURE_LABELS or not 2000 <= year <= 2100:
        raise Http404("没有这项数字。")
    qs = selectors.figure_enterprises(user=request.user, year=year, key=key)
    page, base = paginate(request, qs, 50)
    return render(
        request,
        "enterprises/drilldown.html",
        {
            "year": year,
            "label": selectors.FIGURE_LABELS[key],
            "page_obj": page,
            "querystring_base": base,
            "total": qs.count(),
        },
    )


@capability_required(CAP.VIEW)
def home(request: HttpRequest) -> HttpResponse:
    return redirect("enterprises:year", selectors.latest_figure_year(default=timezone.localdate().year))


# --- 智改数转 -------------------------------------------------------------------------------------


@capability_required(CAP.VIEW)
def diagnosis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    diagnosis = get_scoped_object(Diagnosis.objects.select_related("enterprise", "rule"), request.user, pk=pk)
    from zhenwu.enterprises.maturity import compute_maturity

    result = compute_maturity(diagnosis.ratings, services.rule_spec(diagnosis.rule))
    groups = []
    for element in ELEMENTS:
        domains = []
        for el, area, code, name in DOMAINS:
            if el != element:
                continue
            ratings = diagnosis.ratings.get(code, {})
            domains.append(
                {
                    "area": area,
                    "name": name,
                    "levels": [
                        {
                            "level": lv,
                            "score": result.domain_scores.get(code, {}).get(lv),
                            "ratings": [RATING_LABELS.get(_fmt(v), str(v)) for v in ratings.get(str(lv), [])],
                        }
                        for lv in range(1, 6)
                    ],
                }
            )
        groups.append({"element": element, "domains": domains})
    return render(
        request,
        "enterprises/diagnosis_detail.html",
        {
            "d": diagnosis,
            "result": result,
            "groups": groups,
            "system_labels": SYSTEM_LABELS,
            "level_names": LEVEL_NAMES,
            "projects": diagnosis.projects.prefetch_related("nodes"),
            "today": timezone.localdate(),
        },
    )


def _fmt(v: float) -> str:
    return "1" if v == 1 else "0" if v == 0 else str(v)


@capability_required(CAP.VIEW)
def diagnosis_list(request: HttpRequest) -> HttpResponse:
    year = _year(request, SOURCE_YEAR)
    qs = (
        Diagnosis.objects.visible_to(request.user)
        .filter(diagnosed_on__range=(date(year, 1, 1), date(year, 12, 31)))
        .select_related("enterprise")
    )
    page, base = paginate(request, qs, 50)
    return render(
        request,
        "enterprises/diagnosis_list.html",
        {
            "page_obj": page,
            "querystring_base": base,
            "year": year,
            "level_names": LEVEL_NAMES,
            "total": qs.count(),
        },
    )


# --- records on an enterprise ---------------------------------------------------------------------

RECORD_KINDS = {
    "talent": ("登记人才项目", forms.TalentForm),
    "partnership": ("登记产学研合作", forms.PartnershipForm),
    "honour": ("登记荣誉", forms.HonourForm),
    "attraction": ("登记招引与备案", forms.AttractionForm),
    "diagnosis": ("登记智改数转诊断", forms.DiagnosisForm),
    "project": ("登记智改数转项目", forms.ProjectForm),
    "visit": ("登记走访", forms.VisitForm),
}


def _save_record(kind: str, actor: Any, enterprise: Enterprise, form: Any) -> None:
    d = form.cleaned_data
    if kind == "talent":
        services.talent_create(actor=actor, enterprise=enterprise, **d)
    elif kind == "partnership":
        services.partnership_create(actor=actor, enterprise=enterprise, **d)
    elif kind == "honour":
        services.honour_create(actor=actor, enterprise=enterprise, **d)
    elif kind == "attraction":
        services.attraction_create(actor=actor, enterprise=enterprise, **d)
    elif kind == "visit":
        services.visit_create(actor=actor, enterprise=enterprise, **d)
    elif kind == "diagnosis":
        services.diagnosis_create(
            actor=actor,
            enterprise=enterprise,
            diagnosed_on=d["diagnosed_on"],
            provider=d["provider"],
            ratings=d["ratings"],
            systems=d["systems"],
            recommendations=d["recommendations"],
        )
    else:
        services.project_create(
            actor=actor,
            enterprise=enterprise,
            title=d["title"],
            deadline=d["deadline"],
            nodes=form.nodes(),
            diagnosis=d["diagnosis"],
        )


@capability_required(CAP.VIEW)
def record_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in RECORD_KINDS:
        raise Http404("没有这种记录。")
    enterprise = _changeable(request, pk)
    title, form_class = RECORD_KINDS[kind]
    extra: dict[str, Any] = {"enterprise": enterprise} if kind == "project" else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            _save_record(kind, request.user, enterprise, form)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{title}：已保存。")
            return redirect("enterprises:detail", pk)
    return render(
        request,
        "enterprises/record_form.html",
        {"e": enterprise, "form": form, "title": title, "kind": kind, "rating_help": forms.RATING_HELP},
    )


@require_POST
@capability_required(CAP.VIEW)
def node_done(request: HttpRequest, pk: int) -> HttpResponse:
    node = _changeable(request, pk, ProjectNode.objects.select_related("project__enterprise"))
    try:
        services.project_node_done(actor=request.user, node=node, done_on=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"节点“{node.title}”已完成。")
    return redirect("enterprises:detail", node.project.enterprise_id)


@require_POST
@capability_required(CAP.VIEW)
def partnership_transition(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _changeable(request, pk, Partnership.objects.select_related("enterprise"))
    action = request.POST.get("action", "")
    try:
        services.partnership_transition(
            actor=request.user,
            partnership=partnership,
            action=action,
            note=request.POST.get("note", "")[:200],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"产学研合作“{partnership.title}”：已{PARTNERSHIP_FLOW.action_label(action)}。"
        )
    return redirect("enterprises:detail", partnership.enterprise_id)


@require_POST
@capability_required(CAP.VIEW)
def attraction_file(request: HttpRequest, pk: int) -> HttpResponse:
    attraction = _changeable(request, pk, Attraction.objects.select_related("enterprise"))
    form = forms.AttractionFileForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的备案日期。")
    else:
        try:
            services.attraction_file(
                actor=request.user, attraction=attraction, filed_on=form.cleaned_data["filed_on"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记市科技局备案。")
    return redirect("enterprises:detail", attraction.enterprise_id)


@require_POST
@capability_required(CAP.MANAGE)
def target_set(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2100:
        raise Http404("年度不正确。")
    form = forms.TargetForm(request.POST)
    if form.is_valid():
        services.target_set(actor=request.user, year=year, **form.cleaned_data)
        messages.success(request, "已保存年度目标。")
    else:
        messages.error(request, "目标值应为 0 至 100000 之间的整数。")
    return redirect("enterprises:year", year)


# --- events ---------------------------------------------------------------------------------------


@capability_required(CAP.VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Event.objects.visible_to(request.user)
        .annotate(n_invited=Count("invites"), n_attended=Count("invites", filter=Q(invites__attended=True)))
        .order_by("-held_on", "-pk")
    )
    can_create = selectors.can_manage(request.user)
    enterprises = Enterprise.objects.visible_to(request.user).order_by("name")
    form = forms.EventForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied("您没有维护企业库的权限。")
        if form.is_valid():
            d = form.cleaned_data
            town = Unit.objects.visible_to(request.user, "change").order_by("depth").first()
            try:
                if town is None:
                    raise DomainError("您没有可主办活动的单位。")
                services.event_create(
                    actor=request.user,
                    unit=town,
                    title=d["title"],
                    kind=d["kind"],
                    held_on=d["held_on"],
                    place=d["place"],
                    summary=d["summary"],
                    invited=list(d["invited"]),
                    attended=list(d["attended"]),
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "已登记活动。")
                return redirect("enterprises:event_list")
    page, base = paginate(request, qs, 30)
    return render(
        request,
        "enterprises/event_list.html",
        {"page_obj": page, "querystring_base": base, "form": form, "can_create": can_create},
    )

"""Pages of the assessment part. Views parse input and call services; reads go through selectors."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.assessment import forms, imports, selectors, services
from zhenwu.assessment.capabilities import CAPABILITIES as CAP
from zhenwu.assessment.choices import AwardKind, Board, BulletinStatus, ObjectionStatus, ResultCategory
from zhenwu.assessment.models import (
    AssessmentMonth,
    Finding,
    Indicator,
    MeetingDecision,
    MonthlyResult,
    Objection,
    ReviewMeeting,
    Scheme,
    WeightProfile,
)
from zhenwu.assessment.scoring import award_rules_text, compute_month
from zhenwu.assessment.selectors import is_staff_member
from zhenwu.assessment.weights import RANDOM_INDEX, ahp, entropy_weights
from zhenwu.core.errors import DomainError
from zhenwu.core.forms import read_filters
from zhenwu.core.models import Attachment
from zhenwu.core.parts import capability_label
from zhenwu.core.web import attachment_response, form_error, paginate
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import get_scoped_object, user_has_capability

View = Callable[..., HttpResponse]


def capability(code: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_has_capability(request.user, code):
                raise PermissionDenied(f"您没有“{capability_label(code)}”的权限，如需办理请联系系统管理员。")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def _caps(user: Any) -> dict[str, bool]:
    return {c.name.lower(): user_has_capability(user, c.value) for c in CAP}


def _today() -> Any:
    return timezone.localdate()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scheme = selectors.current_scheme(_today())
    months = list(AssessmentMonth.objects.select_related("scheme")[:13])
    caps = _caps(request.user)
    return render(
        request,
        "assessment/home.html",
        {
            "scheme": scheme,
            "months": months,
            "caps": caps,
            "pending_objections": selectors.pending_objection_count(user=request.user)
            if caps["review"]
            else 0,
            "to_verify": selectors.rectification_to_verify(user=request.user).count()
            if caps["inspect"]
            else 0,
            "to_rectify": selectors.rectification_due(user=request.user).count() if caps["object"] else 0,
            "tasks": list(selectors.open_tasks(user=request.user)[:10]),
        },
    )


# ---------------------------------------------------------------- inspection (phone)


@capability(CAP.INSPECT)
def inspect(request: HttpRequest) -> HttpResponse:
    scheme = selectors.current_scheme(_today())
    if scheme is None:
        messages.error(request, "本年度还没有考核方案，请先建立方案。")
        return redirect("assessment:home")
    units = selectors.assessed_units(user=request.user)
    indicators = selectors.manual_indicators(scheme)
    # The inspector usually records several findings in one village on one day: keep both.
    last = request.session.get("assessment_inspect", {})
    form = forms.FindingForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        indicators=indicators,
        initial={k: v for k, v in last.items() if k in ("unit", "found_on")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_record(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"已记录 {finding.number}：{finding.unit.name} {finding.indicator.name} {finding.count} 处，{finding.points} 分。",
            )
            request.session["assessment_inspect"] = {
                "unit": finding.unit_id,
                "found_on": form.cleaned_data["found_on"].isoformat(),
            }
            return redirect("assessment:inspect")
    recent = selectors.finding_list(user=request.user).filter(inspector=request.user)[:10]
    return render(request, "assessment/inspect.html", {"form": form, "recent": recent})


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    months = list(AssessmentMonth.objects.all()[:24])
    month = None
    filters = read_filters(request, forms.FindingFilter)
    if filters["month"]:
        month = AssessmentMonth.objects.filter(pk=filters["month"]).first()
    elif months:
        month = months[0]
    qs = selectors.finding_list(user=request.user, month=month)
    unit_id = filters["unit"]
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if filters["rectification"]:
        qs = qs.filter(rectification=filters["rectification"])
    page, base = paginate(request, qs, 30)
    return render(
        request,
        "assessment/finding_list.html",
        {
            "page_obj": page,
            "querystring_base": base,
            "months": months,
            "month": month,
            "units": selectors.assessed_units(user=request.user),
            "unit_id": unit_id,
            "caps": _caps(request.user),
            "today": _today(),
        },
    )


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_scoped_object(
        Finding.objects.select_related("unit", "indicator__item", "month__scheme", "inspector"),
        request.user,
        pk=pk,
    )
    caps = _caps(request.user)
    can_change = Finding.objects.visible_to(request.user, "change").filter(pk=finding.pk).exists()
    today = _today()
    return render(
        request,
        "assessment/finding_detail.html",
        {
            "finding": finding,
            "objections": finding.objections.select_related("submitted_by", "decided_by").prefetch_related(
                "evidence"
            ),
            "caps": caps,
            "can_object": can_change
            and caps["object"]
            and not finding.month.is_closed
            and finding.status == "active"
            and today <= finding.objection_deadline
            and not finding.objections.filter(status=ObjectionStatus.SUBMITTED).exists(),
            "can_rectify": can_change and caps["object"] and finding.rectification == "required",
            "can_verify": caps["inspect"] and finding.rectification == "submitted",
            "objection_form": forms.ObjectionForm(),
            "rectify_form": forms.RectifyForm(),
            "verify_form": forms.VerifyForm(),
            "overdue": finding.is_overdue(today),
        },
    )


def _finding_action(
    request: HttpRequest, pk: int, form_class: Any, call: Callable[[Finding, dict[str, Any]], Any], done: str
) -> HttpResponse:
    finding = get_scoped_object(
        Finding.objects.select_related("month__scheme", "unit", "indicator__item"), request.user, pk=pk
    )
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(finding, form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("assessment:finding_detail", pk=finding.pk)
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect("assessment:finding_detail", pk=finding.pk)


@require_POST
@login_required
def finding_object(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_action(
        request,
        pk,
        forms.ObjectionForm,
        lambda f, d: services.objection_submit(
            actor=request.user, finding=f, reason=d["reason"], evidence=d["evidence"]
        ),
        "申诉已提交，等待考核办审核。",
    )


@require_POST
@login_required
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_action(
        request,
        pk,
        forms.RectifyForm,
        lambda f, d: services.finding_rectify(
            actor=request.user, finding=f, note=d["note"], photos=d["photos"]
        ),
        "整改情况已提交，等待督查员核验。",
    )


@require_POST
@capability(CAP.INSPECT)
def finding_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_action(
        request,
        pk,
        forms.VerifyForm,
        lambda f, d: services.finding_verify(
            actor=request.user, finding=f, accepted=d["accepted"], note=d["note"]
        ),
        "核验结果已保存。",
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A photo or evidence file, served only to people who may see the finding or objection it belongs to."""
    att = get_object_or_404(Attachment, pk=pk)
    findings = Finding.objects.visible_to(request.user)
    visible = (
        findings.filter(Q(photos=att) | Q(rectify_photos=att)).exists()
        or Objection.objects.visible_to(request.user).filter(evidence=att).exists()
    )
    if not visible:
        raise Http404("记录不存在或不在您的数据范围内。")
    return attachment_response(att)


# ---------------------------------------------------------------- objections (reviewer)


@capability(CAP.REVIEW)
def objection_list(request: HttpRequest) -> HttpResponse:
    status = (
        read_filters(request, forms.ObjectionFilter)["status"]
        if "status" in request.GET
        else ObjectionStatus.SUBMITTED
    )
    qs = selectors.objection_list(user=request.user, status=status or None).prefetch_related(
        "evidence", "finding__photos"
    )
    page, base = paginate(request, qs, 20)
    return render(
        request,
        "assessment/objection_list.html",
        {
            "page_obj": page,
            "querystring_base": base,
            "status": status,
            "statuses": ObjectionStatus.choices,
            "decide_form": forms.DecideForm(),
        },
    )


@require_POST
@capability(CAP.REVIEW)
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_scoped_object(Objection.objects.all(), request.user, pk=pk)
    form = forms.DecideForm(request.POST)
    if form.is_valid():
        try:
            services.objection_transition(actor=request.user, objection=objection, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"申诉已审核：{Objection.objects.get(pk=pk).get_status_display()}。")
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, f"审核失败：{e}")
    return redirect("assessment:objection_list")


# ---------------------------------------------------------------- months: close, reopen, ranking, bulletin


@login_required
def month_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/month_list.html",
        {"months": AssessmentMonth.objects.select_related("closed_by"), "caps": _caps(request.user)},
    )


def _ranking_rows(results: list[MonthlyResult], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"r": r, "scores": [r.items.get(i["code"], {}) for i in items]} for r in results]


@login_required
def month_detail(request: HttpRequest, pk: int) -> HttpResponse:
    month = get_object_or_404(AssessmentMonth.objects.select_related("scheme", "closed_by"), pk=pk)
    caps = _caps(request.user)
    if not is_staff_member(request.user):
        raise Http404("记录不存在或不在您的数据范围内。")
    preview = None
    items: list[dict[str, Any]] = []
    if month.is_closed:
        items = month.rules_snapshot.get("items", [])
        area = list(selectors.result_list(user=request.user, month=month))
        departments = list(
            selectors.result_list(user=request.user, month=month, category=ResultCategory.DEPARTMENT)
        )
        rules = month.rules_snapshot.get("award_rules", {})
        notes = month.rules_snapshot.get("notes", [])
    else:
        area, departments, notes = [], [], []
        rules = month.scheme.award_rules
        if caps["close"]:
            preview = compute_month(month)
            items = [{"code": i.code, "name": i.name} for i in month.scheme.items.all()]
            notes = preview.notes
    visible_units = set(Unit.objects.visible_to(request.user).values_list("pk", flat=True))
    awards = [a for a in month.awards.select_related("unit") if a.unit_id in visible_units]
    rolls = [h for h in month.honour_rolls.select_related("unit") if h.unit_id in visible_units]
    bulletin = selectors.bulletin_for(month)
    return render(
        request,
        "assessment/month_detail.html",
        {
            "month": month,
            "caps": caps,
            "items": items,
            "rows": _ranking_rows(area, items),
            "preview": preview,
            "departments": departments,
            "awards": awards,
            "red": [h for h in rolls if h.board == Board.RED],
            "black": [h for h in rolls if h.board == Board.BLACK],
            "rules_text": award_rules_text(rules),
            "tie_rule": month.rules_snapshot.get("tie_rule") if month.is_closed else None,
            "notes": notes,
            "bulletin": bulletin,
            "pending": Objection.objects.filter(
                finding__month=month, status=ObjectionStatus.SUBMITTED
            ).count(),
            "blockers": [] if month.is_closed else selectors.close_blockers(month, _today()),
            "reopen_form": forms.ReasonForm(),
        },
    )


def _month_post(
    request: HttpRequest, pk: int, call: Callable[[AssessmentMonth], Any], done: str
) -> HttpResponse:
    month = get_object_or_404(AssessmentMonth, pk=pk)
    try:
        call(month)
    except DomainError as exc:
        if exc.code == "permission_denied":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("assessment:month_detail", pk=pk)


@require_POST
@capability(CAP.CLOSE)
def month_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _month_post(
        request,
        pk,
        lambda m: services.month_close(
            actor=request.user, month=m, override_reason=request.POST.get("override_reason", "")
        ),
        "已关账：得分、名次、奖项和红黑榜已生成，本月数据已锁定。",
    )


@require_POST
@capability(CAP.REOPEN)
def month_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _month_post(
        request,
        pk,
        lambda m: services.month_reopen(actor=request.user, month=m, reason=reason),
        "已重新开启，本次操作已记入审计日志。",
    )


@require_POST
@capability(CAP.CLOSE)
def bulletin_generate(request: HttpRequest, pk: int) -> HttpResponse:
    return _month_post(
        request,
        pk,
        lambda m: services.bulletin_generate(actor=request.user, month=m),
        "通报已生成，等待镇领导审批。",
    )


@require_POST
@capability(CAP.APPROVE_BULLETIN)
def bulletin_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def approve(month: AssessmentMonth) -> Any:
        bulletin = selectors.bulletin_for(month)
        if bulletin is None:
            raise DomainError("本月还没有生成通报。")
        return services.bulletin_approve(actor=request.user, bulletin=bulletin)

    return _month_post(request, pk, approve, "通报已审批发布，公开红黑榜已更新。")


@login_required
def bulletin_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    month = get_object_or_404(AssessmentMonth, pk=pk)
    bulletin = selectors.bulletin_for(month)
    if bulletin is None or not is_staff_member(request.user):
        raise Http404("通报不存在。")
    if bulletin.status != BulletinStatus.APPROVED and not (
        user_has_capability(request.user, CAP.CLOSE)
        or user_has_capability(request.user, CAP.APPROVE_BULLETIN)
    ):
        raise Http404("通报尚未发布。")
    field = bulletin.docx if kind == "docx" else bulletin.xlsx
    name = f"{bulletin.title}.docx" if kind == "docx" else f"{month.label}考核明细.xlsx"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


# ---------------------------------------------------------------- dashboard (ECharts)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    units = list(selectors.assessed_units(user=request.user))
    if not units:
        raise Http404("没有可查看的村(社区)。")
    closed = list(AssessmentMonth.objects.filter(status="closed").order_by("-month")[:12])
    return render(request, "assessment/dashboard.html", {"units": units, "months": closed})


@login_required
def dashboard_data(request: HttpRequest) -> JsonResponse:
    units = {u.pk: u for u in selectors.assessed_units(user=request.user)}
    closed = list(AssessmentMonth.objects.filter(status="closed").order_by("-month")[:12])[::-1]
    filters = read_filters(request, forms.MonthUnitFilter, quiet=True)
    unit_id = filters["unit"] or next(iter(units), 0)
    if unit_id not in units:
        raise Http404("记录不存在或不在您的数据范围内。")
    results = {
        (r.month_id, r.unit_id): r
        for r in MonthlyResult.objects.visible_to(request.user).filter(
            month__in=closed, category=ResultCategory.AREA
        )
    }
    trend = [
        {
            "month": m.label,
            "total": float(results[(m.pk, unit_id)].total),
            "rank": results[(m.pk, unit_id)].rank,
        }
        for m in closed
        if (m.pk, unit_id) in results
    ]
    heat_month = (
        AssessmentMonth.objects.filter(pk=filters["month"]).first()
        if filters["month"]
        else (closed[-1] if closed else None)
    )
    heat: dict[str, Any] = {"items": [], "units": [], "cells": [], "month": None}
    if heat_month is not None:
        items = heat_month.rules_snapshot.get("items", [])
        unit_list = [u for u in units.values()]
        heat["month"] = {"id": heat_month.pk, "label": heat_month.label}
        heat["items"] = [{"code": i["code"], "name": i["name"]} for i in items]
        heat["units"] = [{"id": u.pk, "name": u.name} for u in unit_list]
        for x, item in enumerate(items):
            for y, u in enumerate(unit_list):
                r = results.get((heat_month.pk, u.pk))
                if r is not None:
                    heat["cells"].append(
                        [x, y, float(Decimal(r.items.get(item["code"], {}).get("score", "0")))]
                    )
    drill = reverse("assessment:home")
    return JsonResponse({"unit": units[unit_id].name, "trend": trend, "heat": heat, "drill_base": drill})


@login_required
def drilldown(request: HttpRequest, month_pk: int, unit_pk: int) -> HttpResponse:
    month = get_object_or_404(AssessmentMonth, pk=month_pk)
    unit = get_scoped_object(Unit.objects.all(), request.user, pk=unit_pk)
    findings = selectors.finding_list(user=request.user, month=month, unit=unit)
    result = (
        MonthlyResult.objects.visible_to(request.user)
        .filter(month=month, unit=unit, category=ResultCategory.AREA)
        .first()
    )
    return render(
        request,
        "assessment/drilldown.html",
        {"month": month, "unit": unit, "findings": findings, "result": result},
    )


# ---------------------------------------------------------------- scheme and weights


@login_required
def scheme_detail(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404("记录不存在或不在您的数据范围内。")
    scheme = get_object_or_404(Scheme, pk=pk) if pk else selectors.current_scheme(_today())
    if scheme is None:
        raise Http404("还没有考核方案。")
    items = list(scheme.items.prefetch_related("indicators").select_related("responsible_unit"))
    caps = _caps(request.user)
    weight_form = forms.WeightForm(
        request.POST or None, units=selectors.assessed_units(user=request.user), items=items
    )
    ahp_form = forms.AhpForm(request.POST if "ahp" in request.POST else None, items=items)
    ahp_result = None
    entropy_result = None
    entropy_error = ""
    if request.method == "POST":
        if not caps["manage_scheme"]:
            raise PermissionDenied("您没有“维护考核方案与权重”的权限。")
        if "entropy" in request.POST:
            rows = selectors.item_score_matrix(scheme=scheme, codes=[i.code for i in items])
            try:
                entropy_result = entropy_weights(rows, [i.name for i in items])
            except DomainError as exc:
                entropy_error = f"无法计算熵权：{exc.message}（需要已关账月份的得分）"
            else:
                weight_form = forms.WeightForm(
                    initial={
                        f"w_{i.code}": round(w, 4)
                        for i, w in zip(items, entropy_result.weights, strict=False)
                    },
                    units=selectors.assessed_units(user=request.user),
                    items=items,
                )
        elif "ahp" in request.POST:
            if ahp_form.is_valid():
                try:
                    ahp_result = ahp(ahp_form.cleaned_data["matrix"])
                except DomainError as exc:
                    ahp_form.add_error(None, exc.message)
                else:
                    weight_form = forms.WeightForm(
                        initial={
                            f"w_{i.code}": round(w, 4)
                            for i, w in zip(items, ahp_result.weights, strict=False)
                        },
                        units=selectors.assessed_units(user=request.user),
                        items=items,
                    )
        elif weight_form.is_valid():
            d = weight_form.cleaned_data
            try:
                services.weight_profile_set(
                    actor=request.user,
                    scheme=scheme,
                    unit=d["unit"],
                    unit_kind="" if d["unit"] else d["unit_kind"],
                    valid_from=d["valid_from"],
                    weights=weight_form.weights(),
                    note=d["note"],
                    method=request.POST.get("method", "manual")
                    if request.POST.get("method") in ("manual", "ahp")
                    else "manual",
                )
            except DomainError as exc:
                form_error(weight_form, exc)
            else:
                messages.success(request, "权重已保存，自起用月份起生效，原权重保留为历史。")
                return redirect("assessment:scheme_detail", pk=scheme.pk)
    profiles = WeightProfile.objects.filter(scheme=scheme).select_related("unit", "created_by")
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "schemes": Scheme.objects.all(),
            "items": items,
            "profiles": profiles,
            "weight_form": weight_form,
            "ahp_form": ahp_form,
            "ahp_ri": ",".join(str(RANDOM_INDEX[n]) for n in sorted(RANDOM_INDEX)),
            "ahp_result": ahp_result,
            "entropy_result": entropy_result,
            "entropy_error": entropy_error,
            "caps": caps,
            "rules_text": award_rules_text(scheme.award_rules),
        },
    )


@capability(CAP.MANAGE_SCHEME)
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    form = forms.IndicatorForm(request.POST or None, items=scheme.items.all())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.indicator_create(
                actor=request.user,
                item=d["item"],
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                source=d["source"],
                points_per_finding=d["points_per_finding"],
                max_score=d["max_score"],
                metric_key=d["metric_key"],
                formula=d["formula"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "细则已添加。已关账月份仍按关账时的规则。")
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    return render(
        request, "assessment/indicator_form.html", {"form": form, "scheme": scheme, "title": "添加考核细则"}
    )


@capability(CAP.MANAGE_SCHEME)
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("item__scheme"), pk=pk)
    initial = {
        "name": indicator.name,
        "points_per_finding": indicator.points_per_finding,
        "max_score": indicator.max_score,
    }
    form = forms.IndicatorEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(actor=request.user, indicator=indicator, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "细则已修改。已关账月份仍按关账时的规则。")
            return redirect("assessment:scheme_detail", pk=indicator.item.scheme_id)
    return render(
        request,
        "assessment/indicator_form.html",
        {
            "form": form,
            "scheme": indicator.item.scheme,
            "title": f"修改细则：{indicator.item.name} · {indicator.name}",
        },
    )


@require_POST
@capability(CAP.MANAGE_SCHEME)
def scheme_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Scheme, pk=pk)
    try:
        new = services.scheme_copy(actor=request.user, source=source, year=source.year + 1)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:scheme_detail", pk=pk)
    messages.success(request, f"已复制为{new.year}年度方案，请修改后使用。")
    return redirect("assessment:scheme_detail", pk=new.pk)


# ---------------------------------------------------------------- import


@capability(CAP.INSPECT)
def import_findings(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            n = imports.import_findings(actor=request.user, upload=form.cleaned_data["file"])
        except imports.ImportRefused as exc:
            errors = exc.errors
            form.add_error("file", exc.message)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已导入 {n} 条检查结果。")
            return redirect("assessment:finding_list")
    return render(request, "assessment/import.html", {"form": form, "errors": errors})


@capability(CAP.INSPECT)
def import_template(request: HttpRequest) -> HttpResponse:
    from urllib.parse import quote

    scheme = selectors.current_scheme(_today())
    if scheme is None:
        raise Http404("还没有考核方案。")
    response = HttpResponse(
        imports.build_template(scheme),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'检查结果导入模板-{scheme.year}.xlsx')}"
    )
    return response


# ---------------------------------------------------------------- review meetings (点评会)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404("记录不存在或不在您的数据范围内。")
    caps = _caps(request.user)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST":
        if not caps["close"]:
            raise PermissionDenied("您没有记录点评会的权限。")
        if form.is_valid():
            d = form.cleaned_data
            month = (
                AssessmentMonth.objects.filter(status="closed", month__lte=d["held_on"])
                .order_by("-month")
                .first()
            )
            try:
                meeting = services.meeting_create(
                    actor=request.user,
                    month=month,
                    held_on=d["held_on"],
                    title=d["title"],
                    attendees=d["attendees"],
                    summary=d["summary"],
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                meeting.place = d["place"]
                meeting.save(update_fields=["place"])
                return redirect("assessment:meeting_detail", pk=meeting.pk)
    meetings = ReviewMeeting.objects.prefetch_related("decisions__unit")
    return render(request, "assessment/meeting_list.html", {"meetings": meetings, "form": form, "caps": caps})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404("记录不存在或不在您的数据范围内。")
    meeting = get_object_or_404(ReviewMeeting, pk=pk)
    caps = _caps(request.user)
    form = forms.DecisionForm(
        request.POST or None,
        units=Unit.objects.filter(is_active=True, kind__in=["village", "community", "department"]),
    )
    if request.method == "POST":
        if not caps["close"]:
            raise PermissionDenied("您没有记录点评会的权限。")
        if form.is_valid():
            try:
                services.decision_add(actor=request.user, meeting=meeting, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "决定已记录；交办的任务已出现在责任单位的待办中。")
                return redirect("assessment:meeting_detail", pk=pk)
    visible = set(
        MeetingDecision.objects.visible_to(request.user).filter(meeting=meeting).values_list("pk", flat=True)
    )
    decisions = [d for d in meeting.decisions.select_related("unit") if d.unit_id is None or d.pk in visible]
    return render(
        request,
        "assessment/meeting_detail.html",
        {
            "meeting": meeting,
            "decisions": decisions,
            "form": form,
            "caps": caps,
            "complete_form": forms.CompleteForm(),
        },
    )


@require_POST
@login_required
def decision_complete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_scoped_object(
        MeetingDecision.objects.select_related("meeting"), request.user, "change", pk=pk
    )
    form = forms.CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.decision_complete(actor=request.user, decision=decision, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "任务已办结。")
    else:
        messages.error(request, "请填写完成情况。")
    return redirect("assessment:meeting_detail", pk=decision.meeting_id)


# ---------------------------------------------------------------- public 红黑榜


def public_board(request: HttpRequest) -> HttpResponse:
    months = list(selectors.published_months()[:12])
    month = months[0] if months else None
    if request.GET.get("month"):
        month = next((m for m in months if str(m.pk) == request.GET["month"]), None)
        if month is None:
            raise Http404("该月考核结果尚未公布。")
    context: dict[str, Any] = {"months": months, "month": month}
    if month is not None:
        rolls = list(month.honour_rolls.select_related("unit"))
        context.update(
            {
                "results": selectors.public_results(month),
                "items": month.rules_snapshot.get("items", []),
                "red": [h for h in rolls if h.board == Board.RED],
                "black": [h for h in rolls if h.board == Board.BLACK],
                "awards": [
                    (k.label, [a for a in month.awards.select_related("unit") if a.kind == k])
                    for k in AwardKind
                ],
                "rules_text": award_rules_text(month.rules_snapshot.get("award_rules", {})),
                "tie_rule": month.rules_snapshot.get("tie_rule", ""),
            }
        )
    return render(request, "assessment/public_board.html", context)

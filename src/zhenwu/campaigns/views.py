"""Pages of 专项行动 and 目标任务 (staff) and the public progress pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.campaigns import exports, selectors, services
from zhenwu.campaigns import forms as f
from zhenwu.campaigns.capabilities import CAPABILITIES as CAP
from zhenwu.campaigns.choices import CAMPAIGN_MACHINE, CampaignStatus, ReportStatus
from zhenwu.campaigns.models import AnnualTarget, Campaign, ProgressReport
from zhenwu.campaigns.progress import RAG_RULE
from zhenwu.campaigns.uploads import reencode_image
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.models import Attachment
from zhenwu.core.services import DOCUMENT_TYPES, IMAGE_TYPES, attachment_create
from zhenwu.core.web import capability_required, form_error
from zhenwu.orgs.scope import get_scoped_object, user_has_capability

PDF_AND_OFFICE = DOCUMENT_TYPES - IMAGE_TYPES


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.is_staff_member(request.user):
            raise PermissionDenied("专项行动仅对机关和村（社区）工作人员开放。")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def _can_change(user: Any, campaign: Campaign) -> bool:
    return Campaign.objects.visible_to(user, "change").filter(pk=campaign.pk).exists()


# ------------------------------------------------------------------------------------ campaigns


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = f.CampaignFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    campaigns = selectors.campaign_list(user=request.user, **filters)
    counts = {
        colour: sum(1 for c in campaigns if c.rag.colour == colour)
        for colour in ("green", "amber", "red", "done")
    }  # type: ignore[attr-defined]
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "form": form,
            "campaigns": campaigns,
            "counts": counts,
            "rule": RAG_RULE,
            "can_manage": user_has_capability(request.user, CAP.MANAGE),
        },
    )


def _save_campaign(request: HttpRequest, form: f.CampaignForm, campaign: Campaign | None) -> Campaign | None:
    d = form.cleaned_data
    try:
        plan = None
        if d.get("plan_document"):
            plan = attachment_create(
                actor=request.user, upload=d["plan_document"], allowed_types=DOCUMENT_TYPES
            )
        fields = {k: d[k] for k in (
            "title", "year", "summary", "leader", "leader_title", "lead_unit", "owner_name", "members",
            "start_date", "end_date", "report_cycle", "is_public",
        )}  # fmt: skip
        if campaign is None:
            return services.campaign_create(
                actor=request.user, units=list(d["units"]), plan_document=plan, **fields
            )
        if plan is not None:
            fields["plan_document"] = plan
        return services.campaign_update(
            actor=request.user, campaign=campaign, units=list(d["units"]), **fields
        )
    except DomainError as exc:
        form_error(form, exc)
        return None


@capability_required(CAP.MANAGE)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = f.CampaignForm(request.POST or None, request.FILES or None, user=request.user,
                          initial={"year": timezone.localdate().year})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        campaign = _save_campaign(request, form, None)
        if campaign is not None:
            messages.success(request, "专项行动已建立，请设置里程碑和路线图。")
            return redirect("campaigns:milestones", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@capability_required(CAP.MANAGE)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_object(Campaign.objects.all(), request.user, "change", pk=pk)
    initial = {
        **{
            k: getattr(campaign, k)
            for k in (
                "title",
                "year",
                "summary",
                "leader",
                "leader_title",
                "lead_unit",
                "owner_name",
                "members",
                "start_date",
                "end_date",
                "report_cycle",
                "is_public",
            )
        },  # fmt: skip
        "units": list(campaign.units.all()),
    }
    form = f.CampaignForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and _save_campaign(request, form, campaign):
        messages.success(request, "已保存。")
        return redirect(campaign.get_absolute_url())
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@staff_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_object(
        Campaign.objects.select_related("lead_unit", "leader", "plan_document"), request.user, pk=pk
    )
    milestones = list(campaign.milestones.all())
    can_change = _can_change(request.user, campaign)
    can_report = (
        can_change
        and user_has_capability(request.user, CAP.REPORT)
        and campaign.status == CampaignStatus.ACTIVE
    )
    report_form = f.ReportForm(milestones=milestones, initial={"client_token": secrets.token_hex(16)})
    return _detail(request, campaign, milestones, can_change, can_report, report_form)


def _detail(
    request: HttpRequest,
    campaign: Campaign,
    milestones: list[Any],
    can_change: bool,
    can_report: bool,
    report_form: Any,
) -> HttpResponse:
    rag = selectors.campaign_rag(campaign)
    actions = [
        (t.action, CAMPAIGN_MACHINE.action_label(t.action), t.needs_note)
        for t in CAMPAIGN_MACHINE.allowed_actions(
            campaign, actor_kinds=(), can=lambda c: user_has_capability(request.user, c)
        )
    ] if can_change else []  # fmt: skip
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "c": campaign,
            "rag": rag,
            "rule": RAG_RULE,
            "milestones": milestones,
            "weight_total": sum(m.weight for m in milestones),
            "objectives": campaign.objectives.all(),
            "steps": campaign.steps.all(),
            "units": campaign.units.order_by("path"),
            "reports": selectors.report_list(user=request.user, campaign=campaign)[:20],
            "comments": campaign.comments.filter(report__isnull=True).select_related("author"),
            "report_form": report_form,
            "comment_form": f.CommentForm(),
            "can_report": can_report,
            "can_manage": can_change and user_has_capability(request.user, CAP.MANAGE),
            "can_comment": user_has_capability(request.user, CAP.COMMENT),
            "actions": actions,
            "today": timezone.localdate(),
        },
    )


def _uploads(request: HttpRequest, photos: list[Any], files: list[Any]) -> list[Attachment]:
    limit = settings.ZHENWU_UPLOAD_MAX_BYTES
    made = [
        attachment_create(
            actor=request.user, upload=reencode_image(p, max_bytes=limit), allowed_types=IMAGE_TYPES
        )
        for p in photos
    ]
    made += [attachment_create(actor=request.user, upload=u, allowed_types=PDF_AND_OFFICE) for u in files]
    return made


@staff_required
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_object(
        Campaign.objects.select_related("lead_unit", "leader"), request.user, "change", pk=pk
    )
    if not user_has_capability(request.user, CAP.REPORT):
        raise PermissionDenied("您没有报送专项行动进展的权限。")
    milestones = list(campaign.milestones.all())
    form = f.ReportForm(request.POST, request.FILES, milestones=milestones)
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # a refused photo or report leaves no stray attachment behind
                report = services.report_submit(
                    actor=request.user,
                    campaign=campaign,
                    text=d["text"],
                    problems=d["problems"],
                    milestone_progress=form.milestone_progress(),
                    attachments=_uploads(request, d["photos"], d["files"]),
                    client_token=d["client_token"],
                )
            messages.success(request, f"进展已报送，行动进度 {report.progress_after}%。")
            return redirect(campaign.get_absolute_url())
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            form_error(form, exc)
    return _detail(request, campaign, milestones, True, True, form)


@capability_required(CAP.COMMENT)
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_object(Campaign.objects.all(), request.user, pk=pk)
    form = f.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_comment(actor=request.user, campaign=campaign, text=form.cleaned_data["text"])
            messages.success(request, "批示已发送给牵头部门。")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写批示内容。")
    return redirect(campaign.get_absolute_url())


@staff_required
@require_POST
def campaign_transition(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_object(Campaign.objects.all(), request.user, "change", pk=pk)
    form = f.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作无效，请刷新页面后重试。")
        return redirect(campaign.get_absolute_url())
    try:
        services.campaign_transition(
            actor=request.user,
            campaign=campaign,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "状态已更新。")
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(campaign.get_absolute_url())


def _rows_page(
    request: HttpRequest,
    pk: int,
    formset_class: Any,
    initial: Callable[[Campaign], list[dict[str, Any]]],
    save: Callable[[Campaign, list[dict[str, Any]]], Any],
    template: str,
    done: str,
) -> HttpResponse:
    if not user_has_capability(request.user, CAP.MANAGE):
        raise PermissionDenied("您没有设置专项行动方案的权限。")
    campaign = get_scoped_object(Campaign.objects.all(), request.user, "change", pk=pk)
    formset = formset_class(request.POST or None, initial=initial(campaign), prefix="rows")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [r for r in formset.cleaned_data if r and not r.get("DELETE")]
        try:
            save(campaign, rows)
            messages.success(request, done)
            return redirect(campaign.get_absolute_url())
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            error = exc.message
    return render(request, template, {"c": campaign, "formset": formset, "error": error})


@login_required
def campaign_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    return _rows_page(
        request,
        pk,
        f.MilestoneFormSet,
        lambda c: [
            {"title": m.title, "due_date": m.due_date, "weight": m.weight} for m in c.milestones.all()
        ],
        lambda c, rows: services.milestones_replace(
            actor=request.user,
            campaign=c,
            rows=[services.MilestoneRow(r["title"], r["due_date"], r["weight"]) for r in rows],
        ),
        "campaigns/milestones_form.html",
        "里程碑已保存。",
    )


@login_required
def campaign_roadmap(request: HttpRequest, pk: int) -> HttpResponse:
    return _rows_page(
        request,
        pk,
        f.StepFormSet,
        lambda c: [{"name": s.name, "owner": s.owner, "days": s.days} for s in c.steps.all()],
        lambda c, rows: services.roadmap_replace(
            actor=request.user,
            campaign=c,
            rows=[services.StepRow(r["name"], r["days"], r["owner"]) for r in rows],
        ),
        "campaigns/roadmap_form.html",
        "路线图已按完成时限倒排。",
    )


@login_required
def campaign_objectives(request: HttpRequest, pk: int) -> HttpResponse:
    return _rows_page(
        request,
        pk,
        f.ObjectiveFormSet,
        lambda c: [
            {
                k: getattr(o, k)
                for k in ("title", "measure_unit", "baseline", "target_value", "direction", "actual")
            }
            for o in c.objectives.all()
        ],
        lambda c, rows: services.objectives_replace(
            actor=request.user,
            campaign=c,
            rows=[
                services.ObjectiveRow(
                    r["title"],
                    r["measure_unit"],
                    r["baseline"] or 0,
                    r["target_value"],
                    r["direction"],
                    r["actual"],
                )
                for r in rows
            ],
        ),
        "campaigns/objectives_form.html",
        "目标值已保存。",
    )


@staff_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_object(
        ProgressReport.objects.select_related("campaign", "unit", "reported_by"), request.user, pk=pk
    )
    form = f.CommentForm(request.POST or None)
    can_review = user_has_capability(request.user, CAP.COMMENT)
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied("您没有审阅专项行动进展的权限。")
        if form.is_valid():
            try:
                services.report_review(actor=request.user, report=report, text=form.cleaned_data["text"])
                messages.success(request, "批示已发送给报送单位。")
                return redirect(report.get_absolute_url())
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "campaigns/report_detail.html",
        {
            "r": report,
            "c": report.campaign,
            "attachments": report.attachments.all(),
            "comments": report.comments.select_related("author"),
            "form": form,
            "can_review": can_review,
            "reviewed": report.status == ReportStatus.REVIEWED,
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A report photo, plan or evidence file, only to people who may see what it belongs to."""
    att = get_object_or_404(Attachment, pk=pk)
    user = request.user
    visible = (
        ProgressReport.objects.visible_to(user).filter(attachments=att).exists()
        or Campaign.objects.visible_to(user).filter(plan_document=att).exists()
        or AnnualTarget.objects.visible_to(user).filter(evidence=att).exists()
    )
    if not visible:
        raise Http404("记录不存在或不在您的数据范围内。")
    inline = att.content_type in IMAGE_TYPES
    return FileResponse(
        att.file.open("rb"),
        content_type=att.content_type,
        filename=att.original_name,
        as_attachment=not inline,
    )


# ------------------------------------------------------------------------------------ targets


@staff_required
def target_list(request: HttpRequest) -> HttpResponse:
    form = f.TargetFilterForm(request.GET or None)
    years = selectors.target_years(user=request.user)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or (
        years[0] if years else timezone.localdate().year
    )
    targets = selectors.target_list(user=request.user, year=year)
    if not form.is_bound:
        form = f.TargetFilterForm(initial={"year": year})
    return render(
        request,
        "campaigns/target_list.html",
        {
            "form": form,
            "year": year,
            "years": years,
            "targets": targets,
            "exceeded": sum(1 for t in targets if t.figures.exceeded),  # type: ignore[attr-defined]
            "met": sum(1 for t in targets if t.figures.label in ("超额完成", "已完成")),  # type: ignore[attr-defined]
            "can_manage": user_has_capability(request.user, CAP.MANAGE_TARGETS),
        },
    )


@staff_required
def target_export(request: HttpRequest) -> HttpResponse:
    form = f.TargetFilterForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    return exports.targets_xlsx(selectors.target_list(user=request.user, year=year), year=year)


@capability_required(CAP.MANAGE_TARGETS)
def target_create(request: HttpRequest) -> HttpResponse:
    form = f.TargetForm(
        request.POST or None,
        user=request.user,
        initial={"year": timezone.localdate().year, "source": "manual"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            target = services.target_create(
                actor=request.user,
                unit=d["unit"],
                year=d["year"],
                title=d["title"],
                category=d["category"],
                measure_unit=d["measure_unit"],
                target_value=d["target_value"],
                direction=d["direction"],
                source=d["source"],
                metric_key=d["metric_key"],
                note=d["note"],
            )
            messages.success(request, "目标任务已下达。")
            return redirect(target.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "campaigns/target_form.html", {"form": form})


@staff_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_scoped_object(AnnualTarget.objects.select_related("unit"), request.user, pk=pk)
    can_enter = (
        target.source == "manual"
        and user_has_capability(request.user, CAP.MANAGE_TARGETS)
        and AnnualTarget.objects.visible_to(request.user, "change").filter(pk=pk).exists()
    )
    form = f.ActualForm(initial={"value": target.manual_actual, "note": target.evidence_note})
    if request.method == "POST":
        target = get_scoped_object(AnnualTarget.objects.select_related("unit"), request.user, "change", pk=pk)
        form = f.ActualForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                with transaction.atomic():  # a refused file leaves no stray attachment behind
                    evidence = [
                        attachment_create(actor=request.user, upload=u, allowed_types=DOCUMENT_TYPES)
                        for u in d["evidence"]
                    ]
                    services.target_enter_actual(
                        actor=request.user, target=target, value=d["value"], note=d["note"], evidence=evidence
                    )
                messages.success(request, "完成值已填报。")
                return redirect(target.get_absolute_url())
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "campaigns/target_detail.html",
        {
            "t": target,
            "fig": selectors.target_figures(target),
            "snapshots": target.snapshots.all(),
            "evidence": target.evidence.all(),
            "form": form,
            "can_enter": can_enter,
        },
    )


# ------------------------------------------------------------------------------------ public


def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "campaigns/public/list.html", {"campaigns": selectors.public_campaigns(), "rule": RAG_RULE}
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = (
        Campaign.objects.filter(Q(is_public=True) & ~Q(status=CampaignStatus.PLANNING))
        .select_related("lead_unit")
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404("该专项行动不存在或未公开。")
    return render(
        request,
        "campaigns/public/detail.html",
        {
            "c": campaign,
            "rag": selectors.campaign_rag(campaign),
            "rule": RAG_RULE,
            "milestones": campaign.milestones.all(),
            "objectives": campaign.objectives.all(),
            "steps": campaign.steps.all(),
            "reports": campaign.reports.select_related("unit")[:10],
        },
    )

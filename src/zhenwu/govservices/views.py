"""Staff pages of 小牛办: applications (list, detail, steps, intake), catalogue, licences, 整改, 叫号, figures."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.exports import xlsx_response
from zhenwu.core.web import capability_required, form_error, paginate
from zhenwu.govservices import catalogue, licences, selectors, services
from zhenwu.govservices.capabilities import CAPABILITIES as CAP
from zhenwu.govservices.choices import APPLICATION_MACHINE, RECTIFICATION_MACHINE, Channel
from zhenwu.govservices.forms import (
    ApplicationFilterForm,
    ImportForm,
    ItemReviseForm,
    NoteForm,
    ReasonForm,
    TransitionForm,
    apply_form_class,
)
from zhenwu.govservices.models import (
    Application,
    Bundle,
    Licence,
    Rectification,
    ServiceItem,
    Submission,
    SubmittedMaterial,
    Window,
)
from zhenwu.orgs.choices import UnitKind
from zhenwu.orgs.scope import get_scoped_object, user_has_capability

STAFF = (CAP.INTAKE, CAP.REVIEW, CAP.RECTIFY, CAP.SUPERVISE, CAP.REVOKE, CAP.CATALOGUE)


# --------------------------------------------------------------------------- selection (shared with the public pages)


def resolve_selection(request: HttpRequest) -> dict[str, Any]:
    """What is being applied for, from the query string: ?item=<pk> or ?bundle=<code>&q_<key>=<value>."""
    params = request.GET  # the form posts back to the same URL, query string included
    bundle = None
    items: list[ServiceItem] = []
    answers: dict[str, str] = {}
    unanswered: list[dict[str, Any]] = []
    code = str(params.get("bundle", ""))[:40].replace("\x00", "")
    item_id = str(params.get("item", ""))[:12]
    if code:
        bundle = Bundle.objects.filter(code=code).first()
        if bundle is None:
            raise Http404("一件事不存在。")
        for q in bundle.questions:
            value = str(params.get(f"q_{q['key']}", ""))[:40]
            if any(o["value"] == value for o in q["options"]):
                answers[q["key"]] = value
            else:
                unanswered.append(q)
        if not unanswered:
            items = services.bundle_items(bundle, answers)
    elif item_id:
        if not item_id.isdigit():
            raise Http404("事项不存在。")
        item = ServiceItem.objects.filter(pk=int(item_id), is_active=True).select_related("current").first()
        if item is None:
            raise Http404("事项不存在。")
        items = [item]
    return {"bundle": bundle, "items": items, "answers": answers, "unanswered": unanswered}


def places_for(items: list[ServiceItem], candidates: list[Any]) -> list[Any]:
    """Candidate places that may take every selected item (a station or grid only its delegated ones)."""
    ok = []
    for unit in candidates:
        try:
            services.check_delegation(unit, items)
        except DomainError:
            continue
        ok.append(unit)
    return ok


def build_apply_form(request: HttpRequest, sel: dict[str, Any], units: list[Any], staff: bool) -> Any:
    fields = services.merged_fields(sel["items"])
    materials = services.merged_materials(sel["items"])
    form_class = apply_form_class(fields=fields, materials=materials, units=units, staff=staff)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, request.FILES or None, initial={"client_token": uuid.uuid4().hex})
    return form, fields, materials


def submit_apply_form(
    request: HttpRequest, form: Any, sel: dict[str, Any], units: list[Any], channel: str, actor: Any
) -> Any:
    d = form.cleaned_data
    unit = next((u for u in units if u.pk == d["unit"]), None)
    if unit is None:
        form.add_error("unit", "请选择办理地点。")
        return None
    files = {k[2:]: v for k, v in d.items() if k.startswith("m_") and v}
    try:
        return services.submission_create(
            actor=actor,
            unit=unit,
            channel=channel,
            applicant_name=d["applicant_name"],
            applicant_phone=d["applicant_phone"],
            items=sel["items"] if sel["bundle"] is None else (),
            bundle=sel["bundle"],
            answers=sel["answers"],
            form_data={k[2:]: v for k, v in d.items() if k.startswith("f_")},
            files=files,
            service_mode=d.get("service_mode") or "standard",
            # 帮办/代办: the staff member who takes a 帮办 application is its helper.
            helper=actor if channel != Channel.ONLINE and d.get("service_mode") == "bangban" else None,
            client_token=d.get("client_token") or "",
            applicant_user=request.user
            if channel == Channel.ONLINE and request.user.is_authenticated
            else None,
        )
    except DomainError as exc:
        form_error(form, exc)
        return None


# --------------------------------------------------------------------------- applications


def form_rows(app: Application) -> list[tuple[str, str]]:
    """The submission's form answers with their Chinese labels (never the data-element codes)."""
    labels: dict[str, str] = {}
    for sibling in app.submission.applications.select_related("version"):
        for f in sibling.version.fields:
            labels.setdefault(f["key"], f["label"])
    return [(labels[k], v) for k, v in app.submission.form_data.items() if k in labels]


@capability_required(*STAFF)
def application_list(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET or None)
    qs = selectors.application_list(user=request.user, filters=form.filters() if request.GET else {})
    page, base = paginate(request, qs, 30)
    return render(
        request,
        "govservices/application_list.html",
        {"form": form, "page_obj": page, "querystring_base": base, "today": timezone.localdate()},
    )


@capability_required(*STAFF)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_scoped_object(
        Application.objects.select_related("submission", "version", "item", "unit"),
        request.user,
        "view",
        pk=pk,
    )
    can_change = Application.objects.visible_to(request.user, "change").filter(pk=app.pk).exists()
    allowed = (
        APPLICATION_MACHINE.allowed_actions(app, actor_kinds=services.actor_kinds(request.user, app))
        if can_change
        else []
    )
    actions = [(t, APPLICATION_MACHINE.action_label(t.action)) for t in allowed]
    return render(
        request,
        "govservices/application_detail.html",
        {
            "app": app,
            "submission": app.submission,
            "submission_due": services.submission_deadline(app.submission),
            "form_rows": form_rows(app),
            "siblings": app.submission.applications.exclude(pk=app.pk).select_related("version"),
            "materials": app.submission.materials.select_related("attachment"),
            "events": app.events.all(),
            "actions": actions,
            "licence": Licence.objects.filter(application=app).first(),
            "rating": getattr(app, "rating", None),
            "today": timezone.localdate(),
            "form": TransitionForm(initial={"days": services.SUPPLEMENT_DAYS}),
        },
    )


@capability_required(*STAFF)
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """A submitted material, only for people who may see its submission; always served as an attachment."""
    material = get_object_or_404(SubmittedMaterial.objects.select_related("attachment", "submission"), pk=pk)
    if not Submission.objects.visible_to(request.user).filter(pk=material.submission_id).exists():
        raise Http404("记录不存在或不在您的数据范围内。")
    att = material.attachment
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.original_name, content_type=att.content_type
    )


@require_POST
@capability_required(*STAFF)
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_scoped_object(Application.objects.all(), request.user, "change", pk=pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, "提交的内容有误：" + "；".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect("govservices:detail", pk=app.pk)
    d = form.cleaned_data
    try:
        services.application_transition(
            actor=request.user,
            application=app,
            action=d["action"],
            note=d.get("note") or "",
            days=d.get("days") or services.SUPPLEMENT_DAYS,
            files=d.get("files") or [],
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{APPLICATION_MACHINE.action_label(d['action'])}。")
    return redirect("govservices:detail", pk=app.pk)


@capability_required(CAP.INTAKE)
def intake(request: HttpRequest) -> HttpResponse:
    """Window, station or grid intake: pick the item or 一件事, answer the 情形, fill one form."""
    units = selectors.intake_units(request.user)
    if not units:
        raise PermissionDenied("您没有可受理的办理地点。")
    sel = resolve_selection(request)
    context: dict[str, Any] = {"sel": sel, "staff": True}
    if not sel["items"]:
        delegated_only = all(u.kind in {UnitKind.STATION, UnitKind.GRID} for u in units)
        items = selectors.items_for_unit(units[0]) if delegated_only else selectors.catalogue_search()
        if delegated_only and len(units) > 1:
            items = ServiceItem.objects.filter(is_active=True, delegated_units__in=units).distinct()
        context.update(
            {"items": items.select_related("current"), "bundles": Bundle.objects.all(), "units": units}
        )
        return render(request, "govservices/intake_pick.html", context)
    places = places_for(sel["items"], units)
    if not places:
        messages.error(
            request,
            f"“{'、'.join(i.name for i in sel['items'])}”未下放到您所在的便民服务站或网格，不能在此受理；请引导申请人到镇便民服务中心办理。",
        )
        return redirect("govservices:intake")
    form, fields, materials = build_apply_form(request, sel, places, staff=True)
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in places if u.pk == form.cleaned_data["unit"])
        channel = {UnitKind.GRID: Channel.GRID, UnitKind.STATION: Channel.STATION}.get(
            unit.kind, Channel.WINDOW
        )
        submission = submit_apply_form(request, form, sel, places, channel, request.user)
        if submission is not None:
            code = getattr(submission, "query_code", "")
            if code:
                messages.success(
                    request, f"已收件：申请编号 {submission.number}，查询码 {code}（请告知申请人）。"
                )
            first = submission.applications.order_by("id").first()
            return redirect("govservices:detail", pk=first.pk)
    context.update({"form": form, "materials": materials, "fields": fields})
    return render(request, "govservices/intake_form.html", context)


# --------------------------------------------------------------------------- catalogue


@capability_required(*STAFF)
def catalogue_list(request: HttpRequest) -> HttpResponse:
    items = ServiceItem.objects.select_related("current", "current__item_type").prefetch_related(
        "delegated_units"
    )
    return render(
        request,
        "govservices/catalogue.html",
        {
            "items": items,
            "bundles": Bundle.objects.prefetch_related("items"),
            "can_edit": user_has_capability(request.user, CAP.CATALOGUE),
        },
    )


@capability_required(*STAFF)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ServiceItem.objects.select_related("current"), pk=pk)
    form = None
    if user_has_capability(request.user, CAP.CATALOGUE):
        v = item.current
        assert v is not None
        form = ItemReviseForm(
            request.POST or None,
            initial={k: getattr(v, k) for k in ItemReviseForm.base_fields if k != "note"},
        )
        if request.method == "POST" and form.is_valid():
            elements = catalogue._version_dict(v)
            elements.update({k: val for k, val in form.cleaned_data.items() if k != "note"})
            try:
                version = catalogue.item_revise(
                    actor=request.user, item=item, elements=elements, note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"已生成第 {version.number} 版；已有办件仍按原版本办理。")
                return redirect("govservices:item", pk=item.pk)
    return render(
        request,
        "govservices/item_detail.html",
        {
            "item": item,
            "v": item.current,
            "versions": item.versions.all(),
            "form": form,
            "units": item.delegated_units.all(),
        },
    )


@capability_required(*STAFF)
def catalogue_export(request: HttpRequest) -> HttpResponse:
    from zhenwu.govservices.imports import export_columns, export_rows

    return xlsx_response(
        filename="政务服务事项目录", title="政务服务事项目录", columns=export_columns(), rows=export_rows()
    )


@capability_required(CAP.CATALOGUE)
def catalogue_import(request: HttpRequest) -> HttpResponse:
    from zhenwu.govservices.imports import ImportFailed, import_catalogue

    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = import_catalogue(actor=request.user, upload=form.cleaned_data["file"])
        except ImportFailed as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = [exc.message]
        else:
            messages.success(request, f"已导入 {count} 个事项。")
            return redirect("govservices:catalogue")
    return render(request, "govservices/import.html", {"form": form, "errors": errors})


# --------------------------------------------------------------------------- licences


@capability_required(*STAFF)
def licence_list(request: HttpRequest) -> HttpResponse:
    page, base = paginate(request, selectors.licence_list(request.user), 30)
    return render(
        request,
        "govservices/licence_list.html",
        {
            "page_obj": page,
            "querystring_base": base,
            "can_revoke": user_has_capability(request.user, CAP.REVOKE),
            "form": ReasonForm(),
        },
    )


@require_POST
@capability_required(CAP.REVOKE)
def licence_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_scoped_object(Licence.objects.all(), request.user, "change", pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写注销原因。")
    else:
        try:
            licences.licence_revoke(actor=request.user, licence=licence, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"证照 {licence.code} 已注销。")
    return redirect("govservices:licences")


# --------------------------------------------------------------------------- 差评整改


@capability_required(*STAFF)
def rectification_list(request: HttpRequest) -> HttpResponse:
    tasks = selectors.rectification_list(request.user)
    rows = []
    for t in tasks:
        kinds = {"unit"} if user_has_capability(request.user, CAP.RECTIFY) else set()
        if user_has_capability(request.user, CAP.SUPERVISE):
            kinds.add("supervisor")
        rows.append((t, RECTIFICATION_MACHINE.allowed_actions(t, actor_kinds=kinds)))
    return render(
        request, "govservices/rectification_list.html", {"rows": rows, "today": timezone.localdate()}
    )


@require_POST
@capability_required(CAP.RECTIFY, CAP.SUPERVISE)
def rectification_transition(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_scoped_object(Rectification.objects.all(), request.user, "view", pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_transition(
                actor=request.user,
                rectification=task,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存。")
    return redirect("govservices:rectifications")


# --------------------------------------------------------------------------- 叫号


@capability_required(CAP.QUEUE)
def queue(request: HttpRequest) -> HttpResponse:
    windows = list(Window.objects.visible_to(request.user).filter(is_active=True))
    today = timezone.localdate()
    if request.method == "POST":
        window = next((w for w in windows if str(w.pk) == request.POST.get("window")), None)
        if window is None:
            raise Http404("窗口不存在。")
        try:
            ticket = services.ticket_call_next(actor=request.user, window=window)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if ticket is None:
                messages.info(request, f"{window.name}：当前没有等候的号码。")
            else:
                messages.success(request, f"请 {ticket.number} 号到{window.name}办理。")
        return redirect("govservices:queue")
    rows = []
    for w in windows:
        waiting = w.tickets.filter(day=today, status="waiting").count()
        current = w.tickets.filter(day=today, status="called").order_by("-called_at").first()
        rows.append((w, waiting, current))
    return render(request, "govservices/queue.html", {"rows": rows})


# --------------------------------------------------------------------------- figures


@capability_required(*STAFF)
def figures(request: HttpRequest) -> HttpResponse:
    from zhenwu.govservices.metrics import METRICS
    from zhenwu.orgs.models import Unit

    end = timezone.localdate()
    start = end - timedelta(days=180)
    town = Unit.objects.filter(depth=0).first()
    rows = []
    for m in METRICS:
        value = m.compute([town], start, end).get(town.pk) if town else None
        rows.append((m, value))
    return render(
        request,
        "govservices/figures.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "by_unit": selectors.rating_figures(request.user, "application__unit__name"),
            "by_item": selectors.rating_figures(request.user, "application__version__name")[:15],
        },
    )


def home_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("govservices:list"))

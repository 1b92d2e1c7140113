"""Public pages of 小牛办 (no login): 办事指南, online application, tracking by number + query code,
补正 upload, 好差评, 证照核验 (JSON and page), 预约取号, the hall display and the 蓝皮书 PDF."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError
from zhenwu.core.web import form_error
from zhenwu.govservices import licences, selectors, services
from zhenwu.govservices.choices import Channel, TicketStatus
from zhenwu.govservices.forms import (
    BookingForm,
    LicenceLookupForm,
    RatingForm,
    SearchForm,
    SupplementForm,
    TrackForm,
)
from zhenwu.govservices.models import Application, Bundle, Licence, ServiceItem, Submission, Ticket, Window
from zhenwu.govservices.views import build_apply_form, places_for, resolve_selection, submit_apply_form
from zhenwu.orgs.choices import UnitKind
from zhenwu.orgs.models import Unit
from zhenwu.workorders.public_views import over_limit

TRACK_ATTEMPTS_PER_HOUR = 30
SESSION_KEY = "gs_verified"


# --------------------------------------------------------------------------- 办事指南


def guide(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = form.query() if request.GET else ""
    return render(
        request,
        "govservices/public/guide.html",
        {"form": form, "q": q, "items": selectors.catalogue_search(q), "bundles": selectors.bundle_search(q)},
    )


def item_guide(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ServiceItem.objects.select_related("current", "current__item_type"), pk=pk, is_active=True
    )
    return render(
        request,
        "govservices/public/item_guide.html",
        {"item": item, "v": item.current, "units": item.delegated_units.all()},
    )


def bundle_guide(request: HttpRequest, code: str) -> HttpResponse:
    bundle = get_object_or_404(Bundle, code=code)
    sel = (
        resolve_selection(request)
        if request.GET
        else {"items": [], "unanswered": bundle.questions, "answers": {}}
    )
    return render(
        request,
        "govservices/public/bundle_guide.html",
        {
            "bundle": bundle,
            "sel": sel,
            "answered": bool(sel["items"]),
            "materials": services.merged_materials(sel["items"]) if sel["items"] else [],
            "query": request.GET.urlencode(),
        },
    )


# --------------------------------------------------------------------------- online application


def _public_places(items: list[ServiceItem]) -> list[Unit]:
    candidates = [
        services.hall_unit(),
        *Unit.objects.filter(kind__in=[UnitKind.STATION, UnitKind.GRID], is_active=True),
    ]
    return places_for(items, candidates)


def apply(request: HttpRequest) -> HttpResponse:
    sel = resolve_selection(request)
    if sel["bundle"] is not None and sel["unanswered"]:
        return redirect("govservices:bundle_guide", code=sel["bundle"].code)
    if not sel["items"]:
        return redirect("govservices:guide")
    places = _public_places(sel["items"])
    form, fields, materials = build_apply_form(request, sel, places, staff=False)
    if request.method == "POST":
        if request.POST.get("website"):
            return render(request, "govservices/public/done.html", {"submission": None})
        if over_limit("gs_apply", request, settings.ZHENWU_PUBLIC_SUBMIT_PER_HOUR):
            form.add_error(None, "提交过于频繁，请一小时后再试。")
        elif form.is_valid():
            submission = submit_apply_form(request, form, sel, places, Channel.ONLINE, request.user)
            if submission is not None:
                request.session["gs_last"] = {
                    "number": submission.number,
                    "code": getattr(submission, "query_code", ""),
                }
                _remember(request, submission.number)
                return redirect("govservices:done")
    return render(
        request,
        "govservices/public/apply.html",
        {
            "form": form,
            "sel": sel,
            "materials": materials,
            "fields": fields,
            "query": request.GET.urlencode(),
        },
    )


def done(request: HttpRequest) -> HttpResponse:
    last = request.session.get("gs_last")
    if not last:
        return redirect("govservices:track")
    submission = Submission.objects.filter(number=last["number"]).first()
    return render(
        request, "govservices/public/done.html", {"submission": submission, "code": last.get("code", "")}
    )


# --------------------------------------------------------------------------- tracking, 补正, 好差评


def _remember(request: HttpRequest, number: str) -> None:
    verified = [n for n in request.session.get(SESSION_KEY, []) if n != number][-9:]
    request.session[SESSION_KEY] = [*verified, number]


def _verified_submission(request: HttpRequest, number: str) -> Submission:
    if number not in request.session.get(SESSION_KEY, []):
        raise Http404("请先用申请编号和查询码查询。")
    return get_object_or_404(Submission, number=number)


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if over_limit("gs_track", request, TRACK_ATTEMPTS_PER_HOUR):
            form.add_error(None, "查询次数过多，请一小时后再试。")
        elif form.is_valid():
            number = form.cleaned_data["number"]
            submission = Submission.objects.filter(number=number).first()
            digest = services.query_code_digest(number, form.cleaned_data["code"])
            if submission is None or not secrets.compare_digest(submission.query_code_hash, digest):
                form.add_error(None, "申请编号与查询码不匹配，请核对后重试。")
            else:
                _remember(request, number)
                return redirect("govservices:track_detail", number=number)
    return render(request, "govservices/public/track.html", {"form": form})


def track_detail(request: HttpRequest, number: str) -> HttpResponse:
    submission = _verified_submission(request, number)
    apps = submission.applications.select_related("version").prefetch_related("events")
    rows = []
    for app in apps:
        rows.append(
            {
                "app": app,
                "rating": getattr(app, "rating", None) if hasattr(app, "rating") else None,
                "licence": Licence.objects.filter(application=app).first(),
                "can_rate": not app.is_open and not hasattr(app, "rating"),
            }
        )
    return render(
        request,
        "govservices/public/track_detail.html",
        {
            "submission": submission,
            "rows": rows,
            "supplement_form": SupplementForm(),
            "submission_due": services.submission_deadline(submission),
            "rating_form": RatingForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def track_supplement(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    submission = _verified_submission(request, number)
    app = get_object_or_404(Application, pk=pk, submission=submission)
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的补正材料。")
    else:
        try:
            services.application_transition(
                actor=request.user if request.user.is_authenticated else None,
                application=app,
                action="supplement",
                files=form.cleaned_data["files"],
                applicant_verified=True,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "补正材料已提交，办理计时恢复。")
    return redirect("govservices:track_detail", number=number)


@require_POST
def track_rate(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    submission = _verified_submission(request, number)
    app = get_object_or_404(Application, pk=pk, submission=submission)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择评价等级。")
    else:
        try:
            services.rating_create(
                application=app, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "感谢您的评价。")
    return redirect("govservices:track_detail", number=number)


# --------------------------------------------------------------------------- 证照核验


def _licence_or_404(code: str) -> Licence:
    licence = Licence.objects.filter(code=code.upper()[:40]).first()
    if licence is None:
        raise Http404("证照不存在。")
    return licence


def licence_json(request: HttpRequest, code: str) -> HttpResponse:
    licence = _licence_or_404(code)
    response = JsonResponse(licences.public_document(licence), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def licence_page(request: HttpRequest, code: str) -> HttpResponse:
    """有效 / 已注销 / 校验失败. The rendered page is cached per exact licence content and status."""
    licence = _licence_or_404(code)
    digest = hashlib.sha256(
        f"{licence.canonical}\x00{licence.signature}\x00{licence.public_key}\x00{licence.status}".encode()
    ).hexdigest()
    key = f"zw:gs:licpage:{licence.pk}:{digest}"
    html = cache.get(key)
    if html is None:
        intact = licences.verify(licence.canonical, licence.signature, licence.public_key)
        try:
            data = json.loads(licence.canonical)
        except ValueError:
            data, intact = {}, False
        # Rendered without the request: nobody's messages or session end up in the shared cached page.
        html = render_to_string(
            "govservices/public/licence.html",
            {
                "licence": licence,
                "intact": intact,
                "data": data,
                "published_key": licences.public_key(),
                "demo_mode": settings.ZHENWU_DEMO_ACCOUNTS,
                "site_name": "镇务",
                "town_name": "牛塘镇",
            },
        )
        cache.set(key, html, 300)
    return HttpResponse(html)


def licence_lookup(request: HttpRequest) -> HttpResponse:
    form = LicenceLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        code = form.cleaned_data["code"]
        if Licence.objects.filter(code=code).exists():
            return redirect("govservices:licence_page", code=code)
        form.add_error("code", "没有找到该编号的证照，请核对后重试。")
    return render(request, "govservices/public/licence_lookup.html", {"form": form})


def licence_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The licence as a PDF with a QR code to its verification page (for the holder and the staff)."""
    from zhenwu.govservices.documents import licence_pdf_bytes

    licence = _licence_or_404(code)
    number = request.session.get(SESSION_KEY, [])
    staff_ok = (
        request.user.is_authenticated
        and Licence.objects.visible_to(request.user).filter(pk=licence.pk).exists()
    )
    if not staff_ok and licence.application.submission.number not in number:
        raise Http404("证照不存在。")
    url = request.build_absolute_uri(f"/public/licences/{licence.code}/")
    response = HttpResponse(licence_pdf_bytes(licence, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.code}.pdf"'
    return response


# --------------------------------------------------------------------------- 预约 and 叫号


def booking(request: HttpRequest) -> HttpResponse:
    windows = list(Window.objects.filter(is_active=True))
    form = BookingForm(request.POST or None, windows=windows)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        window = next(w for w in windows if w.pk == d["window"])
        try:
            result = services.booking_create(
                window=window,
                day=d["day"],
                slot=datetime.strptime(d["slot"], "%H:%M").time(),
                name=d["name"],
                phone=d["phone"],
            )
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "govservices/public/booking.html", {"form": form, "booking": result})


def take_ticket(request: HttpRequest) -> HttpResponse:
    """At the hall's kiosk: a ticket for a window, or for a booking by its code."""
    windows = list(Window.objects.filter(is_active=True))
    ticket = None
    error = ""
    if request.method == "POST":
        window = next((w for w in windows if str(w.pk) == request.POST.get("window")), None)
        code = str(request.POST.get("code", "")).strip().upper()[:12]
        from zhenwu.govservices.models import Booking

        booking_obj = Booking.objects.filter(code=code, day=timezone.localdate()).first() if code else None
        if code and booking_obj is None:
            error = "没有找到今天的该预约码。"
        elif window is None and booking_obj is None:
            error = "请选择办理窗口。"
        else:
            try:
                ticket = services.ticket_issue(
                    window=booking_obj.window if booking_obj else window, booking=booking_obj
                )
            except DomainError as exc:
                error = exc.message
    return render(
        request, "govservices/public/ticket.html", {"windows": windows, "ticket": ticket, "error": error}
    )


def hall_display(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    called = (
        Ticket.objects.filter(day=today, called_at__isnull=False)
        .select_related("window")
        .order_by("-called_at")[:8]
    )
    waiting = {
        w.pk: Ticket.objects.filter(window=w, day=today, status=TicketStatus.WAITING).count()
        for w in Window.objects.filter(is_active=True)
    }
    return render(
        request,
        "govservices/public/hall.html",
        {"called": called, "windows": Window.objects.filter(is_active=True), "waiting": waiting},
    )


# --------------------------------------------------------------------------- 蓝皮书


def bluebook(request: HttpRequest) -> FileResponse:
    from zhenwu.govservices.documents import bluebook_path

    path = bluebook_path()
    return FileResponse(
        open(path, "rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename="小牛办业务办理蓝皮书.pdf",
    )

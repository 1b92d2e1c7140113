"""Citizen H5: submit a request on a phone, get a number and a query code, follow it, rate it.

No login. Abuse is held off by a per-address rate limit, a honeypot field and the client token
(a double-tapped submit makes one order). A wrong number or code says only that the pair does
not match, never whether the number exists.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError, NotFoundError
from zhenwu.core.ratelimit import over_limit  # re-exported: callers import it from here
from zhenwu.core.web import attachment_response, form_error
from zhenwu.workorders import services
from zhenwu.workorders.choices import Action, Channel, Status
from zhenwu.workorders.forms import PublicSubmitForm, RateForm, TrackForm
from zhenwu.workorders.models import OrderEvent, WorkOrder

TRACK_ATTEMPTS_PER_HOUR = 30


def submit(request: HttpRequest) -> HttpResponse:
    form = PublicSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("website"):
            # Honeypot filled: answer like a success so the bot learns nothing; nothing is stored.
            return render(request, "workorders/h5_done.html", {"order": None})
        if over_limit("submit", request, settings.ZHENWU_PUBLIC_SUBMIT_PER_HOUR):
            form.add_error(None, "提交过于频繁，请一小时后再试；紧急情况请拨打热线电话。")
        elif form.is_valid():
            d = form.cleaned_data
            try:
                order = services.workorder_create(
                    actor=request.user if request.user.is_authenticated else None,
                    channel=Channel.H5,
                    category=d["category"],
                    description=d["description"],
                    address=d["address"],
                    lat=d.get("lat") or None,
                    long=d.get("long") or None,
                    reporter_name=d["reporter_name"],
                    reporter_phone=d["reporter_phone"],
                    anonymous=d["anonymous"],
                    photos=d["photos"],
                    client_token=d["client_token"],
                    reporter_user=request.user if request.user.is_authenticated else None,
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                code = getattr(order, "query_code", "")
                if code:
                    request.session["h5_last"] = {"number": order.number, "code": code}
                else:
                    messages.info(request, "该诉求已提交过，没有重复登记。")
                    request.session["h5_last"] = {"number": order.number, "code": ""}
                return redirect("workorders:h5_done")
    return render(request, "workorders/h5_submit.html", {"form": form})


def done(request: HttpRequest) -> HttpResponse:
    last = request.session.get("h5_last")
    if not last:
        return redirect("workorders:h5_track")
    order = WorkOrder.objects.filter(number=last["number"]).first()
    return render(
        request,
        "workorders/h5_done.html",
        {"order": order, "code": last.get("code", ""), "sms": _sms_state(order) if order else ""},
    )


def _sms_state(order: WorkOrder) -> str:
    """'sent' only when a real gateway took the SMS; 'queued' while it waits or with the console
    backend (nothing leaves the machine); '' when no SMS was written (no mobile number)."""
    from zhenwu.core.models import Notification

    sms = Notification.objects.filter(
        channel="sms", object_type=order._meta.label_lower, object_id=str(order.pk)
    ).first()
    if sms is None:
        return ""
    if sms.status == Notification.Status.SENT and sms.backend not in {"", "console"}:
        return "sent"
    return "queued"


def _verified(number: str, code: str) -> WorkOrder | None:
    order = (
        WorkOrder.objects.select_related("lead_unit", "category", "parent")
        .filter(number=number.strip().upper())
        .first()
    )
    digest = services.query_code_digest(number.strip().upper(), code)
    if (
        order is None
        or not order.query_code_hash
        or not secrets.compare_digest(order.query_code_hash, digest)
    ):
        return None
    return order


def track(request: HttpRequest) -> HttpResponse:
    prefill = request.GET.get("number", "")[:32].replace("\x00", "")
    form = TrackForm(request.POST or None, initial={"number": prefill})
    order = None
    if request.method == "POST":
        if over_limit("track", request, TRACK_ATTEMPTS_PER_HOUR):
            form.add_error(None, "查询次数过多，请一小时后再试。")
        elif form.is_valid():
            order = _verified(form.cleaned_data["number"], form.cleaned_data["code"])
            if order is None:
                form.add_error(None, "编号或查询码不正确，请核对后再试。")
    if order is None:
        return render(request, "workorders/h5_track.html", {"form": form})
    return _order_page(request, order, form.cleaned_data["code"])


def _order_page(
    request: HttpRequest, order: WorkOrder, code: str, rate_form: RateForm | None = None
) -> HttpResponse:
    shown = order.parent if order.status == Status.MERGED and order.parent else order
    events = list(order.events.filter(is_public=True).select_related("unit").prefetch_related("photos"))
    for e in events:
        e.photo_links = [_photo_link(order, p.pk) for p in e.photos.all()]  # type: ignore[attr-defined]
    return render(
        request,
        "workorders/h5_order.html",
        {
            "order": order,
            "shown": shown,
            "events": events,
            "code": code,
            "citizen_notes": CITIZEN_NOTES,
            "rate_form": rate_form or (RateForm() if order.status == Status.REPLIED else None),
        },
    )


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    number, code = request.POST.get("number", ""), request.POST.get("code", "")
    if over_limit("track", request, TRACK_ATTEMPTS_PER_HOUR):
        messages.error(request, "操作过于频繁，请一小时后再试。")
        return redirect("workorders:h5_track")
    order = _verified(number, code)
    if order is None:
        messages.error(request, "编号或查询码不正确，请重新查询。")
        return redirect("workorders:h5_track")
    form = RateForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, code, form)
    try:
        order = services.workorder_transition(
            actor=None,
            order=order,
            action=Action.RATE,
            satisfaction=form.cleaned_data["satisfaction"],
            note=form.cleaned_data["note"],
            query_code=code,
        )
    except (DomainError, NotFoundError) as exc:
        form.add_error(None, exc.message)
        return _order_page(request, order, code, form)
    if order.status == Status.HANDLING:
        messages.warning(request, "感谢评价。您不满意，该诉求已退回承办单位重新办理。")
    else:
        messages.success(request, "感谢您的评价，该诉求已办结。")
    return _order_page(request, order, code)


PUBLIC_PHOTO_CHANNELS = (Channel.H5, Channel.WEB, Channel.OPEN311)
# Timeline notes the reporter reads: the answers, a refusal's reason, their own rating comment.
CITIZEN_NOTES = {Action.REPLY, Action.ANSWER, Action.REJECT, Action.RATE}
PHOTO_LINK_SALT = "workorders.h5-photo"
PHOTO_LINK_MAX_AGE = 2 * 3600


def _photo_link(order: WorkOrder, pk: int) -> str:
    """A signed, expiring link to one photo of a public timeline step: the verified page hands it out."""
    from django.core import signing
    from django.urls import reverse

    token = signing.dumps({"o": order.pk, "p": pk}, salt=PHOTO_LINK_SALT, compress=True)
    return reverse("workorders:h5_photo", args=[token])


def h5_photo(request: HttpRequest, token: str) -> HttpResponse:
    """A photo of a reply (or other public step) shown on the reporter's tracking page."""
    from django.core import signing
    from django.http import Http404

    from zhenwu.core.models import Attachment

    try:
        data = signing.loads(token, salt=PHOTO_LINK_SALT, max_age=PHOTO_LINK_MAX_AGE)
        order_pk, pk = int(data["o"]), int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404("链接已失效，请重新查询办理进度。") from exc
    attachment = Attachment.objects.filter(
        pk=pk, pk__in=OrderEvent.objects.filter(order_id=order_pk, is_public=True).values("photos")
    ).first()
    if attachment is None:
        raise Http404("照片不存在。")
    return attachment_response(attachment)


def public_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Photos of publicly reported, non-confidential orders (Open311 media_url); nothing else."""
    from django.http import Http404

    from zhenwu.core.models import Attachment

    public = WorkOrder.objects.filter(channel__in=PUBLIC_PHOTO_CHANNELS, confidential=False, photos=pk)
    attachment = Attachment.objects.filter(pk=pk).first() if public.exists() else None
    if attachment is None:
        raise Http404("照片不存在。")
    return attachment_response(attachment)

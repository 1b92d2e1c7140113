"""Writes of 小牛办: submissions and applications (one transition door), ratings, rectifications, queue.

Catalogue writes are in ``catalogue.py``; licence signing in ``licences.py``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhenwu.audit.services import audit_record
from zhenwu.core import crypto
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.notify import notify
from zhenwu.core.pii import is_mobile, normalize_phone
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.services import DOCUMENT_TYPES, attachment_create, document_number
from zhenwu.govservices import licences
from zhenwu.govservices.capabilities import CAPABILITIES as CAP
from zhenwu.govservices.choices import (
    APPLICATION_MACHINE,
    BAD_SCORES,
    RECTIFICATION_MACHINE,
    Action,
    Actor,
    Channel,
    Necessity,
    ProcessingKind,
    Score,
    ServiceMode,
    Status,
    TicketStatus,
    TimeUnit,
)
from zhenwu.govservices.models import (
    Application,
    ApplicationEvent,
    Booking,
    Bundle,
    Rating,
    Rectification,
    ServiceItem,
    Submission,
    SubmittedMaterial,
    Ticket,
    Window,
)
from zhenwu.orgs.choices import UnitKind
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import user_has_capability

SUPPLEMENT_DAYS = 5
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
SLOTS = (time(9, 0), time(10, 0), time(11, 0), time(14, 0), time(15, 0), time(16, 0))


def rectify_days() -> int:
    return int(getattr(settings, "ZHENWU_GOVSERVICES_RECTIFY_DAYS", 15))


def local_today() -> date:
    return timezone.localdate()


def query_code_digest(number: str, code: str) -> str:
    return crypto.blind_index(f"{number}:{code.strip().upper()}", kind="gs_query")


def _new_query_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "申请人"
    return str(getattr(actor, "display_name", "") or actor.username)


# --------------------------------------------------------------------------- 一件事 resolution


def bundle_items(bundle: Bundle, answers: Mapping[str, str]) -> list[ServiceItem]:
    """The items the 情形 answers select: the required items plus each chosen option's items."""
    chosen = {i.pk: i for i in bundle.base_items.all()}
    by_pk = {i.pk: i for i in bundle.items.select_related("current")}
    for q in bundle.questions:
        value = answers.get(q["key"])
        option = next((o for o in q["options"] if o["value"] == value), None)
        if option is None:
            raise DomainError(f"请回答情形问题：{q['text']}", field=f"q_{q['key']}")
        for pk in option["items"]:
            if pk in by_pk:
                chosen[pk] = by_pk[pk]
    return sorted(chosen.values(), key=lambda i: (i.sort_order, i.pk))


@dataclass(frozen=True)
class MergedMaterial:
    key: str
    name: str
    necessity: str
    source: str
    standard: str
    used_by: tuple[str, ...]

    @property
    def required(self) -> bool:
        return self.necessity == Necessity.REQUIRED

    @property
    def shared(self) -> bool:
        return len(self.used_by) > 1


def merged_fields(items: Sequence[ServiceItem]) -> list[dict[str, str]]:
    """One form: the union of the items' fields, de-duplicated by data element."""
    fields: dict[str, dict[str, str]] = {}
    for item in items:
        assert item.current is not None
        for f in item.current.fields:
            fields.setdefault(f["key"], f)
    return list(fields.values())


def merged_materials(items: Sequence[ServiceItem]) -> list[MergedMaterial]:
    """One set of materials: a material needed by several items is submitted once."""
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        assert item.current is not None
        for m in item.current.materials:
            entry = found.setdefault(m["key"], {**m, "used_by": []})
            entry["used_by"].append(item.current.name)
            if m["necessity"] == Necessity.REQUIRED:
                entry["necessity"] = Necessity.REQUIRED
    return [
        MergedMaterial(
            m["key"], m["name"], m["necessity"], m["source"], m.get("standard", ""), tuple(m["used_by"])
        )
        for m in found.values()
    ]


# --------------------------------------------------------------------------- intake


def hall_unit() -> Unit:
    """The town's 便民服务中心 (the hall), or the town itself when the tree has none."""
    town = settings.ZHENWU_TOWN_CODE
    unit = Unit.objects.filter(code=f"{town}-BMFW").first() or Unit.objects.filter(code=town).first()
    if unit is None:
        raise DomainError("尚未配置便民服务中心。")
    return unit


def check_delegation(unit: Unit, items: Sequence[ServiceItem]) -> None:
    """A station or grid takes only the items delegated to it."""
    if unit.kind not in {UnitKind.STATION, UnitKind.GRID}:
        return
    delegated = set(unit.delegated_items.values_list("pk", flat=True))
    missing = [i.name for i in items if i.pk not in delegated]
    if missing:
        raise DomainError(
            f"“{'、'.join(missing)}”未下放到{unit.name}，不能在此受理；请到镇便民服务中心办理或选择其他地点。",
            field="unit",
            code="not_delegated",
        )


def _check_staff_intake(actor: Any, unit: Unit) -> None:
    if not user_has_capability(actor, CAP.INTAKE):
        raise PermissionDeniedError("您没有政务服务收件受理的权限。")
    if not Unit.objects.visible_to(actor, "change").filter(pk=unit.pk).exists():
        raise PermissionDeniedError("该受理地点不在您的数据范围内。")


@transaction.atomic
def submission_create(
    *,
    actor: Any,
    unit: Unit,
    channel: str,
    applicant_name: str,
    applicant_phone: str,
    items: Sequence[ServiceItem] = (),
    bundle: Bundle | None = None,
    answers: Mapping[str, str] | None = None,
    form_data: Mapping[str, Any] | None = None,
    files: Mapping[str, UploadedFile] | None = None,
    service_mode: str = ServiceMode.STANDARD,
    helper: Any = None,
    client_token: str = "",
    applicant_user: Any = None,
    is_sample: bool = False,
    now: datetime | None = None,
) -> Submission:
    """Register one submission (one item or a 一件事) with its applications in 收件 state.

    The returned object carries ``query_code`` (shown once). A repeated ``client_token`` returns
    the first submission (a double-tapped submit makes one).
    """
    token = (client_token or "").strip()[:64] or None
    if token:
        existing = Submission.objects.filter(client_token=token).first()
        if existing is not None:
            existing.query_code = ""  # type: ignore[attr-defined]
            return existing
    if channel not in Channel.values:
        raise DomainError("申请渠道无效。", field="channel")
    if channel != Channel.ONLINE:
        _check_staff_intake(actor, unit)
    if service_mode not in ServiceMode.values:
        raise DomainError("服务方式无效。", field="service_mode")
    answers = dict(answers or {})
    if bundle is not None:
        items = bundle_items(bundle, answers)
    items = [i for i in items if i.is_active]
    if not items:
        raise DomainError("请选择要办理的事项。", field="items")
    check_delegation(unit, items)
    name = (applicant_name or "").strip()
    if not name or len(name) > 80:
        raise DomainError("请填写申请人姓名或名称（80字以内）。", field="applicant_name")
    try:
        phone = normalize_phone(applicant_phone)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="applicant_phone") from None
    if not phone:
        raise DomainError("请填写联系电话，用于接收办理进度。", field="applicant_phone")
    data: dict[str, Any] = {}
    for f in merged_fields(items):
        value = str((form_data or {}).get(f["key"], "")).strip()
        if not value:
            raise DomainError(f"请填写“{f['label']}”。", field=f"f_{f['key']}")
        if len(value) > 500:
            raise DomainError(f"“{f['label']}”不能超过 500 字。", field=f"f_{f['key']}")
        data[f["key"]] = value
    files = files or {}
    materials = merged_materials(items)
    for m in materials:
        # Online, every required material is uploaded; at a window the paper originals are checked there.
        if channel == Channel.ONLINE and m.required and m.source != "licence_library" and m.key not in files:
            raise DomainError(f"请上传“{m.name}”。", field=f"m_{m.key}")
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    submission = Submission(
        number=document_number("XNB", day),
        bundle=bundle,
        unit=unit,
        channel=channel,
        service_mode=service_mode,
        helper=helper,
        applicant_user=applicant_user,
        applicant_name=name,
        applicant_phone=phone,
        answers=answers,
        form_data=data,
        client_token=token,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_sample=is_sample,
    )
    code = _new_query_code()
    submission.query_code_hash = query_code_digest(submission.number, code)
    submission.save()
    for m in materials:
        upload = files.get(m.key)
        if upload is None:
            continue
        try:
            attachment = attachment_create(
                actor=actor, upload=upload, allowed_types=DOCUMENT_TYPES, max_bytes=MATERIAL_MAX_BYTES
            )
        except DomainError as exc:
            raise DomainError(f"“{m.name}”：{exc.message}", field=f"m_{m.key}") from None
        SubmittedMaterial.objects.create(submission=submission, key=m.key, name=m.name, attachment=attachment)
    for index, item in enumerate(items, start=1):
        assert item.current is not None
        app = Application.objects.create(
            number=f"{submission.number}-{index}",
            submission=submission,
            item=item,
            version=item.current,
            unit=unit,
            channel=channel,
            received_at=now,
            is_sample=is_sample,
        )
        _event(app, "receive", "收件", "", actor)
    audit_record(
        actor=actor,
        action="govservices.submission_create",
        obj=submission,
        extra={"items": [i.impl_code for i in items], "channel": channel, "unit": unit.code},
    )
    if not is_sample:
        _notify_applicant(submission, f"您的申请已收件，编号 {submission.number}，查询码 {code}。")
    submission.query_code = code  # type: ignore[attr-defined]
    return submission


def _event(app: Application, action: str, label: str, note: str, actor: Any) -> None:
    ApplicationEvent.objects.create(
        application=app,
        action=action,
        label=label,
        status_after=app.status,
        note=note,
        actor_name=_actor_name(actor),
    )


def _notify_applicant(submission: Submission, body: str) -> None:
    phone = submission.applicant_phone
    if phone and is_mobile(phone):
        notify(channel="sms", subject="小牛办办理进度", body=f"【小牛办】{body}", phone=phone, obj=submission)
    if submission.applicant_user_id:
        notify(
            channel="inbox",
            subject="小牛办办理进度",
            body=body,
            user=submission.applicant_user,
            obj=submission,
        )


def submission_deadline(submission: Submission) -> date | None:
    """一件事 deadline: the bundle's committed limit from the first 受理, else the latest item's deadline."""
    apps = list(submission.applications.all())
    accepted = [a.accepted_on for a in apps if a.accepted_on]
    if submission.bundle_id and submission.bundle and submission.bundle.committed_days and accepted:
        return get_work_calendar().add_working_days(min(accepted), submission.bundle.committed_days)
    dues = [a.due_date for a in apps if a.due_date]
    return max(dues) if dues else None


# --------------------------------------------------------------------------- the transition door


@dataclass
class Step:
    actor: Any
    app: Application
    note: str
    today: date
    now: datetime
    days: int
    files: Sequence[UploadedFile]
    by_applicant: bool


def _deadline(app: Application, start: date) -> date:
    version = app.version
    if version.limit_unit == TimeUnit.NATURAL_DAY:
        return start + timedelta(days=version.promised_limit)
    return get_work_calendar().add_working_days(start, version.promised_limit)


def _accept(step: Step) -> None:
    app = step.app
    app.accepted_on = step.today
    app.due_date = _deadline(app, step.today)
    if app.version.processing_kind == ProcessingKind.IMMEDIATE:
        # 即办件: accepted and done in the same sitting.
        app.status = Status.ACCEPTED
        _event(app, Action.ACCEPT, Action.ACCEPT.label, step.note, step.actor)
        _complete(step)


def _request_supplement(step: Step) -> None:
    app = step.app
    if not 1 <= step.days <= 30:
        raise DomainError("补正期限应为 1 至 30 个工作日。", field="days")
    app.paused_on = step.today
    app.supplement_deadline = get_work_calendar().add_working_days(step.today, step.days)
    app.supplement_note = step.note


def _supplement(step: Step) -> None:
    app = step.app
    if app.supplement_deadline and step.today > app.supplement_deadline:
        raise DomainError(
            f"补正期限（{app.supplement_deadline:%Y年%m月%d日}）已过，不能再提交补正材料；请联系受理窗口重新申请。",
            code="supplement_late",
        )
    if not step.files:
        raise DomainError("请上传补正材料。", field="files")
    for upload in step.files:
        attachment = attachment_create(
            actor=step.actor, upload=upload, allowed_types=DOCUMENT_TYPES, max_bytes=MATERIAL_MAX_BYTES
        )
        SubmittedMaterial.objects.create(
            submission=app.submission,
            key="supplement",
            name="补正材料",
            attachment=attachment,
            is_supplement=True,
        )
    calendar = get_work_calendar()
    paused_on = app.paused_on or step.today
    stopped = max(0, calendar.working_days_between(paused_on, step.today))
    app.paused_days += stopped
    if app.due_date and stopped:
        app.due_date = calendar.add_working_days(app.due_date, stopped)
    app.paused_on = None
    app.supplement_deadline = None


def _complete(step: Step) -> None:
    app = step.app
    app.status = Status.DONE
    app.done_at = step.now
    app.result_note = step.note
    app.on_time = app.due_date is None or step.today <= app.due_date
    # A supplement brought to a window is a second visit; one uploaded by the applicant is not.
    app.one_visit = not app.events.filter(action=Action.SUPPLEMENT, label="窗口补正").exists()
    if app.version.issues_licence:
        licences.licence_issue(actor=step.actor, application=app, today=step.today)


STEPS: dict[str, Callable[[Step], None]] = {
    Action.ACCEPT: _accept,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT: _supplement,
    Action.COMPLETE: _complete,
}
ACTOR_CAPABILITY = {Actor.INTAKE: CAP.INTAKE, Actor.REVIEWER: CAP.REVIEW}


def actor_kinds(user: Any, app: Application) -> set[str]:
    kinds: set[str] = {str(k) for k, cap in ACTOR_CAPABILITY.items() if user_has_capability(user, cap)}
    if user is not None and app.submission.applicant_user_id == getattr(user, "pk", None):
        kinds.add(Actor.APPLICANT)
    if user_has_capability(user, CAP.INTAKE):
        kinds.add(Actor.APPLICANT)  # a window may take the supplement on the applicant's behalf
    return kinds


@transaction.atomic
def application_transition(
    *,
    actor: Any,
    application: Application,
    action: str,
    note: str = "",
    days: int = SUPPLEMENT_DAYS,
    files: Sequence[UploadedFile] = (),
    query_code: str = "",
    applicant_verified: bool = False,
    now: datetime | None = None,
) -> Application:
    """Apply one step of 收件 → 受理 → 审查 → 补正 → 办结 → 出证送达; illegal steps name the current state."""
    transition = APPLICATION_MACHINE.get(action)
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("submission", "version", "item", "unit")
        .get(pk=application.pk)
    )
    by_applicant = False
    if transition.actor == Actor.APPLICANT and applicant_verified:
        by_applicant = True  # the public page checked the number and query code earlier in the session
    elif transition.actor == Actor.APPLICANT and query_code:
        number = app.submission.number
        if not secrets.compare_digest(app.submission.query_code_hash, query_code_digest(number, query_code)):
            raise PermissionDeniedError("申请编号与查询码不匹配。")
        by_applicant = True
    elif (
        transition.actor == Actor.APPLICANT
        and app.submission.applicant_user_id
        and (app.submission.applicant_user_id == getattr(actor, "pk", None))
    ):
        by_applicant = True
    else:
        if transition.actor not in actor_kinds(actor, app):
            raise PermissionDeniedError(f"您没有“{APPLICATION_MACHINE.action_label(action)}”的权限。")
        if not Application.objects.visible_to(actor, "change").filter(pk=app.pk).exists():
            raise PermissionDeniedError("该办件不在您的数据范围内。")
    APPLICATION_MACHINE.check(app, action)
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise DomainError(f"请填写{APPLICATION_MACHINE.action_label(action)}的理由或说明。", field="note")
    if len(note) > 1000:
        raise DomainError("说明不能超过 1000 字。", field="note")
    now = now or timezone.now()
    step = Step(actor, app, note, timezone.localtime(now).date(), now, days, files, by_applicant)
    before = app.status
    handler = STEPS.get(action)
    if handler is not None:
        handler(step)
    if transition.target is not None and not (action == Action.ACCEPT and app.status == Status.DONE):
        app.status = transition.target
    app.save()
    label = APPLICATION_MACHINE.action_label(action)
    if action == Action.SUPPLEMENT:
        label = "网上补正" if by_applicant else "窗口补正"
    if not (action == Action.ACCEPT and app.status == Status.DONE):
        _event(app, action, label, note, actor)
    else:
        _event(app, Action.COMPLETE, "即办件当场办结", note, actor)
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=f"govservices.application_{action}",
        obj=app,
        before={"status": before},
        after={"status": app.status},
        message=note[:200],
    )
    if not app.is_sample:
        _notify_applicant(
            app.submission, f"办件 {app.number}（{app.version.name}）：{app.get_status_display()}。"
        )
    return app


# --------------------------------------------------------------------------- 好差评 and 整改


@transaction.atomic
def rating_create(
    *, application: Application, score: int, comment: str = "", actor: Any = None, is_sample: bool = False
) -> Rating:
    """Once per application, after it is finished. A 差评 opens a rectification task for the unit."""
    app = Application.objects.select_for_update(of=("self",)).select_related("unit").get(pk=application.pk)
    if app.status not in {Status.DONE, Status.DELIVERED, Status.REFUSED, Status.RETURNED}:
        raise DomainError("办件办结后才能评价。")
    if Rating.objects.filter(application=app).exists():
        raise DomainError("该办件已经评价过，每个办件只能评价一次。", code="rated_twice")
    if score not in Score.values:
        raise DomainError("请选择评价等级。", field="score")
    rating = Rating.objects.create(
        application=app, score=score, comment=(comment or "").strip()[:500], is_sample=is_sample
    )
    audit_record(actor=actor, action="govservices.rating_create", obj=app, extra={"score": score})
    if score in BAD_SCORES:
        today = local_today()
        task = Rectification.objects.create(
            rating=rating,
            unit=app.unit,
            due_date=get_work_calendar().add_working_days(today, rectify_days()),
            is_sample=is_sample,
        )
        audit_record(
            actor=actor, action="govservices.rectification_open", obj=task, extra={"application": app.number}
        )
        if not is_sample:
            notify(
                channel="inbox",
                subject="收到差评，请整改",
                body=f"办件 {app.number} 收到差评，请于 {task.due_date:%m月%d日} 前整改并答复申请人。",
                unit=app.unit,
                obj=task,
            )
    return rating


@transaction.atomic
def rectification_transition(
    *, actor: Any, rectification: Rectification, action: str, note: str = ""
) -> Rectification:
    transition = RECTIFICATION_MACHINE.get(action)
    task = (
        Rectification.objects.select_for_update()
        .select_related("rating__application__submission")
        .get(pk=rectification.pk)
    )
    needed = CAP.RECTIFY if transition.actor == "unit" else CAP.SUPERVISE
    if not user_has_capability(actor, needed):
        raise PermissionDeniedError(f"您没有“{RECTIFICATION_MACHINE.action_label(action)}”的权限。")
    if (
        transition.actor == "unit"
        and not Rectification.objects.visible_to(actor, "change").filter(pk=task.pk).exists()
    ):
        raise PermissionDeniedError("该整改任务不在您的数据范围内。")
    RECTIFICATION_MACHINE.check(task, action)
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise DomainError("请填写整改答复或退回理由。", field="note")
    before = task.status
    if action == "reply":
        task.reply = note[:2000]
        task.replied_at = timezone.now()
    elif action == "verify":
        task.verified_at = timezone.now()
        task.verify_note = note[:200]
    else:
        task.verify_note = note[:200]
    assert transition.target is not None
    task.status = transition.target
    task.save()
    audit_record(
        actor=actor,
        action=f"govservices.rectification_{action}",
        obj=task,
        before={"status": before},
        after={"status": task.status},
        message=note[:200],
    )
    if action == "reply":
        _notify_applicant(task.rating.application.submission, f"您对办件的评价已收到整改答复：{note[:200]}")
    return task


# --------------------------------------------------------------------------- 预约 and 叫号


def slot_taken(window: Window, day: date, slot: time) -> int:
    return Booking.objects.filter(window=window, day=day, slot=slot).count()


@transaction.atomic
def booking_create(
    *, window: Window, day: date, slot: time, name: str, phone: str, is_sample: bool = False
) -> Booking:
    if slot not in SLOTS:
        raise DomainError("请选择列出的预约时段。", field="slot")
    today = local_today()
    if day < today or day > today + timedelta(days=30):
        raise DomainError("只能预约今天起 30 天内的日期。", field="day")
    if not get_work_calendar().is_workday(day):
        raise DomainError(
            f"{day:%Y年%m月%d日}不是工作日（节假日或周末），大厅不办公，请选择工作日。", field="day"
        )
    Window.objects.select_for_update().get(pk=window.pk)  # one booking at a time per window: no overbooking
    if slot_taken(window, day, slot) >= window.slot_capacity:
        raise DomainError("该时段已约满，请选择其他时段。", field="slot")
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="phone") from None
    if not (name or "").strip() or not phone:
        raise DomainError("请填写姓名和联系电话。", field="name")
    booking = Booking.objects.create(
        window=window,
        day=day,
        slot=slot,
        name=name.strip()[:80],
        phone=phone,
        code=_new_query_code(),
        is_sample=is_sample,
    )
    audit_record(
        actor=None, action="govservices.booking_create", obj=booking, extra={"window": window.letter}
    )
    return booking


@transaction.atomic
def ticket_issue(*, window: Window, booking: Booking | None = None, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    Window.objects.select_for_update().get(pk=window.pk)
    if booking is not None and Ticket.objects.filter(booking=booking).exists():
        raise DomainError("该预约已取号。")
    seq = (Ticket.objects.filter(window=window, day=day).aggregate(m=Max("seq"))["m"] or 0) + 1
    return Ticket.objects.create(window=window, day=day, seq=seq, booking=booking, issued_at=now)


@transaction.atomic
def ticket_call_next(*, actor: Any, window: Window, now: datetime | None = None) -> Ticket | None:
    if not user_has_capability(actor, CAP.QUEUE):
        raise PermissionDeniedError("您没有窗口叫号的权限。")
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    Window.objects.select_for_update().get(pk=window.pk)
    Ticket.objects.filter(window=window, day=day, status=TicketStatus.CALLED).update(status=TicketStatus.DONE)
    ticket = (
        Ticket.objects.filter(window=window, day=day, status=TicketStatus.WAITING).order_by("seq").first()
    )
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.called_at = now
    ticket.save(update_fields=["status", "called_at"])
    audit_record(actor=actor, action="govservices.ticket_call", obj=window, extra={"ticket": ticket.number})
    return ticket

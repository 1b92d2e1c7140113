"""Writes of the work-order part. Every change goes through one of these functions.

``workorder_create`` takes a request from any channel; ``workorder_transition`` is the one door
for every lifecycle step, driven by ``choices.WORKORDER_MACHINE``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record
from zhenwu.core import crypto
from zhenwu.core.actors import SYSTEM, is_system
from zhenwu.core.db import atomic_pipelined, id_sequence, insert
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.notify import notify
from zhenwu.core.pii import is_mobile, normalize_phone
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.services import (
    IMAGE_TYPES,
    attachment_create,
    format_number,
    next_number,
    next_number_and_id,
)
from zhenwu.core.text import xml_safe
from zhenwu.dispatch.services import decision_record
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import require_capability, user_has_capability
from zhenwu.workorders.capabilities import Cap
from zhenwu.workorders.choices import (
    CLOSED_STATES,
    WORKORDER_MACHINE,
    Action,
    Actor,
    Channel,
    Satisfaction,
    Status,
    Urgency,
)
from zhenwu.workorders.dispatching import suggest
from zhenwu.workorders.models import DESCRIPTION_MAX, Category, OrderEvent, WorkOrder
from zhenwu.workorders.search import search_text
from zhenwu.workorders.selectors import counts_changed, place_of

MAX_PHOTOS = 6
PHOTO_MAX_BYTES = 5 * 1024 * 1024
STAFF_CHANNELS = {Channel.PHONE, Channel.ON_AIR, Channel.SMS, Channel.INSPECTOR}
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # a tag starts right after "<": "a < b 且 c > d" is text


# ---------------------------------------------------------------- validation helpers


def clean_description(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError("请填写诉求内容。", field="description")
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            f"诉求内容不能超过 {DESCRIPTION_MAX} 字（现有 {len(text)} 字）。", field="description"
        )
    if _TAG.search(text):
        raise DomainError(
            "诉求内容只能是纯文本，请删除其中的 HTML 标签（如 <a>、<script>）。", field="description"
        )
    return text


def clean_coordinate(value: Any, *, kind: str) -> Decimal | None:
    if value in (None, ""):
        return None
    label, limit = ("纬度", 90) if kind == "lat" else ("经度", 180)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(f"{label}必须是数字。", field=kind) from exc
    if not number.is_finite() or not (-limit <= number <= limit):
        raise DomainError(f"{label}超出范围（应在 -{limit} 到 {limit} 之间）。", field=kind)
    return number.quantize(Decimal("0.000001"))


def query_code_digest(number: str, code: str) -> str:
    return crypto.blind_index(f"{number}:{code.strip().upper()}", kind="wo_query")


def _new_query_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "".join(secrets.choice(alphabet) for _ in range(6))


# ---------------------------------------------------------------- categories


@transaction.atomic
def category_save(
    *,
    actor: Any,
    code: str,
    name: str,
    parent: Category | None = None,
    time_limit_days: int = 5,
    sign_limit_hours: int = 2,
    unit_type: str = "",
    keywords: str = "",
    description: str = "",
    extra_fields: list[dict[str, Any]] | None = None,
    is_active: bool = True,
    sort: int = 0,
    is_sample: bool = False,
) -> Category:
    """Create or update the category with this code."""
    require_capability(actor, Cap.MANAGE)
    code = code.strip()
    if not re.fullmatch(r"[a-z][a-z0-9_.-]{0,59}", code):
        raise DomainError("编码只能用小写字母、数字、点、下划线和短横线，且以字母开头。", field="code")
    if not 1 <= time_limit_days <= 60:
        raise DomainError("办理时限应在 1 到 60 个工作日之间。", field="time_limit_days")
    if not 1 <= sign_limit_hours <= 40:
        raise DomainError("签收时限应在 1 到 40 个工作小时之间。", field="sign_limit_hours")
    fields = _clean_extra_fields(extra_fields or [])
    category = Category.objects.filter(code=code).first()
    before = None
    if category is None:
        category = Category(code=code)
    else:
        before = {"name": category.name, "time_limit_days": category.time_limit_days}
    if parent is not None and (parent.pk == category.pk or parent.parent_id is not None):
        raise DomainError("上级分类只能是一级分类。", field="parent")
    category.name = name.strip()
    category.parent = parent
    category.time_limit_days = time_limit_days
    category.sign_limit_hours = sign_limit_hours
    category.unit_type = unit_type
    category.keywords = keywords
    category.description = description
    category.extra_fields = fields
    category.is_active = is_active
    category.sort = sort
    category.is_sample = is_sample
    category.save()
    from zhenwu.workorders.open311 import forget_hot

    transaction.on_commit(forget_hot)
    forget_hot()
    audit_record(
        actor=actor,
        action="workorders.category_save",
        obj=category,
        before=before,
        after={"name": category.name, "time_limit_days": category.time_limit_days},
    )
    return category


ATTRIBUTE_TYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def _clean_extra_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    seen: set[str] = set()
    for i, f in enumerate(fields, 1):
        code = str(f.get("code", "")).strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code) or code in seen:
            raise DomainError(f"第 {i} 个附加字段的编码无效或重复。", field="extra_fields")
        datatype = f.get("datatype", "string")
        if datatype not in ATTRIBUTE_TYPES:
            raise DomainError(f"第 {i} 个附加字段的类型无效。", field="extra_fields")
        values = [{"key": str(v["key"]), "name": str(v["name"])} for v in f.get("values", [])]
        if datatype.endswith("valuelist") and not values:
            raise DomainError(f"第 {i} 个附加字段是选项类型，需要至少一个选项。", field="extra_fields")
        seen.add(code)
        cleaned.append(
            {
                "code": code,
                "label": str(f.get("label") or code),
                "datatype": datatype,
                "required": bool(f.get("required", False)),
                "description": str(f.get("description", "")),
                "values": values,
            }
        )
    return cleaned


def clean_extra(category: Category | None, data: dict[str, Any]) -> dict[str, Any]:
    """Validate the category's extra fields; unknown keys are dropped, required ones enforced."""
    if category is None:
        return {}
    out: dict[str, Any] = {}
    for f in category.extra_fields:
        raw = data.get(f["code"])
        if raw in (None, "", []):
            if f["required"]:
                raise DomainError(f"请填写“{f['label']}”。", field=f["code"])
            continue
        keys = {v["key"] for v in f["values"]}
        if f["datatype"] == "singlevaluelist":
            if str(raw) not in keys:
                raise DomainError(f"“{f['label']}”的选项无效。", field=f["code"])
            out[f["code"]] = str(raw)
        elif f["datatype"] == "multivaluelist":
            items = raw if isinstance(raw, list) else [raw]
            if any(str(x) not in keys for x in items):
                raise DomainError(f"“{f['label']}”的选项无效。", field=f["code"])
            out[f["code"]] = [str(x) for x in items]
        elif f["datatype"] == "number":
            try:
                out[f["code"]] = float(str(raw))
            except (TypeError, ValueError) as exc:
                raise DomainError(f"“{f['label']}”必须是数字。", field=f["code"]) from exc
        else:
            out[f["code"]] = xml_safe(str(raw))[:500]
    return out


# ---------------------------------------------------------------- create


@dataclass
class Created:
    order: WorkOrder
    query_code: str
    duplicate_submission: bool = False


def workorder_create(
    *,
    actor: Any,
    channel: str,
    category: Category | None,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    address: str = "",
    lat: Any = None,
    long: Any = None,
    grid: Unit | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    urgency: str = Urgency.NORMAL,
    title: str = "",
    extra: dict[str, Any] | None = None,
    photos: Sequence[UploadedFile] = (),
    client_token: str = "",
    open311_app: Any = None,
    reporter_user: Any = None,
    is_sample: bool = False,
) -> WorkOrder:
    """Register a request. The returned order carries ``query_code`` (shown once to the reporter).

    The same ``client_token`` twice returns the first order (a double-submitted form makes one order).
    """
    token = (client_token or "").strip()[:64] or None
    if token:
        existing = WorkOrder.objects.filter(client_token=token).first()
        if existing is not None:
            return _already_submitted(existing)
    if channel not in Channel.values:
        raise DomainError("来源渠道无效。", field="channel")
    is_staff_intake = channel in STAFF_CHANNELS
    if is_staff_intake and not user_has_capability(actor, Cap.INTAKE) and channel != Channel.INSPECTOR:
        raise PermissionDeniedError("您没有登记诉求的权限。")
    if category is not None and not category.is_active:
        raise DomainError("该诉求分类已停用，请选择其他分类。", field="category")
    if urgency not in Urgency.values:
        raise DomainError("紧急程度无效。", field="urgency")
    # Every channel's text loses the characters XML 1.0 forbids (Open311 XML, exports stay readable).
    description, title, address, reporter_name = map(xml_safe, (description, title, address, reporter_name))
    text = clean_description(description)
    try:
        phone = normalize_phone(reporter_phone)  # mobiles and landlines (calls often come from a 座机)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="reporter_phone") from exc
    if not phone and not anonymous and channel in {Channel.H5, Channel.WEB}:
        raise DomainError("请填写联系电话，以便告知办理结果；不愿留电话请选择匿名。", field="reporter_phone")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(f"最多上传 {MAX_PHOTOS} 张照片。", field="photos")
    lat_value = clean_coordinate(lat, kind="lat")
    long_value = clean_coordinate(long, kind="long")
    if (lat_value is None) != (long_value is None):
        raise DomainError("经纬度需要同时填写。", field="lat")
    now = timezone.now()
    order = WorkOrder(
        channel=channel,
        category=category,
        title=(title or "").strip()[:80],
        description=text,
        urgency=urgency,
        address=(address or "").strip()[:200],
        lat=lat_value,
        long=long_value,
        grid=grid,
        extra=clean_extra(category, extra or {}),
        reporter_name="" if anonymous else (reporter_name or "").strip()[:50],
        reporter_phone=phone,
        reporter_user=reporter_user,
        anonymous=anonymous,
        confidential=confidential,
        status=Status.ACCEPTED if is_staff_intake else Status.NEW,
        accepted_at=now if is_staff_intake else None,
        client_token=token,
        open311_app=open311_app,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_sample=is_sample,
    )
    # Photos are checked and re-encoded before the transaction opens: a bad file loses nothing.
    attachments = [
        attachment_create(actor=actor, upload=u, allowed_types=IMAGE_TYPES, max_bytes=PHOTO_MAX_BYTES)
        for u in photos
    ]
    code = _new_query_code()
    try:
        # The order, its number, its timeline event, its audit row and its SMS commit together. When
        # this call owns the transaction on PostgreSQL, they travel in two round trips (core.db), so
        # the day's counter row is locked for one round trip and the commit.
        with atomic_pipelined():
            _store_new_order(order, code, actor=actor, now=now, attachments=attachments)
    except IntegrityError:
        # Only the client token is unique among what we write: a concurrent twin committed first.
        if not token or not WorkOrder.objects.filter(client_token=token).exists():
            raise
        return _already_submitted(WorkOrder.objects.get(client_token=token))
    order.query_code = code  # type: ignore[attr-defined]
    order.duplicate_submission = False  # type: ignore[attr-defined]
    return order


def _already_submitted(existing: WorkOrder) -> WorkOrder:
    """The order a repeated client token answers with: its query code is not shown again."""
    existing.query_code = ""  # type: ignore[attr-defined]
    existing.duplicate_submission = True  # type: ignore[attr-defined]
    return existing


def _store_new_order(
    order: WorkOrder, code: str, *, actor: Any, now: datetime, attachments: list[Any]
) -> None:
    day = timezone.localdate(now)
    sequence = id_sequence(WorkOrder)
    if sequence is not None:  # PostgreSQL: the number and the new key in one statement
        value, order.pk = next_number_and_id(settings.ZHENWU_TOWN_CODE, day, sequence)
    else:
        value = next_number(settings.ZHENWU_TOWN_CODE, day)
    order.number = format_number(settings.ZHENWU_TOWN_CODE, day, value)
    order.query_code_hash = query_code_digest(order.number, code)
    order.search_text = search_text(order.number, order.title, order.description, order.address)
    insert(order, returning_pk=True)  # on PostgreSQL the key is known: nothing is read back
    if attachments:
        order.photos.add(*attachments)
    _event(
        order,
        actor=actor,
        action=Action.CREATE,
        to_status=order.status,
        note=f"来源：{order.get_channel_display()}",
        read_back=False,
    )
    audit_record(
        actor=actor,
        action="workorders.create",
        obj=order,
        after={
            "channel": order.channel,
            "category": order.category.code if order.category else "",
            "status": order.status,
        },
        with_pk=False,
    )
    if is_mobile(order.reporter_phone):
        notify(
            channel="sms",
            phone=order.reporter_phone,
            subject=f"诉求已登记 {order.number}",
            body=f"您的诉求已登记，编号 {order.number}，查询码 {code}。可凭编号和查询码在镇务网站查询办理进度。",
            obj=order,
            # An Open311 client already holds the number; its receipt SMS goes with the next sweep.
            publish=order.channel != Channel.OPEN311,
        )
    transaction.on_commit(counts_changed)


# ---------------------------------------------------------------- transitions


def _event(
    order: WorkOrder,
    *,
    actor: Any,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
    is_public: bool = True,
    photos: Iterable[Any] = (),
    read_back: bool = True,
) -> OrderEvent:
    """One timeline entry. ``read_back=False`` (no photos) writes it without reading its id back."""
    is_user = getattr(actor, "is_authenticated", False)
    event = OrderEvent(
        order=order,
        action=action,
        from_status=from_status,
        to_status=to_status or from_status,
        actor=actor if is_user else None,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", "")) if is_user else "",
        unit=unit,
        note=note,
        data=data or {},
        is_public=is_public,
    )
    photo_list = list(photos)
    insert(event, returning_pk=read_back or bool(photo_list))
    if photo_list:
        event.photos.add(*photo_list)
    return event


@dataclass(frozen=True)
class OrderScope:
    """What one person may do to one order, read once per request."""

    visible: bool
    leads: bool  # the lead unit is in the person's change scope: the handler's and desk's actions
    assists: bool  # a 协办 unit is in the person's change scope: notes (协办意见)


def _scope_of(actor: Any, order: WorkOrder) -> OrderScope:
    visible = WorkOrder.objects.visible_to(actor).filter(pk=order.pk).exists()
    if not visible:
        return OrderScope(False, False, False)
    changeable = WorkOrder.objects.filter(pk=order.pk)
    leads = changeable.led_by_scope(actor, "change").exists()
    assists = not leads and changeable.visible_to(actor, "change").exists()
    return OrderScope(True, leads, assists)


def _check_actor(
    actor: Any,
    order: WorkOrder,
    actor_kind: str,
    action: str,
    query_code: str,
    scope: OrderScope | None = None,
) -> None:
    if actor_kind == Actor.REPORTER:
        if (
            actor is not None
            and getattr(actor, "is_authenticated", False)
            and order.reporter_user_id == actor.pk
        ):
            return
        if (
            query_code
            and order.query_code_hash
            and secrets.compare_digest(order.query_code_hash, query_code_digest(order.number, query_code))
        ):
            return
        raise NotFoundError("编号或查询码不正确。")
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError("请先登录。")
    scope = scope if scope is not None else _scope_of(actor, order)
    if not scope.visible:
        raise NotFoundError("工单不存在或不在您的数据范围内。")
    needs: dict[str, str] = {
        Actor.DESK: Cap.INTAKE if action in {Action.ACCEPT, Action.REJECT, Action.ANSWER} else Cap.DISPATCH,
        Actor.HANDLER: Cap.HANDLE,
        Actor.APPROVER: Cap.APPROVE_EXTENSION,
        Actor.CALLBACK: Cap.CALLBACK,
        Actor.LEADER: Cap.SUPERVISE,
    }
    needed = needs[actor_kind]
    if action == Action.NOTE:  # the desk and the handlers both keep notes
        needed = Cap.DISPATCH if user_has_capability(actor, Cap.DISPATCH) else Cap.HANDLE
    if not user_has_capability(actor, needed):
        raise PermissionDeniedError(f"您没有“{Cap(needed).label}”的权限。")
    if scope.leads:
        return
    if scope.assists and action == Action.NOTE:
        return  # a 协办 unit adds its opinion (协办意见) to the order's timeline
    if scope.assists:
        raise PermissionDeniedError(
            "您的单位是该工单的协办单位，可以填写协办意见；签收、回复等由主办单位办理。"
        )
    if actor_kind == Actor.HANDLER:
        raise PermissionDeniedError("只有主办单位可以办理该工单；您对它只有查看权限。")
    raise PermissionDeniedError("您对该工单只有查看权限。")


def _handling_deadline(start: datetime, days: int) -> tuple[datetime, datetime]:
    calendar = get_work_calendar()
    per_day = calendar.hours_per_day
    deadline = calendar.add_working_hours(start, days * per_day)
    warn_at = calendar.add_working_hours(start, max(0.0, (days - 1) * per_day))
    return deadline, warn_at


def _limit_days(order: WorkOrder) -> int:
    return order.category.time_limit_days if order.category else 5


def _sign_hours(order: WorkOrder) -> int:
    return order.category.sign_limit_hours if order.category else 2


def _dispatch_to(order: WorkOrder, unit: Unit, now: datetime) -> None:
    if not unit.is_active or not unit.handles_requests:
        raise DomainError(f"“{unit.name}”不是可承办诉求的单位。", field="unit")
    calendar = get_work_calendar()
    order.lead_unit = unit
    order.dispatched_at = now
    order.sign_deadline = calendar.add_working_hours(now, _sign_hours(order))
    order.signed_at = None
    order.deadline, order.warn_at = _handling_deadline(now, _limit_days(order))


@dataclass
class _Step:
    """One lifecycle step in progress: the locked order, the input, and what the step records."""

    order: WorkOrder
    actor: Any
    action: str
    note: str
    now: datetime
    target: str | None
    unit: Unit | None = None
    assisting: Sequence[Unit] = ()
    days: int | None = None
    satisfaction: str = ""
    parent: WorkOrder | None = None
    suggestion: dict[str, Any] | None = None
    category: Category | None = None
    unclassified: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    event_unit: Unit | None = None
    # Steps this one sets off (不满意 → 重办): each gets its own timeline entry and notice.
    follow_ups: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _accept(step: _Step) -> None:
    step.order.accepted_at = step.now


def _classify(step: _Step, *, doing: str) -> None:
    """Take the category given with the step; an order is never handled to its end as 未分类."""
    if step.category is not None:
        if step.order.category_id != step.category.pk:
            step.data["category"] = step.category.name
        step.order.category = step.category
    if step.order.category is None:
        raise DomainError(f"该工单尚未分类，{doing}前请选择诉求分类。", field="category")


def _close_at_desk(step: _Step) -> None:  # 直接答复 / 不予受理
    order = step.order
    if step.action == Action.ANSWER:
        _classify(step, doing="直接答复")
    order.accepted_at = order.accepted_at or step.now
    order.reply = step.note
    order.replied_at = order.closed_at = step.now


def _dispatch(step: _Step) -> None:  # 派单 / 改派
    order, unit = step.order, step.unit
    if unit is None:
        raise DomainError("请选择主办单位。", field="unit")
    if step.action == Action.REASSIGN and unit.pk == order.lead_unit_id:
        raise DomainError("改派需要选择另一个单位；维持原派请用“审定维持原派”。", field="unit")
    unclassified = False
    if step.category is None and order.category is None:
        # 未分类 only when the dispatcher confirms it and says why; the limits then are the defaults.
        if not step.unclassified:
            raise DomainError(
                "派单前请选择诉求分类；确实无法分类的，请勾选“确认未分类派单”并写明理由。", field="category"
            )
        if not step.note:
            raise DomainError("请在说明中写明未分类派单的理由。", field="note")
        unclassified = True
    else:
        _classify(step, doing="派单")
    order.accepted_at = order.accepted_at or step.now
    _dispatch_to(order, unit, step.now)
    assisting = [u for u in step.assisting if u.pk != unit.pk]
    order.assisting_units.set(assisting)
    step.event_unit = unit
    step.data = {**step.data, "assisting": [u.name for u in assisting]}
    if unclassified:
        step.data["unclassified"] = True
    if step.suggestion:
        step.data["suggestion"] = step.suggestion


def _keep(step: _Step) -> None:  # 审定维持原派
    assert step.order.lead_unit is not None
    _dispatch_to(step.order, step.order.lead_unit, step.now)
    step.event_unit = step.order.lead_unit


def _sign(step: _Step) -> None:
    step.order.signed_at = step.now
    step.event_unit = step.order.lead_unit


def _return(step: _Step) -> None:
    step.order.return_count += 1
    step.event_unit = step.order.lead_unit


def _extend(step: _Step) -> None:
    if not step.days or not 1 <= step.days <= 30:
        raise DomainError("延期天数应在 1 到 30 个工作日之间。", field="days")
    step.order.pending_extension_days = step.days
    step.data = {"days": step.days}


def _approve_extension(step: _Step) -> None:
    order = step.order
    extra_days = order.pending_extension_days or 0
    calendar = get_work_calendar()
    assert order.deadline is not None
    order.deadline = calendar.add_working_hours(order.deadline, extra_days * calendar.hours_per_day)
    order.warn_at = _warn_before(order.deadline)
    order.extension_count += 1
    order.pending_extension_days = None
    step.data = {
        "days": extra_days,
        "deadline": timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M"),
    }


def _deny_extension(step: _Step) -> None:
    step.order.pending_extension_days = None


def _reply(step: _Step) -> None:
    order = step.order
    _classify(step, doing="回复办结")
    order.reply = step.note
    order.replied_at = step.now
    if order.dispatched_at:
        order.handling_hours = round(
            get_work_calendar().working_hours_between(order.dispatched_at, step.now), 2
        )
    step.event_unit = order.lead_unit


def _rate(step: _Step) -> None:  # 回访 / 评价: 满意 closes, 不满意 reopens for 重办
    order = step.order
    if step.satisfaction not in Satisfaction.values:
        raise DomainError("请选择满意、基本满意或不满意。", field="satisfaction")
    order.satisfaction = step.satisfaction
    order.rated_at = step.now
    step.data = {"satisfaction": step.satisfaction}
    if step.satisfaction == Satisfaction.UNSATISFIED and order.rework_count < settings.ZHENWU_MAX_REWORK:
        # 重办: a second round for the lead unit with a fresh 办结时限 from the category's limit.
        step.target = Status.HANDLING
        order.rework_count += 1
        order.signed_at = order.signed_at or step.now
        order.deadline, order.warn_at = _handling_deadline(step.now, _limit_days(order))
        order.supervised_at = None
        order.reminded_at = None
        step.data["rework"] = order.rework_count
        step.follow_ups.append(
            (
                Action.REWORK,
                {
                    "round": order.rework_count,
                    "deadline": timezone.localtime(order.deadline).strftime("%Y-%m-%d %H:%M"),
                },
            )
        )
    else:
        if order.category is None:
            raise DomainError("该工单尚未分类，不能办结：请先由受理员补充诉求分类。", field="category")
        step.target = Status.CLOSED
        order.closed_at = step.now


def _merge(step: _Step) -> None:
    order, parent = step.order, step.parent
    if parent is None:
        raise DomainError("请选择要并入的工单。", field="parent")
    if parent.pk == order.pk or parent.status in CLOSED_STATES or parent.parent_id:
        raise DomainError("只能并入另一件未办结的主工单。", field="parent")
    order.parent = parent
    order.closed_at = step.now
    step.data = {"parent": parent.number}
    _event(
        parent,
        actor=step.actor,
        action=Action.MERGE,
        from_status=parent.status,
        note=f"并入 {order.number}：{step.note}".rstrip("："),
        data={"child": order.number},
    )


def _supervise(step: _Step) -> None:
    step.order.supervised_at = step.now
    step.event_unit = step.order.lead_unit


def _remind(step: _Step) -> None:
    step.order.reminded_at = step.now
    step.event_unit = step.order.lead_unit


def _note(step: _Step) -> None:
    return None


# Each action of WORKORDER_MACHINE has its own small function (the machine says when it may run).
_STEPS: dict[str, Callable[[_Step], None]] = {
    Action.ACCEPT: _accept,
    Action.REJECT: _close_at_desk,
    Action.ANSWER: _close_at_desk,
    Action.DISPATCH: _dispatch,
    Action.REASSIGN: _dispatch,
    Action.KEEP: _keep,
    Action.SIGN: _sign,
    Action.RETURN: _return,
    Action.EXTEND: _extend,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.DENY_EXTENSION: _deny_extension,
    Action.REPLY: _reply,
    Action.CALLBACK: _rate,
    Action.RATE: _rate,
    Action.MERGE: _merge,
    Action.SUPERVISE: _supervise,
    Action.REMIND: _remind,
    Action.NOTE: _note,
}
_PRIVATE_ACTIONS = {Action.NOTE, Action.SUPERVISE, Action.REMIND}


def _clean_note(action: str, note: str, needs_note: bool) -> str:
    note = xml_safe(note or "").strip()
    if needs_note and not note:
        raise DomainError(f"请填写{Action(action).label}的说明。", field="note")
    if len(note) > DESCRIPTION_MAX:
        raise DomainError(f"说明不能超过 {DESCRIPTION_MAX} 字。", field="note")
    if note and _TAG.search(note):
        raise DomainError(
            "填写的内容只能是纯文本，请删除其中的 HTML 标签（如 <a>、<script>）。", field="note"
        )
    return note


@transaction.atomic
def workorder_transition(
    *,
    actor: Any,
    order: WorkOrder,
    action: str,
    note: str = "",
    unit: Unit | None = None,
    assisting: Sequence[Unit] = (),
    days: int | None = None,
    satisfaction: str = "",
    parent: WorkOrder | None = None,
    photos: Sequence[UploadedFile] = (),
    query_code: str = "",
    suggestion: dict[str, Any] | None = None,
    automatic: bool = False,
    category: Category | None = None,
    unclassified: bool = False,
) -> WorkOrder:
    """The one door of the lifecycle: checks, hands the action to its function, records the step.

    ``automatic`` marks a step taken by the SLA timer (actor ``SYSTEM``): 督办 and 催办 only.
    """
    spec = WORKORDER_MACHINE.get(action)
    order = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("category", "lead_unit")
        .get(pk=order.pk)
    )
    if is_system(actor):
        if action not in {Action.SUPERVISE, Action.REMIND}:
            raise PermissionDeniedError("系统只能自动督办和催办。")
    else:
        _check_actor(actor, order, spec.actor, action, query_code)
    try:
        WORKORDER_MACHINE.check(order, action)
    except DomainError as exc:
        raise DomainError(exc.message, field="action", code=exc.code) from exc
    step = _Step(
        order=order,
        actor=actor,
        action=action,
        note=_clean_note(action, note, spec.needs_note),
        now=timezone.now(),
        target=spec.target,
        unit=unit,
        assisting=assisting,
        days=days,
        satisfaction=satisfaction,
        parent=parent,
        suggestion=suggestion,
        category=category,
        unclassified=unclassified,
    )
    attachments = [
        attachment_create(actor=actor, upload=u, allowed_types=IMAGE_TYPES, max_bytes=PHOTO_MAX_BYTES)
        for u in photos
    ]
    before = order.status
    _STEPS[action](step)
    if step.target is not None:
        order.status = step.target
    order.save()
    if action == Action.REPLY:
        _reply_children(order, actor)
    if action in {Action.DISPATCH, Action.REASSIGN} and order.lead_unit is not None:
        step.data["suggested"] = _record_dispatch_decision(order, actor)
    if automatic:
        step.data["auto"] = True
    _event(
        order,
        actor=actor,
        action=action,
        from_status=before,
        to_status=order.status,
        note=step.note,
        unit=step.event_unit,
        data=step.data,
        is_public=action not in _PRIVATE_ACTIONS,
        photos=attachments,
    )
    audit_record(
        actor=actor,
        action=f"workorders.{action}",
        obj=order,
        before={"status": before},
        after={"status": order.status, "lead_unit": order.lead_unit.name if order.lead_unit else ""},
        message=step.note[:200],
    )
    _notify_after(order, action, None if is_system(actor) else actor)
    for follow_action, follow_data in step.follow_ups:
        _event(
            order,
            actor=actor,
            action=follow_action,
            from_status=before,
            to_status=order.status,
            note=step.note,
            unit=order.lead_unit,
            data=follow_data,
        )
        _notify_after(order, follow_action, None if is_system(actor) else actor)
    transaction.on_commit(counts_changed)
    return order


def _record_dispatch_decision(order: WorkOrder, actor: Any) -> list[str]:
    """Store what the dispatch suggestion offered next to the unit chosen, so accuracy can be measured."""
    assert order.lead_unit is not None
    try:
        suggestions = suggest(text=order.description, category=order.category, place_unit=place_of(order))
    except DomainError:
        return []
    decision_record(
        actor=actor,
        order_number=order.number,
        order_id=order.pk,
        text=order.description,
        suggestions=suggestions,
        chosen_unit=order.lead_unit,
    )
    return [s.unit.name for s in suggestions]


def _warn_before(deadline: datetime) -> datetime:
    """The moment one working day before the deadline (the 即将超期 threshold)."""
    calendar = get_work_calendar()
    probe = deadline
    # walk back whole days until one working day of time lies between probe and the deadline
    from datetime import timedelta

    for _ in range(30):
        probe = probe - timedelta(days=1)
        if calendar.working_hours_between(probe, deadline) >= calendar.hours_per_day:
            return probe
    return probe


def _reply_children(order: WorkOrder, actor: Any) -> None:
    """并单: every merged request gets the parent's reply, and its reporter is told."""
    for child in order.merged_children.all():
        child.reply = order.reply
        child.replied_at = order.replied_at
        child.save(update_fields=["reply", "replied_at", "updated_at"])
        _event(
            child,
            actor=actor,
            action=Action.REPLY,
            from_status=child.status,
            note=order.reply,
            data={"via": order.number},
        )
        if is_mobile(child.reporter_phone):
            notify(
                channel="sms",
                phone=child.reporter_phone,
                subject=f"诉求已答复 {child.number}",
                body=f"您的诉求 {child.number} 已与同类诉求 {order.number} 合并办理，答复：{order.reply[:200]}",
                obj=child,
            )


def _notify_after(order: WorkOrder, action: str, actor: Any) -> None:
    when = lambda dt: timezone.localtime(dt).strftime("%m月%d日%H:%M") if dt else ""  # noqa: E731
    if action in {Action.DISPATCH, Action.REASSIGN, Action.KEEP} and order.lead_unit:
        notify(
            channel="inbox",
            unit=order.lead_unit,
            subject=f"新工单 {order.number}，请于{when(order.sign_deadline)}前签收",
            body=order.summary,
            link=order.get_absolute_url(),
            obj=order,
        )
    elif action in {Action.SUPERVISE, Action.REMIND} and order.lead_unit:
        label = "督办" if action == Action.SUPERVISE else "催办"
        notify(
            channel="inbox",
            unit=order.lead_unit,
            subject=f"{label}：工单 {order.number} 办结时限 {when(order.deadline)}",
            body=order.summary,
            link=order.get_absolute_url(),
            obj=order,
        )
    elif action == Action.REWORK and order.lead_unit:
        subject = f"重办：工单 {order.number} 诉求人不满意，请于{when(order.deadline)}前重新办结"
        notify(
            channel="inbox",
            unit=order.lead_unit,
            subject=subject,
            body=order.summary,
            link=order.get_absolute_url(),
            obj=order,
        )
        if is_mobile(order.lead_unit.contact_phone):
            notify(
                channel="sms",
                phone=order.lead_unit.contact_phone,
                subject=subject,
                body=f"【镇务】{subject}。诉求：{order.summary[:100]}",
                obj=order,
            )
    elif action in {Action.REPLY, Action.ANSWER} and is_mobile(order.reporter_phone):
        notify(
            channel="sms",
            phone=order.reporter_phone,
            subject=f"诉求已答复 {order.number}",
            body=f"您的诉求 {order.number} 已答复：{order.reply[:200]}。请凭编号和查询码查看并评价。",
            obj=order,
        )
    elif action == Action.RETURN:
        dispatcher = (
            order.events.filter(
                action__in=[Action.DISPATCH, Action.REASSIGN, Action.KEEP], actor__isnull=False
            )
            .order_by("-created_at", "-id")
            .values_list("actor", flat=True)
            .first()
        )
        notify(
            channel="inbox",
            user=get_user_model().objects.filter(pk=dispatcher).first() if dispatcher else None,
            subject=f"退单待审定 {order.number}",
            body=order.summary,
            link=order.get_absolute_url(),
            obj=order,
        )


# ---------------------------------------------------------------- SLA timers


@dataclass
class SlaReport:
    supervised: int = 0
    reminded: int = 0


def _automatic(order: WorkOrder, action: str, note: str, still_due: Callable[[WorkOrder], bool]) -> bool:
    """One automatic 督办/催办 through the lifecycle door, skipped if another worker did it first."""
    fresh = WorkOrder.objects.filter(pk=order.pk).only("supervised_at", "reminded_at", "status").first()
    if fresh is None or not still_due(fresh):
        return False
    try:
        workorder_transition(actor=SYSTEM, order=fresh, action=action, note=note, automatic=True)
    except DomainError:
        return False  # the order moved on meanwhile (closed, merged): nothing to do
    return True


def sla_scan(*, now: datetime | None = None) -> SlaReport:
    """Automatic 督办 for overdue orders and 催办 for orders entering their last working day.

    Idempotent: an order is supervised once per deadline (rework or an approved extension resets it).
    """
    now = now or timezone.now()
    report = SlaReport()
    open_in_hands = [Status.DISPATCHED, Status.HANDLING, Status.EXTENSION, Status.RETURNED]
    overdue = WorkOrder.objects.filter(status__in=open_in_hands, deadline__lt=now, supervised_at__isnull=True)
    for order in overdue.only("pk", "status")[:5000]:
        if _automatic(
            order, Action.SUPERVISE, "已超过办结时限，系统自动督办。", lambda o: o.supervised_at is None
        ):
            report.supervised += 1
    warn = WorkOrder.objects.filter(
        status__in=[Status.DISPATCHED, Status.HANDLING],
        warn_at__lte=now,
        deadline__gte=now,
        reminded_at__isnull=True,
    )
    for order in warn.only("pk", "status")[:5000]:
        if _automatic(order, Action.REMIND, "即将超期，系统自动催办。", lambda o: o.reminded_at is None):
            report.reminded += 1
    if report.supervised or report.reminded:
        counts_changed()
    return report


def allowed_actions(*, actor: Any, order: WorkOrder) -> list[str]:
    """The actions this person may take on the order now (the buttons on the detail page)."""
    out: list[str] = []
    if not getattr(actor, "is_authenticated", False):
        return out
    scope = _scope_of(actor, order)
    for action, spec in WORKORDER_MACHINE.transitions.items():
        if order.status not in spec.sources or spec.actor == Actor.REPORTER:
            continue
        try:
            _check_actor(actor, order, spec.actor, action, "", scope)
        except (PermissionDeniedError, NotFoundError):
            continue
        out.append(action)
    return out

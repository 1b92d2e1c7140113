"""The annual on-air schedule (上线安排): plans, slots, leave requests, reminders."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError
from zhenwu.core.selectors import get_work_calendar
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    Channel,
    EpisodeStatus,
    LeaveStatus,
    ReminderStatus,
    SlotStatus,
)
from zhenwu.hotline.models import (
    PROGRAMME_NAME,
    AnnualPlan,
    LeaveRequest,
    OnAirSlot,
    ReminderLog,
)
from zhenwu.hotline.services._common import _changeable, _require, _snapshot, _today, clean_phone
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import user_has_capability

LEAVE_MIN_WORKING_DAYS = 3


# --------------------------------------------------------------------------- schedule


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    year: int,
    title: str,
    owner_unit: Unit,
    reminder_working_days: int = 10,
    is_sample: bool = False,
) -> AnnualPlan:
    _require(actor, HotlineCapability.MANAGE, "编排上线计划")
    if AnnualPlan.objects.filter(year=year).exists():
        raise DomainError(f"{year} 年的上线计划已存在。", field="year")
    if not 1 <= reminder_working_days <= 60:
        raise DomainError("提前提醒天数应在 1 至 60 个工作日之间。", field="reminder_working_days")
    plan = AnnualPlan.objects.create(
        year=year,
        title=title.strip() or f"{year}年{PROGRAMME_NAME}上线计划",
        owner_unit=owner_unit,
        reminder_working_days=reminder_working_days,
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="hotline.plan_create", obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_update(*, actor: Any, plan: AnnualPlan, reminder_working_days: int) -> AnnualPlan:
    _require(actor, HotlineCapability.MANAGE, "编排上线计划")
    if not 1 <= reminder_working_days <= 60:
        raise DomainError("提前提醒天数应在 1 至 60 个工作日之间。", field="reminder_working_days")
    before = snapshot(plan)
    plan.reminder_working_days = reminder_working_days
    plan.save(update_fields=["reminder_working_days", "updated_at"])
    audit_record(actor=actor, action="hotline.plan_update", obj=plan, before=before, after=snapshot(plan))
    return plan


@transaction.atomic
def slot_create(
    *,
    actor: Any,
    plan: AnnualPlan,
    date: date,
    start_time: time,
    end_time: time,
    channel: str,
    unit: Unit,
    head_name: str,
    head_title: str,
    contact_name: str,
    contact_phone: str = "",
    note: str = "",
    is_sample: bool = False,
) -> OnAirSlot:
    """Schedule a unit; refuses a date outside the plan's year, a non-working day and an occupied slot."""
    _require(actor, HotlineCapability.MANAGE, "编排上线计划")
    if date.year != plan.year:
        raise DomainError(f"上线日期应在 {plan.year} 年内。", field="date")
    if end_time <= start_time:
        raise DomainError("结束时间应晚于开始时间。", field="end_time")
    if channel not in Channel.values or channel == Channel.UNSTATED:
        raise DomainError("请选择播出渠道。", field="channel")
    if not head_name.strip() or not head_title.strip():
        raise DomainError("请填写上线单位一把手的姓名和职务。", field="head_name")
    if not contact_name.strip():
        raise DomainError("请填写联络人。", field="contact_name")
    phone = clean_phone(contact_phone)
    if not get_work_calendar().is_workday(date):
        raise DomainError(f"{date:%Y年%m月%d日}是节假日或休息日，不能安排上线，请改选工作日。", field="date")
    clash = (
        OnAirSlot.objects.filter(date=date, start_time__lt=end_time, end_time__gt=start_time)
        .exclude(status=SlotStatus.CANCELLED)
        .select_related("unit")
        .first()
    )
    if clash is not None:
        raise DomainError(
            f"时段冲突：{date:%Y年%m月%d日} {clash.start_time:%H:%M}–{clash.end_time:%H:%M} 已安排"
            f"“{clash.unit.name}”上线，同一时段只能安排一个单位。",
            field="start_time",
        )
    slot = OnAirSlot.objects.create(
        plan=plan,
        date=date,
        start_time=start_time,
        end_time=end_time,
        channel=channel,
        unit=unit,
        head_name=head_name.strip(),
        head_title=head_title.strip(),
        contact_name=contact_name.strip(),
        contact_phone=phone,
        note=note.strip(),
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="hotline.slot_create", obj=slot, after=_snapshot(slot))
    return slot


@transaction.atomic
def leave_request_create(
    *, actor: Any, slot: OnAirSlot, substitute_name: str, substitute_title: str, reason: str
) -> LeaveRequest:
    """The 一把手 asks to send a substitute: at least 3 working days before the slot."""
    if not user_has_capability(actor, HotlineCapability.MANAGE):
        _changeable(OnAirSlot, actor, slot)
    if slot.status not in (SlotStatus.SCHEDULED,):
        raise DomainError(f"该上线安排当前为“{slot.get_status_display()}”，不能再请假。")
    if slot.leaves.filter(status=LeaveStatus.PENDING).exists():
        raise DomainError("该上线安排已有待审批的请假申请。")
    if not substitute_name.strip() or not substitute_title.strip():
        raise DomainError("请填写代为上线人的姓名和职务。", field="substitute_name")
    if not reason.strip():
        raise DomainError("请填写请假事由。", field="reason")
    today = _today()
    days_left = get_work_calendar().working_days_between(today, slot.date)
    if days_left < LEAVE_MIN_WORKING_DAYS:
        raise DomainError(
            f"请假须至少提前 {LEAVE_MIN_WORKING_DAYS} 个工作日提出：上线日期为{slot.date:%Y年%m月%d日}，"
            f"距今仅 {max(days_left, 0)} 个工作日，已不能请假，请一把手本人上线。",
            field="reason",
            code="leave_too_late",
        )
    leave = LeaveRequest.objects.create(
        slot=slot,
        substitute_name=substitute_name.strip(),
        substitute_title=substitute_title.strip(),
        reason=reason.strip(),
        requested_by=actor,
    )
    audit_record(actor=actor, action="hotline.leave_request", obj=leave, after=snapshot(leave))
    return leave


@transaction.atomic
def leave_decide(*, actor: Any, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    _require(actor, HotlineCapability.APPROVE, "审批上线请假")
    leave = LeaveRequest.objects.select_for_update(of=("self",)).get(pk=leave.pk)
    if leave.status != LeaveStatus.PENDING:
        raise DomainError(f"该申请已{leave.get_status_display()}，不能重复审批。")
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    leave.decided_by = actor
    leave.decided_at = timezone.now()
    leave.decision_note = note.strip()
    leave.save()
    if approve:
        slot = leave.slot
        slot.status = SlotStatus.SUBSTITUTE
        slot.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="hotline.leave_decide", obj=leave, after=snapshot(leave))
    return leave


def reminders_queue(*, today: date | None = None) -> int:
    """Queue one reminder per upcoming slot once it is within the plan's N working days (idempotent)."""
    today = today or _today()
    calendar = get_work_calendar()
    created = 0
    slots = (
        OnAirSlot.objects.filter(date__gte=today, status__in=[SlotStatus.SCHEDULED, SlotStatus.SUBSTITUTE])
        .exclude(episode__status__in=[EpisodeStatus.LIVE, EpisodeStatus.CLOSED])
        .select_related("plan", "unit")
    )
    for slot in slots:
        if slot.reminders.filter(kind="before_air").exists():
            continue
        days_left = calendar.working_days_between(today, slot.date)
        if days_left > slot.plan.reminder_working_days:
            continue
        with transaction.atomic():
            log, was_created = ReminderLog.objects.get_or_create(
                slot=slot,
                kind="before_air",
                defaults={
                    "recipient": f"{slot.unit.name} {slot.contact_name}",
                    "due_on": today,
                    "message": (
                        f"{slot.unit.name}：贵单位定于{slot.date:%Y年%m月%d日} {slot.start_time:%H:%M}–"
                        f"{slot.end_time:%H:%M} 上线{PROGRAMME_NAME}（{slot.get_channel_display()}），"
                        f"请{slot.head_title}{slot.head_name}本人出席；如需请假，须至少提前 "
                        f"{LEAVE_MIN_WORKING_DAYS} 个工作日提出申请。"
                    ),
                },
            )
            if was_created:
                audit_record(actor=None, action="hotline.reminder_queue", obj=log, message=log.message)
                created += 1
    return created


def reminders_dispatch() -> int:
    """Hand queued reminders to the notification outbox (core.notify) and mark them sent.

    The unit gets a workbench notice; the contact person an SMS when a phone is on file.
    """
    from zhenwu.core.notify import notify

    sent = 0
    # A slot that already ran (its episode is live or over, or it is done or cancelled) gets no reminder.
    ran = ReminderLog.objects.filter(status=ReminderStatus.QUEUED).filter(
        Q(slot__status__in=[SlotStatus.DONE, SlotStatus.CANCELLED])
        | Q(slot__episode__status__in=[EpisodeStatus.LIVE, EpisodeStatus.CLOSED])
        | Q(slot__date__lt=_today())
    )
    ran.update(status=ReminderStatus.CANCELLED)
    for log in ReminderLog.objects.filter(status=ReminderStatus.QUEUED).select_related("slot", "slot__unit"):
        with transaction.atomic():
            updated = ReminderLog.objects.filter(pk=log.pk, status=ReminderStatus.QUEUED).update(
                status=ReminderStatus.SENT, sent_at=timezone.now()
            )
            if updated:
                subject = f"政风热线上线提醒：{log.slot.date:%m月%d日}"
                notify(channel="inbox", unit=log.slot.unit, subject=subject, body=log.message, obj=log)
                if log.slot.contact_phone:
                    notify(
                        channel="sms",
                        phone=log.slot.contact_phone,
                        subject=subject,
                        body=log.message,
                        obj=log,
                    )
                audit_record(actor=None, action="hotline.reminder_send", obj=log, message=log.recipient)
                sent += 1
    return sent

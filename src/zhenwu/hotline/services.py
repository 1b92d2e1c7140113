"""Writes of the 政风热线 programme. Keyword-only, one transaction, permission + scope, audit."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import jieba
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.models import Attachment
from zhenwu.core.pii import normalize_phone
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.services import document_number
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    ARTICLE_MACHINE,
    COMMITMENT_ACTION_LABELS,
    COMMITMENT_MACHINE,
    EPISODE_MACHINE,
    ArticleStatus,
    Channel,
    CommitmentStatus,
    EpisodeStatus,
    LeaveStatus,
    Outcome,
    QuestionSource,
    ReminderStatus,
    Screening,
    SlotStatus,
)
from zhenwu.hotline.models import (
    PROGRAMME_NAME,
    AnnualPlan,
    Article,
    Commitment,
    Episode,
    EvaluationRule,
    FollowUpItem,
    Guest,
    LeaveRequest,
    ListenerIssue,
    Milestone,
    OnAirSlot,
    ProgressReport,
    ReminderLog,
    Topic,
)
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import user_has_capability

LEAVE_MIN_WORKING_DAYS = 3
IMPORT_COLUMNS = ["来源", "姓名", "电话", "问题内容", "主题"]
SOURCE_BY_LABEL = {
    "短信": QuestionSource.SMS,
    "网上留言": QuestionSource.WEB,
    "网站": QuestionSource.WEB,
    "微信": QuestionSource.WECHAT,
    "微信留言": QuestionSource.WECHAT,
    "电话": QuestionSource.PHONE,
    "热线电话": QuestionSource.PHONE,
}


# --------------------------------------------------------------------------- helpers


def _require(actor: Any, capability: str, what: str) -> None:
    if not user_has_capability(actor, capability):
        raise PermissionDeniedError(f"您没有{what}的权限。")


def _changeable(model: type[Any], actor: Any, obj: Any) -> None:
    """Out of the actor's scope is 404; visible but read-only is 403."""
    if not model.objects.visible_to(actor, "view").filter(pk=obj.pk).exists():
        raise NotFoundError()
    if not model.objects.visible_to(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDeniedError("您对该记录只有查看权限。")


def _snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """The audit snapshot with times of day as text (the audit encoder knows dates, not times)."""
    return {k: (v.isoformat() if isinstance(v, time) else v) for k, v in snapshot(obj, fields).items()}


def _today() -> date:
    return timezone.localdate()


def clean_phone(value: str) -> str:
    """Mobile or landline, compacted ('' when empty); DomainError on the caller_phone field if malformed."""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="caller_phone") from exc


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


# --------------------------------------------------------------------------- episodes


def _parse_guests(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result = []
    for title, name in lines:
        if title.strip() and name.strip():
            result.append((title.strip(), name.strip()))
    return result


@transaction.atomic
def episode_create(
    *,
    actor: Any,
    unit: Unit,
    title: str = "",
    air_date: date | None = None,
    air_date_note: str = "",
    channel: str = Channel.RADIO,
    host: str = "",
    slot: OnAirSlot | None = None,
    guests: list[tuple[str, str]] | None = None,
    topics: list[str] | None = None,
    is_sample: bool = False,
) -> Episode:
    """Open an episode, usually from a slot; guests are (title, name) pairs, e.g. ("镇长", "汤枫")."""
    _require(actor, HotlineCapability.MANAGE, "管理节目期次")
    if slot is not None:
        if hasattr(slot, "episode") and Episode.objects.filter(slot=slot).exists():
            raise DomainError("该上线安排已建立节目期次。", field="slot")
        unit = slot.unit
        air_date = slot.date
        channel = slot.channel
    episode = Episode.objects.create(
        slot=slot,
        unit=unit,
        title=title.strip() or f"{unit.name}上线{PROGRAMME_NAME}",
        air_date=air_date,
        air_date_note=air_date_note,
        channel=channel,
        host=host.strip(),
        is_sample=is_sample,
    )
    head = slot.head_name if slot and slot.status == SlotStatus.SCHEDULED else None
    for i, (g_title, g_name) in enumerate(_parse_guests(guests or [])):
        Guest.objects.create(
            episode=episode, title=g_title, name=g_name, unit=unit, order=i, is_head=(g_name == head)
        )
    for i, name in enumerate(t.strip() for t in (topics or []) if t.strip()):
        Topic.objects.get_or_create(episode=episode, name=name, defaults={"order": i})
    audit_record(actor=actor, action="hotline.episode_create", obj=episode, after=snapshot(episode))
    return episode


def _cancel_reminders(slot_id: int | None) -> int:
    """The programme has run: a reminder still waiting to be sent would tell the unit to come on air."""
    if not slot_id:
        return 0
    return ReminderLog.objects.filter(slot_id=slot_id, status=ReminderStatus.QUEUED).update(
        status=ReminderStatus.CANCELLED
    )


@transaction.atomic
def episode_transition(*, actor: Any, episode: Episode, action: str, reason: str = "") -> Episode:
    """开始直播 / 结束本期. Going on air before the scheduled date needs a reason (recorded)."""
    _require(actor, HotlineCapability.OPERATE, "控制节目")
    episode = Episode.objects.select_for_update(of=("self",)).get(pk=episode.pk)  # no stale status
    before = episode.status
    episode.status = str(EPISODE_MACHINE.check(episode, action).target)
    reason = "".join(ch for ch in (reason or "") if ch.isprintable()).strip()[:200]
    early = action == "go_live" and episode.air_date is not None and episode.air_date > _today()
    if early and not reason:
        raise DomainError(
            f"本期节目定于{episode.air_date_display}播出，今天开播属于提前开播，请确认并填写提前开播的理由。",
            field="reason",
            code="early_air",
        )
    episode.save(update_fields=["status", "updated_at"])
    _cancel_reminders(episode.slot_id)
    if action == "close" and episode.slot_id:
        # Whether the 一把手 came in person stays readable from the slot's approved leave requests.
        OnAirSlot.objects.filter(
            pk=episode.slot_id, status__in=[SlotStatus.SCHEDULED, SlotStatus.SUBSTITUTE]
        ).update(status=SlotStatus.DONE)
    audit_record(
        actor=actor,
        action=f"hotline.episode_{action}",
        obj=episode,
        before={"status": before},
        after={"status": episode.status, **({"early_reason": reason} if early else {})},
        message=f"提前开播（原定{episode.air_date_display}）：{reason}" if early else "",
    )
    return episode


@transaction.atomic
def topic_add(*, actor: Any, episode: Episode, name: str) -> Topic:
    _require(actor, HotlineCapability.MANAGE, "管理节目期次")
    if not name.strip():
        raise DomainError("请填写主题。", field="name")
    topic, _ = Topic.objects.get_or_create(
        episode=episode, name=name.strip(), defaults={"order": episode.topics.count()}
    )
    audit_record(actor=actor, action="hotline.topic_add", obj=episode, message=topic.name)
    return topic


# --------------------------------------------------------------------------- questions


def _new_issue_number() -> str:
    return document_number("RX", _today())


QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def issue_query_digest(number: str, code: str) -> str:
    """Keyed digest of a question's query code: the code itself is never stored."""
    import hashlib
    import hmac

    from django.conf import settings

    message = f"hotline:{number.strip().upper()}:{code.strip().upper()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def issue_for_asker(*, number: str, code: str) -> ListenerIssue | None:
    """The question a member of the public asked, if number and code match (else None, saying nothing more)."""
    import hmac as _hmac

    issue = (
        ListenerIssue.objects.select_related("episode", "work_order")
        .filter(number=number.strip().upper())
        .exclude(query_code_hash="")
        .first()
    )
    if issue is None or not _hmac.compare_digest(
        issue.query_code_hash, issue_query_digest(issue.number, code)
    ):
        return None
    return issue


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    episode: Episode,
    text: str,
    source: str,
    caller_name: str = "",
    caller_phone: str = "",
    topic: Topic | None = None,
    during_show: bool = False,
    client_token: str = "",
) -> ListenerIssue:
    """Register a question. `actor` None is the public form. A repeated client_token returns the first."""
    public = actor is None or not getattr(actor, "is_authenticated", False)
    if public:
        if source != QuestionSource.WEB:
            raise PermissionDeniedError()
    else:
        if not (
            user_has_capability(actor, HotlineCapability.OPERATE)
            or user_has_capability(actor, HotlineCapability.MANAGE)
        ):
            raise PermissionDeniedError("您没有登记热线问题的权限。")
    if client_token:
        existing = ListenerIssue.objects.filter(episode=episode, client_token=client_token).first()
        if existing is not None:
            return existing
    status = (
        Episode.objects.select_for_update().filter(pk=episode.pk).values_list("status", flat=True).first()
    )
    if status == EpisodeStatus.CLOSED:  # the public form and the console alike, read under lock
        raise DomainError("本期节目已结束，不再登记新的来电和问题。")
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError("请填写问题内容（至少 5 个字）。", field="text")
    if len(text) > 2000:
        raise DomainError("问题内容最多 2000 个字。", field="text")
    if source not in QuestionSource.values:
        raise DomainError("请选择问题来源。", field="source")
    if topic is not None and topic.episode_id != episode.pk:
        raise DomainError("主题不属于本期节目。", field="topic")
    issue = ListenerIssue.objects.create(
        episode=episode,
        topic=topic,
        number=_new_issue_number(),
        source=source,
        during_show=during_show,
        caller_name=caller_name.strip()[:40],
        caller_phone=clean_phone(caller_phone),
        text=text,
        screening=Screening.SELECTED if during_show else Screening.NEW,
        client_token=client_token[:64],
        created_by=None if public else actor,
    )
    if public:  # the asker follows the question with its number and a query code shown once
        code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))
        issue.query_code_hash = issue_query_digest(issue.number, code)
        issue.save(update_fields=["query_code_hash"])
        issue.query_code = code  # type: ignore[attr-defined]
    audit_record(
        actor=None if public else actor, action="hotline.issue_create", obj=issue, after=snapshot(issue)
    )
    return issue


@dataclass
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "表头"
        return f"{where}“{self.column}”列：{self.message}" if self.column else f"{where}：{self.message}"


class ImportRefused(DomainError):
    """The whole file is refused; `problems` lists every bad row and column."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(
            f"导入失败，共 {len(problems)} 处问题，未导入任何记录。请修改后重新上传。",
            field="file",
            code="import",
        )
        self.problems = problems


def _read_rows(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the same user error
            raise DomainError("无法读取该 Excel 文件，请确认是 .xlsx 格式。", field="file") from exc
        ws = wb.worksheets[0]
        return [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError("无法识别 CSV 文件的编码，请另存为 UTF-8。", field="file")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise DomainError("只能导入 .csv 或 .xlsx 文件。", field="file")


@transaction.atomic
def issues_import(*, actor: Any, episode: Episode, filename: str, content: bytes) -> list[ListenerIssue]:
    """Import SMS / WeChat comments. Columns 来源, 姓名, 电话, 问题内容, 主题. All rows or none."""
    _require(actor, HotlineCapability.MANAGE, "导入热线问题")
    rows = [r for r in _read_rows(filename, content) if any(c for c in r)]
    if not rows:
        raise DomainError("文件是空的。", field="file")
    header = rows[0]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            [ImportProblem(1, c, "缺少该列（表头应为：" + "、".join(IMPORT_COLUMNS) + "）") for c in missing]
        )
    index = {c: header.index(c) for c in IMPORT_COLUMNS}
    topics = {t.name: t for t in episode.topics.all()}
    existing_keys = {
        (i.caller_phone, i.text)
        for i in ListenerIssue.objects.filter(episode=episode).only("caller_phone", "text")
    }
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, str], int] = {}
    parsed: list[dict[str, Any]] = []
    for n, row in enumerate(rows[1:], start=2):
        cell = {c: (row[index[c]] if index[c] < len(row) else "") for c in IMPORT_COLUMNS}
        source = SOURCE_BY_LABEL.get(cell["来源"])
        if source is None:
            problems.append(
                ImportProblem(
                    n, "来源", f"“{cell['来源']}”无法识别，应为 短信、微信留言、网上留言 或 热线电话"
                )
            )
        try:
            phone = clean_phone(cell["电话"])
        except DomainError:
            problems.append(ImportProblem(n, "电话", f"“{cell['电话']}”不是有效的电话号码"))
            phone = cell["电话"]
        text = cell["问题内容"]
        if len(text) < 5:
            problems.append(ImportProblem(n, "问题内容", "为空或少于 5 个字"))
        topic = None
        if cell["主题"]:
            topic = topics.get(cell["主题"])
            if topic is None:
                problems.append(
                    ImportProblem(
                        n, "主题", f"“{cell['主题']}”不是本期的主题（本期：{'、'.join(topics) or '无'}）"
                    )
                )
        key = (phone, text)
        if text and key in seen:
            problems.append(ImportProblem(n, "问题内容", f"与第 {seen[key]} 行重复（同一电话、同一内容）"))
        elif text and key in existing_keys:
            problems.append(ImportProblem(n, "问题内容", "本期已登记过相同电话的相同问题"))
        seen.setdefault(key, n)
        parsed.append(
            {
                "source": source,
                "caller_name": cell["姓名"],
                "caller_phone": phone,
                "text": text,
                "topic": topic,
            }
        )
    if problems:
        raise ImportRefused(problems)
    created = []
    for data in parsed:
        issue = ListenerIssue.objects.create(
            episode=episode, number=_new_issue_number(), created_by=actor, **data
        )
        created.append(issue)
    audit_record(
        actor=actor,
        action="hotline.issues_import",
        obj=episode,
        message=f"{filename}：导入 {len(created)} 条",
    )
    return created


def _summary_of(answer_text: str) -> str:
    first = answer_text.strip().splitlines()[0] if answer_text.strip() else ""
    cut = first.find("。")
    return (first[: cut + 1] if 0 < cut < 120 else first[:120]) or "见答复全文"


@transaction.atomic
def issue_record_published(
    *, actor: Any, episode: Episode, topic: Topic | None, text: str, answer_text: str, show_order: int
) -> ListenerIssue:
    """Record a question and answer exactly as published (text may be missing: then it says so)."""
    _require(actor, HotlineCapability.MANAGE, "录入已刊发的问答")
    if not answer_text.strip():
        raise DomainError("请填写答复全文。", field="answer_text")
    issue = ListenerIssue.objects.create(
        episode=episode,
        topic=topic,
        number=_new_issue_number(),
        source=QuestionSource.PUBLISHED,
        text=text.strip(),
        text_published=bool(text.strip()),
        screening=Screening.SELECTED,
        outcome=Outcome.ANSWERED,
        answer_summary=_summary_of(answer_text),
        answer_text=answer_text.strip(),
        answered_at=timezone.now(),
        show_order=show_order,
        created_by=actor,
    )
    audit_record(actor=actor, action="hotline.issue_record_published", obj=issue, after=snapshot(issue))
    return issue


@transaction.atomic
def issue_screen(
    *, actor: Any, issue: ListenerIssue, screening: str, topic: Topic | None = None
) -> ListenerIssue:
    _require(actor, HotlineCapability.MANAGE, "筛选热线问题")
    if screening not in Screening.values:
        raise DomainError("请选择筛选结果。", field="screening")
    if topic is not None and topic.episode_id != issue.episode_id:
        raise DomainError("主题不属于本期节目。", field="topic")
    before = snapshot(issue, ["screening", "topic"])
    issue.screening = screening
    issue.topic = topic
    issue.save(update_fields=["screening", "topic", "updated_at"])
    audit_record(
        actor=actor,
        action="hotline.issue_screen",
        obj=issue,
        before=before,
        after=snapshot(issue, ["screening", "topic"]),
    )
    return issue


def _require_open_outcome(issue: ListenerIssue) -> None:
    if issue.outcome != Outcome.PENDING:
        raise DomainError(f"该问题已处理（{issue.get_outcome_display()}），不能重复处理。")
    if issue.episode.status == EpisodeStatus.CLOSED:
        raise DomainError("本期节目已结束，请在台账中跟踪后续办理。")


def _next_show_order(episode: Episode) -> int:
    last = (
        episode.issues.exclude(show_order=None)
        .order_by("-show_order")
        .values_list("show_order", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def issue_answer(*, actor: Any, issue: ListenerIssue, summary: str, answer_text: str = "") -> ListenerIssue:
    """Answered on air: a one-line summary (the full answer may be added for the article)."""
    _require(actor, HotlineCapability.OPERATE, "在直播控制台处理问题")
    issue = ListenerIssue.objects.select_for_update().get(pk=issue.pk)
    _require_open_outcome(issue)
    if not summary.strip():
        raise DomainError("请填写答复摘要。", field="summary")
    issue.outcome = Outcome.ANSWERED
    issue.answer_summary = summary.strip()[:300]
    issue.answer_text = answer_text.strip() or issue.answer_text
    issue.answered_at = timezone.now()
    issue.show_order = issue.show_order or _next_show_order(issue.episode)
    if issue.screening == Screening.NEW:
        issue.screening = Screening.SELECTED  # answered on air: it was taken up in the show
    issue.save()
    audit_record(
        actor=actor,
        action="hotline.issue_answer",
        obj=issue,
        after=snapshot(issue, ["outcome", "answer_summary"]),
    )
    return issue


@transaction.atomic
def issue_article_edit(
    *, actor: Any, issue: ListenerIssue, text: str, answer_text: str, in_article: bool, show_order: int | None
) -> ListenerIssue:
    """Edit a question's published wording and answer for the article."""
    _require(actor, HotlineCapability.MANAGE, "编辑节目文章")
    article = Article.objects.filter(episode_id=issue.episode_id).first()
    if article is not None and article.status != ArticleStatus.DRAFT:
        raise DomainError(
            f"文章当前为“{article.get_status_display()}”，问答不能再修改；如需修改请先退回编辑。",
            field="text",
        )
    before = snapshot(issue, ["text", "answer_text", "in_article", "show_order"])
    if issue.text_published or text.strip():
        issue.text = text.strip()
    issue.answer_text = answer_text.strip()
    issue.in_article = in_article
    issue.show_order = show_order
    issue.save()
    audit_record(
        actor=actor,
        action="hotline.issue_article_edit",
        obj=issue,
        before=before,
        after=snapshot(issue, ["text", "answer_text", "in_article", "show_order"]),
    )
    return issue


# --------------------------------------------------------------------------- commitments


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    episode: Episode,
    title: str,
    responsible_unit: Unit | None,
    responsible_person: str,
    deadline: date | None,
    issue: ListenerIssue | None = None,
    milestones: list[tuple[str, date]] | None = None,
    is_public: bool = True,
    is_sample: bool = False,
) -> Commitment:
    """A commitment made on air. Needs a responsible unit and person and a deadline not in the past."""
    _require(actor, HotlineCapability.OPERATE, "登记承诺事项")
    if not title.strip():
        raise DomainError("请填写承诺事项的内容。", field="title")
    if responsible_unit is None:
        raise DomainError("请选择责任单位：每项承诺都必须有责任单位。", field="responsible_unit")
    if not responsible_person.strip():
        raise DomainError("请填写责任人。", field="responsible_person")
    if deadline is None:
        raise DomainError("请填写承诺期限。", field="deadline")
    if deadline < _today():
        raise DomainError(
            f"承诺期限{deadline:%Y年%m月%d日}已经过去，请填写今天或以后的日期。", field="deadline"
        )
    for m_title, m_date in milestones or []:
        if m_date > deadline:
            raise DomainError(f"里程碑“{m_title}”的日期晚于承诺期限。", field="milestones")
    if issue is not None:
        issue = ListenerIssue.objects.select_for_update().get(pk=issue.pk)
        _require_open_outcome(issue)
    commitment = Commitment.objects.create(
        episode=episode,
        issue=issue,
        title=title.strip(),
        responsible_unit=responsible_unit,
        responsible_person=responsible_person.strip(),
        deadline=deadline,
        is_public=is_public,
        is_sample=is_sample,
    )
    for m_title, m_date in milestones or []:
        Milestone.objects.create(commitment=commitment, title=m_title.strip(), due_date=m_date)
    if issue is not None:
        issue.outcome = Outcome.COMMITMENT
        issue.answer_summary = issue.answer_summary or f"承诺：{commitment.title}"
        issue.answered_at = timezone.now()
        issue.show_order = issue.show_order or _next_show_order(episode)
        issue.save()
    audit_record(actor=actor, action="hotline.commitment_create", obj=commitment, after=snapshot(commitment))
    return commitment


def _transition_commitment(commitment: Commitment, action: str) -> None:
    commitment.status = str(COMMITMENT_MACHINE.check(commitment, action).target)


@transaction.atomic
def commitment_report(
    *,
    actor: Any,
    commitment: Commitment,
    progress: int,
    text: str,
    evidence: Attachment | None = None,
    completed: bool = False,
    milestones_done: list[int] | None = None,
) -> ProgressReport:
    """The responsible unit reports progress (with evidence); 100% with `completed` asks for verification."""
    _changeable(Commitment, actor, commitment)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status in (CommitmentStatus.COMPLETED, CommitmentStatus.VERIFIED):
        raise DomainError(f"该承诺事项已{commitment.get_status_display()}，不能再报告进展。")
    if not 0 <= progress <= 100:
        raise DomainError("进度应在 0 至 100 之间。", field="progress")
    if progress < commitment.progress:
        raise DomainError(f"进度不能低于上次报告的 {commitment.progress}%。", field="progress")
    if not text.strip():
        raise DomainError("请填写进展情况。", field="text")
    if completed and progress != 100:
        raise DomainError("报告完成时进度应为 100%。", field="progress")
    if completed and evidence is None:
        raise DomainError("报告完成须上传佐证材料（照片或文件）。", field="evidence")
    before = snapshot(commitment, ["progress", "status"])
    if commitment.status == CommitmentStatus.OPEN and not completed:
        _transition_commitment(commitment, "start")
    if completed:
        _transition_commitment(commitment, "complete")
        commitment.completed_on = _today()
    commitment.progress = progress
    commitment.save()
    if milestones_done:
        commitment.milestones.filter(pk__in=milestones_done, done_on=None).update(done_on=_today())
    unit_names = (
        ", ".join(
            sorted({m.unit.name for m in actor.memberships.filter(is_active=True).select_related("unit")})
        )
        if getattr(actor, "pk", None)
        else ""
    )
    report = ProgressReport.objects.create(
        commitment=commitment,
        progress=progress,
        text=text.strip(),
        evidence=evidence,
        status_after=commitment.status,
        reported_by=actor,
        reporter_unit_name=unit_names[:80],
    )
    audit_record(
        actor=actor,
        action="hotline.commitment_report",
        obj=commitment,
        before=before,
        after=snapshot(commitment, ["progress", "status"]),
        message=report.text[:200],
    )
    return report


@transaction.atomic
def commitment_transition(*, actor: Any, commitment: Commitment, action: str, note: str = "") -> Commitment:
    """Verify (办结) or send back (退回) a completed commitment: the programme office decides."""
    _require(actor, HotlineCapability.MANAGE, "核验承诺事项")
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    before = snapshot(commitment, ["status"])
    _transition_commitment(commitment, action)
    if action == "reopen":
        commitment.completed_on = None
    commitment.save()
    ProgressReport.objects.create(
        commitment=commitment,
        progress=commitment.progress,
        text=note.strip() or COMMITMENT_ACTION_LABELS[action],
        status_after=commitment.status,
        reported_by=actor,
        reporter_unit_name="政务服务管理办公室",
    )
    audit_record(
        actor=actor,
        action=f"hotline.commitment_{action}",
        obj=commitment,
        before=before,
        after=snapshot(commitment, ["status"]),
    )
    return commitment


# --------------------------------------------------------------------------- follow-up


def _open_items_before(episode: Episode) -> tuple[list[Commitment], list[ListenerIssue]]:
    earlier = Episode.objects.exclude(pk=episode.pk)
    if episode.air_date:
        earlier = earlier.filter(Q(air_date__lt=episode.air_date) | Q(air_date=None))
    else:
        earlier = earlier.filter(created_at__lt=episode.created_at)
    last_used = (
        Episode.objects.filter(pk__in=earlier.values("pk"), followups__isnull=False, air_date__isnull=False)
        .order_by("-air_date")
        .values_list("air_date", flat=True)
        .first()
    )
    commitments = list(
        Commitment.objects.filter(episode__in=earlier)
        .filter(~Q(status=CommitmentStatus.VERIFIED) | Q(completed_on__gte=last_used or date(1900, 1, 1)))
        .select_related("responsible_unit", "episode")
        .order_by("episode__air_date", "deadline", "id")
    )
    issues = list(
        ListenerIssue.objects.filter(episode__in=earlier, outcome=Outcome.WORK_ORDER).select_related(
            "episode"
        )
    )
    return commitments, issues


def _workorder_state(issue: ListenerIssue) -> tuple[str, bool, bool]:
    """(label, is_open, is_late) of the issue's work order."""
    order = getattr(issue, "work_order", None)
    if order is None:
        return "工单信息缺失", True, False
    is_open = not order.is_closed
    late = bool(is_open and order.deadline and order.deadline < timezone.now())
    return f"{order.number} {order.get_status_display()}", is_open, late


@transaction.atomic
def followup_compile(*, actor: Any, episode: Episode) -> list[FollowUpItem]:
    """(Re)build the 追踪反馈 section from earlier episodes' open commitments and orders; edits kept."""
    _require(actor, HotlineCapability.MANAGE, "编排追踪反馈")
    commitments, issues = _open_items_before(episode)
    kept: dict[tuple[int | None, int | None], FollowUpItem] = {
        (f.commitment_id, f.issue_id): f for f in episode.followups.all()
    }
    items: list[FollowUpItem] = []
    order = 0
    for c in commitments:
        last = c.reports.first()
        late = c.is_overdue and c.status != CommitmentStatus.VERIFIED
        state = c.get_status_display() + ("（已逾期）" if late else "")
        text = (
            f"【{c.episode.air_date_display} · {c.episode.unit.name}】{c.title}。责任单位：{c.responsible_unit.name}"
            f"（{c.responsible_person}），期限{c.deadline:%Y年%m月%d日}，当前进度 {c.progress}%。"
            + (f"最新进展：{last.text}" if last else "尚未报告进展。")
        )
        key: tuple[int | None, int | None] = (c.pk, None)
        if key in kept:
            item = kept.pop(key)
            item.state_label, item.is_late, item.order = state, late, order
            item.save(update_fields=["state_label", "is_late", "order", "updated_at"])
        else:
            item = FollowUpItem.objects.create(
                episode=episode,
                commitment=c,
                text=text,
                state_label=state,
                is_late=late,
                order=order,
                is_sample=c.is_sample,
            )
        items.append(item)
        order += 1
    for issue in issues:
        label, is_open, late = _workorder_state(issue)
        if not is_open:
            continue
        key = (None, issue.pk)
        text = f"【{issue.episode.air_date_display}】{issue.display_text[:80]}——已转工单 {label}。"
        if key in kept:
            item = kept.pop(key)
            item.state_label, item.is_late, item.order = label, late, order
            item.save(update_fields=["state_label", "is_late", "order", "updated_at"])
        else:
            item = FollowUpItem.objects.create(
                episode=episode, issue=issue, text=text, state_label=label, is_late=late, order=order
            )
        items.append(item)
        order += 1
    for stale in kept.values():
        stale.delete()
    audit_record(actor=actor, action="hotline.followup_compile", obj=episode, message=f"{len(items)} 项")
    return items


@transaction.atomic
def followup_update(*, actor: Any, item: FollowUpItem, text: str, included: bool) -> FollowUpItem:
    _require(actor, HotlineCapability.MANAGE, "编排追踪反馈")
    if not text.strip():
        raise DomainError("反馈内容不能为空。", field="text")
    before = snapshot(item, ["text", "included"])
    item.text = text.strip()
    item.included = included
    item.save()
    audit_record(
        actor=actor,
        action="hotline.followup_update",
        obj=item,
        before=before,
        after=snapshot(item, ["text", "included"]),
    )
    return item


# --------------------------------------------------------------------------- publication


def article_default_intro(episode: Episode) -> str:
    guests = "、".join(f"{g.title}{g.name}" for g in episode.guests.all())
    topics = "、".join(t.name for t in episode.topics.all())
    d = episode.air_date
    when = f"{d.year}年{d.month}月{d.day}日" if d else "近日"
    return f"{when}，{episode.unit.name}上线“{PROGRAMME_NAME}”，{guests}围绕{topics}等内容回答提问。"


def search_tokens_for(article: Article) -> str:
    parts = [article.title, article.intro, article.episode.unit.name]
    for issue in article.episode.issues.filter(in_article=True):
        parts.extend(
            [issue.text, issue.answer_text or issue.answer_summary, issue.topic.name if issue.topic else ""]
        )
    words = {w.strip().lower() for w in jieba.cut_for_search(" ".join(p for p in parts if p)) if w.strip()}
    return " " + " ".join(sorted(words)) + " "


@transaction.atomic
def article_prepare(*, actor: Any, episode: Episode, title: str = "", intro: str = "") -> Article:
    """Create (or return) the episode's article draft; the intro is prefilled in the source's form."""
    _require(actor, HotlineCapability.MANAGE, "编辑节目文章")
    existing = Article.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    article = Article(
        episode=episode,
        title=title.strip() or f"{episode.unit.name}上线“{PROGRAMME_NAME}”",
        intro=intro.strip() or article_default_intro(episode),
    )
    article.search_tokens = search_tokens_for(article)
    article.save()
    audit_record(
        actor=actor,
        action="hotline.article_prepare",
        obj=article,
        after=snapshot(article, ["title", "intro"]),
    )
    return article


@transaction.atomic
def article_update(*, actor: Any, article: Article, title: str, intro: str) -> Article:
    _require(actor, HotlineCapability.MANAGE, "编辑节目文章")
    if article.status not in (ArticleStatus.DRAFT,):
        raise DomainError(f"文章当前为“{article.get_status_display()}”，请先退回或撤回再修改。")
    if not title.strip():
        raise DomainError("请填写标题。", field="title")
    if not intro.strip():
        raise DomainError("请填写导语。", field="intro")
    before = snapshot(article, ["title", "intro"])
    article.title, article.intro = title.strip(), intro.strip()
    article.search_tokens = search_tokens_for(article)
    article.save()
    audit_record(
        actor=actor,
        action="hotline.article_update",
        obj=article,
        before=before,
        after=snapshot(article, ["title", "intro"]),
    )
    return article


@transaction.atomic
def article_transition(*, actor: Any, article: Article, action: str) -> Article:
    """submit / approve / reject / publish / withdraw; approval by a leader, publishing only when approved."""
    if action in ("approve", "reject"):
        _require(actor, HotlineCapability.APPROVE, "审核节目文章")
    else:
        _require(actor, HotlineCapability.MANAGE, "发布节目文章")
    article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
    if action == "publish" and article.status != ArticleStatus.APPROVED:
        raise DomainError("文章尚未经领导审核通过，不能发布。请先提交审核。", code="not_approved")
    if (
        action == "submit"
        and not article.episode.issues.filter(in_article=True).exclude(outcome=Outcome.PENDING).exists()
    ):
        raise DomainError("文章中还没有任何问答，请先在节目中处理问题或勾选收入文章的问答。")
    before = article.status
    article.status = str(ARTICLE_MACHINE.check(article, action).target)
    now = timezone.now()
    if action == "approve":
        article.approved_by, article.approved_at = actor, now
    elif action == "publish":
        article.published_at = now
        article.search_tokens = search_tokens_for(article)
    elif action in ("reject", "withdraw"):
        article.approved_by, article.approved_at = None, None
        if action == "withdraw":
            article.published_at = None
    article.save()
    audit_record(
        actor=actor,
        action=f"hotline.article_{action}",
        obj=article,
        before={"status": before},
        after={"status": article.status},
    )
    return article


# --------------------------------------------------------------------------- evaluation rule


@transaction.atomic
def evaluation_rule_set(
    *, actor: Any, year: int, attendance: int, answered: int, on_time: int, satisfaction: int
) -> EvaluationRule:
    _require(actor, HotlineCapability.MANAGE, "设置上线评价规则")
    total = attendance + answered + on_time + satisfaction
    if min(attendance, answered, on_time, satisfaction) < 0 or total != 100:
        raise DomainError(f"四项权重之和应为 100 分，现为 {total} 分。", field="weight_attendance")
    rule, _ = EvaluationRule.objects.update_or_create(
        year=year,
        defaults={
            "weight_attendance": attendance,
            "weight_answered": answered,
            "weight_on_time": on_time,
            "weight_satisfaction": satisfaction,
        },
    )
    audit_record(actor=actor, action="hotline.evaluation_rule_set", obj=rule, after=snapshot(rule))
    return rule

"""Writes of 专项行动 and 目标任务: keyword-only, one transaction, permission and scope checked, audited."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.campaigns.capabilities import CAPABILITIES as CAP
from zhenwu.campaigns.choices import (
    CAMPAIGN_MACHINE,
    CYCLE_DAYS,
    MILESTONE_MACHINE,
    REPORT_MACHINE,
    CampaignStatus,
    Direction,
    MilestoneAction,
    MilestoneStatus,
    ReportAction,
    ReportCycle,
    TargetSource,
)
from zhenwu.campaigns.models import (
    AnnualTarget,
    Campaign,
    LeaderComment,
    Milestone,
    Objective,
    ProgressReport,
    RoadmapStep,
    TargetSnapshot,
)
from zhenwu.campaigns.progress import actual_progress
from zhenwu.core import parts
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.models import Attachment
from zhenwu.core.notify import notify
from zhenwu.core.selectors import get_work_calendar
from zhenwu.orgs.scope import user_has_capability

MAX_STEPS = 30
MAX_MILESTONES = 20


def _plain(value: Any) -> Any:
    """Audit before/after values as JSON-safe text (dates, decimals)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _require(actor: Any, capability: str, what: str) -> None:
    if not user_has_capability(actor, capability):
        raise PermissionDeniedError(f"您没有{what}的权限。")


def _changeable(model: type[Any], actor: Any, obj: Any) -> None:
    """Out of the actor's scope is 404; visible but read-only is 403."""
    if not model.objects.visible_to(actor, "view").filter(pk=obj.pk).exists():
        raise NotFoundError()
    if not model.objects.visible_to(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDeniedError("您对该记录只有查看权限。")


CAMPAIGN_FIELDS = [
    "title",
    "year",
    "summary",
    "leader_id",
    "leader_title",
    "lead_unit_id",
    "owner_name",
    "members",
    "start_date",
    "end_date",
    "report_cycle",
    "is_public",
    "status",
    "progress",
]


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise DomainError("完成时限不能早于开始日期。", field="end_date")


# ------------------------------------------------------------------------------------ campaigns


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    title: str,
    year: int,
    lead_unit: Any,
    units: Sequence[Any],
    owner_name: str,
    start_date: date,
    end_date: date,
    summary: str = "",
    leader: Any = None,
    leader_title: str = "",
    members: str = "",
    report_cycle: str = ReportCycle.BIWEEKLY,
    is_public: bool = False,
    plan_document: Attachment | None = None,
    is_sample: bool = False,
) -> Campaign:
    _require(actor, CAP.MANAGE, "建立专项行动")
    _check_period(start_date, end_date)
    if report_cycle not in ReportCycle.values:
        raise DomainError("请选择报送周期。", field="report_cycle")
    campaign = Campaign.objects.create(
        title=title.strip(),
        year=year,
        summary=summary,
        leader=leader,
        leader_title=leader_title,
        lead_unit=lead_unit,
        owner_name=owner_name,
        members=members,
        start_date=start_date,
        end_date=end_date,
        report_cycle=report_cycle,
        is_public=is_public,
        plan_document=plan_document,
        is_sample=is_sample,
    )
    campaign.units.set({lead_unit.pk, *(u.pk for u in units)})
    audit_record(
        actor=actor, action="campaign.create", obj=campaign, after=snapshot(campaign, CAMPAIGN_FIELDS)
    )
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Any, campaign: Campaign, units: Sequence[Any] | None = None, **fields: Any
) -> Campaign:
    _require(actor, CAP.MANAGE, "修改专项行动")
    _changeable(Campaign, actor, campaign)
    allowed = {
        "title", "year", "summary", "leader", "leader_title", "lead_unit", "owner_name",
        "members", "start_date", "end_date", "report_cycle", "is_public", "plan_document",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError("不能修改这些字段。")
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _check_period(campaign.start_date, campaign.end_date)
    campaign.save()
    if units is not None:
        campaign.units.set({campaign.lead_unit_id, *(u.pk for u in units)})
    else:
        campaign.units.add(campaign.lead_unit_id)
    if "end_date" in fields and campaign.steps.exists():
        _date_steps(campaign, list(campaign.steps.all()))
    audit_record(
        actor=actor,
        action="campaign.update",
        obj=campaign,
        before=before,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


@transaction.atomic
def campaign_transition(*, actor: Any, campaign: Campaign, action: str, note: str = "") -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _changeable(Campaign, actor, campaign)
    t = CAMPAIGN_MACHINE.get(action)
    if t.capability:
        _require(actor, t.capability, CAMPAIGN_MACHINE.action_label(action))
    CAMPAIGN_MACHINE.check(campaign, action)
    if t.needs_note and not note.strip():
        raise DomainError("请填写原因。", field="note")
    before = campaign.status
    campaign.status = t.target or campaign.status
    campaign.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=f"campaign.{action}",
        obj=campaign,
        before={"status": before},
        after={"status": campaign.status},
        message=note[:500],
    )
    return campaign


@dataclass(frozen=True)
class ObjectiveRow:
    title: str
    measure_unit: str
    baseline: Decimal
    target_value: Decimal
    direction: str = Direction.UP
    actual: Decimal | None = None


@transaction.atomic
def objectives_replace(*, actor: Any, campaign: Campaign, rows: Sequence[ObjectiveRow]) -> list[Objective]:
    _require(actor, CAP.MANAGE, "设置专项行动目标值")
    _changeable(Campaign, actor, campaign)
    for i, row in enumerate(rows, start=1):
        if not row.title.strip() or not row.measure_unit.strip():
            raise DomainError(f"第 {i} 个目标缺少名称或计量单位。", field="objectives")
        if row.direction not in Direction.values:
            raise DomainError(f"第 {i} 个目标的方向无效。", field="objectives")
    before = list(campaign.objectives.values("title", "target_value"))
    campaign.objectives.all().delete()
    created = [
        Objective.objects.create(
            campaign=campaign,
            title=r.title.strip(),
            measure_unit=r.measure_unit.strip(),
            baseline=r.baseline,
            target_value=r.target_value,
            direction=r.direction,
            actual=r.actual,
        )
        for r in rows
    ]
    audit_record(
        actor=actor,
        action="campaign.objectives",
        obj=campaign,
        before=_plain({"objectives": before}),
        after=_plain({"objectives": [{"title": o.title, "target_value": o.target_value} for o in created]}),
    )
    return created


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    due_date: date
    weight: int


@transaction.atomic
def milestones_replace(*, actor: Any, campaign: Campaign, rows: Sequence[MilestoneRow]) -> list[Milestone]:
    """时间表: set the milestones while the campaign is being planned; weights must sum to 100%."""
    _require(actor, CAP.MANAGE, "设置专项行动里程碑")
    _changeable(Campaign, actor, campaign)
    if campaign.status != CampaignStatus.PLANNING:
        raise DomainError(
            f"专项行动当前状态为「{campaign.get_status_display()}」，里程碑已锁定，不能再调整。",
            field="milestones",
        )
    if not rows:
        raise DomainError("请至少设置一个里程碑。", field="milestones")
    if len(rows) > MAX_MILESTONES:
        raise DomainError(f"里程碑最多 {MAX_MILESTONES} 个。", field="milestones")
    for i, row in enumerate(rows, start=1):
        if not row.title.strip():
            raise DomainError(f"第 {i} 个里程碑缺少名称。", field="milestones")
        if row.weight < 1 or row.weight > 100:
            raise DomainError(f"第 {i} 个里程碑“{row.title}”的权重应在 1–100 之间。", field="milestones")
        if not campaign.start_date <= row.due_date <= campaign.end_date:
            raise DomainError(
                f"第 {i} 个里程碑“{row.title}”的计划完成日期应在行动期内"
                f"（{campaign.start_date:%Y-%m-%d} 至 {campaign.end_date:%Y-%m-%d}）。",
                field="milestones",
            )
    total = sum(r.weight for r in rows)
    if total != 100:
        raise DomainError(f"里程碑权重合计为 {total}%，须正好为 100%。", field="milestones")
    before = list(campaign.milestones.values("title", "due_date", "weight"))
    campaign.milestones.all().delete()
    created = [
        Milestone.objects.create(
            campaign=campaign, title=r.title.strip(), due_date=r.due_date, weight=r.weight
        )
        for r in rows
    ]
    audit_record(
        actor=actor,
        action="campaign.milestones",
        obj=campaign,
        before=_plain({"milestones": before}),
        after=_plain(
            {"milestones": [{"title": m.title, "due_date": m.due_date, "weight": m.weight} for m in created]}
        ),
    )
    return created


@dataclass(frozen=True)
class StepRow:
    name: str
    days: int
    owner: str = ""


def _date_steps(campaign: Campaign, steps: list[RoadmapStep]) -> None:
    planned = get_work_calendar().plan_backward(campaign.end_date, [(s.name, s.days) for s in steps])
    for step, p in zip(steps, planned, strict=True):
        step.start, step.finish = p.start, p.finish
        step.save(update_fields=["start", "finish"])


@transaction.atomic
def roadmap_replace(*, actor: Any, campaign: Campaign, rows: Sequence[StepRow]) -> list[RoadmapStep]:
    """路线图: the steps in order, dated backward from the campaign's deadline (倒排节点)."""
    _require(actor, CAP.MANAGE, "设置专项行动路线图")
    _changeable(Campaign, actor, campaign)
    if not rows:
        raise DomainError("请至少填写一个步骤。", field="steps")
    if len(rows) > MAX_STEPS:
        raise DomainError(f"步骤最多 {MAX_STEPS} 个。", field="steps")
    for i, row in enumerate(rows, start=1):
        if not row.name.strip():
            raise DomainError(f"第 {i} 个步骤缺少名称。", field="steps")
    planned = get_work_calendar().plan_backward(campaign.end_date, [(r.name.strip(), r.days) for r in rows])
    campaign.steps.all().delete()
    created = [
        RoadmapStep.objects.create(
            campaign=campaign,
            position=i,
            name=p.name,
            owner=r.owner.strip(),
            days=r.days,
            start=p.start,
            finish=p.finish,
        )
        for i, (r, p) in enumerate(zip(rows, planned, strict=True), start=1)
    ]
    audit_record(
        actor=actor,
        action="campaign.roadmap",
        obj=campaign,
        after={"steps": [p.as_dict() for p in planned]},
    )
    return created


def _recompute(campaign: Campaign) -> Decimal:
    campaign.progress = actual_progress(list(campaign.milestones.all()))
    return campaign.progress


# ------------------------------------------------------------------------------------ reports


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    campaign: Campaign,
    text: str,
    milestone_progress: dict[int, int],
    problems: str = "",
    attachments: Sequence[Attachment] = (),
    client_token: str = "",
    is_sample: bool = False,
) -> ProgressReport:
    """A periodic progress report: milestone progress moves forward, the campaign's progress follows."""
    _require(actor, CAP.REPORT, "报送专项行动进展")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _changeable(Campaign, actor, campaign)
    if client_token:
        existing = ProgressReport.objects.filter(campaign=campaign, client_token=client_token).first()
        if existing is not None:
            return existing  # the same form sent twice (double tap, retry after a network drop)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("专项行动已结束，不能再报送进展。如需继续推进，请先由牵头部门重新启动。")
    if campaign.status != CampaignStatus.ACTIVE:
        raise DomainError(f"专项行动当前状态为「{campaign.get_status_display()}」，启动推进后才能报送进展。")
    text = (text or "").strip()
    if len(text) < 10:
        raise DomainError("请填写本期工作进展（至少 10 个字）。", field="text")
    milestones = {m.pk: m for m in campaign.milestones.select_for_update()}
    changes = []
    for pk, value in milestone_progress.items():
        m = milestones.get(pk)
        if m is None:
            raise DomainError("里程碑不属于该专项行动，请刷新页面后重试。", field="milestones")
        if not 0 <= value <= 100:
            raise DomainError(f"里程碑“{m.title}”的进度应在 0–100 之间。", field="milestones")
        if value == m.progress:
            continue
        if value < m.progress:
            raise DomainError(f"里程碑“{m.title}”的进度不能低于已报送的 {m.progress}%。", field="milestones")
        action = MilestoneAction.COMPLETE if value == 100 else MilestoneAction.PROGRESS
        t = MILESTONE_MACHINE.check(m, action)
        changes.append({"milestone": m.pk, "title": m.title, "from": m.progress, "to": value})
        m.progress = value
        m.status = t.target or m.status
        if m.status == MilestoneStatus.DONE:
            m.completed_on = timezone.localdate()
        m.save(update_fields=["progress", "status", "completed_on"])
    before = campaign.progress
    after = actual_progress(list(milestones.values()))
    unit = _reporting_unit(actor, campaign)
    report = ProgressReport.objects.create(
        campaign=campaign,
        unit=unit,
        reported_by=actor,
        text=text,
        problems=(problems or "").strip(),
        progress_before=before,
        progress_after=after,
        milestone_changes=changes,
        client_token=client_token[:40],
        is_sample=is_sample,
    )
    if attachments:
        report.attachments.set(attachments)
    campaign.progress = after
    campaign.last_report_at = timezone.now()
    campaign.save(update_fields=["progress", "last_report_at", "updated_at"])
    audit_record(
        actor=actor,
        action="campaign.report",
        obj=report,
        after=_plain({"progress_before": before, "progress_after": after, "milestones": changes}),
        extra={"attachments": [a.pk for a in attachments]},
    )
    if campaign.leader_id:
        notify(
            channel="inbox",
            user=campaign.leader,
            subject=f"专项行动“{campaign.title}”报送了新进展",
            body=f"{unit.name}报送：{text[:60]}（进度 {before}% → {after}%）",
            link=reverse("campaigns:report_detail", args=[report.pk]),
            obj=report,
        )
    return report


def _reporting_unit(actor: Any, campaign: Campaign) -> Any:
    """The actor's unit among the campaign's units (the lead unit when the actor reports for the town)."""
    from zhenwu.orgs.models import Membership

    unit_ids = set(campaign.units.values_list("pk", flat=True))
    for m in Membership.objects.filter(user=actor, is_active=True).select_related("unit"):
        if m.unit_id in unit_ids:
            return m.unit
    return campaign.lead_unit


@transaction.atomic
def report_review(*, actor: Any, report: ProgressReport, text: str) -> LeaderComment:
    """领导审阅: the leader's comment on a report; the report is marked reviewed."""
    t = REPORT_MACHINE.check(report, ReportAction.REVIEW)
    if t.capability:
        _require(actor, t.capability, "审阅专项行动进展")
    if not ProgressReport.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotFoundError()
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写批示内容。", field="text")
    comment = LeaderComment.objects.create(
        campaign=report.campaign, report=report, author=actor, text=text[:2000]
    )
    report.status = t.target or report.status
    report.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="campaign.report_review", obj=report, after={"comment": text[:200]})
    notify(
        channel="inbox",
        unit=report.unit,
        subject=f"领导批示：{report.campaign.title}",
        body=text[:200],
        link=reverse("campaigns:report_detail", args=[report.pk]),
        obj=report,
    )
    return comment


@transaction.atomic
def campaign_comment(*, actor: Any, campaign: Campaign, text: str) -> LeaderComment:
    _require(actor, CAP.COMMENT, "批示专项行动")
    if not Campaign.objects.visible_to(actor).filter(pk=campaign.pk).exists():
        raise NotFoundError()
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写批示内容。", field="text")
    comment = LeaderComment.objects.create(campaign=campaign, author=actor, text=text[:2000])
    audit_record(actor=actor, action="campaign.comment", obj=campaign, after={"comment": text[:200]})
    notify(
        channel="inbox",
        unit=campaign.lead_unit,
        subject=f"领导批示：{campaign.title}",
        body=text[:200],
        link=campaign.get_absolute_url(),
        obj=campaign,
    )
    return comment


def remind_late_reports(*, today: date | None = None) -> int:
    """Beat: remind the lead unit of each active campaign whose report is overdue for its cycle (once a day)."""
    from zhenwu.core.actors import SYSTEM

    today = today or timezone.localdate()
    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE).select_related("lead_unit"):
        last = timezone.localdate(campaign.last_report_at) if campaign.last_report_at else campaign.start_date
        due = last.toordinal() + CYCLE_DAYS[ReportCycle(campaign.report_cycle)]
        if today.toordinal() <= due or campaign.last_reminded_on == today:
            continue
        with transaction.atomic():
            notify(
                channel="inbox",
                unit=campaign.lead_unit,
                subject=f"专项行动“{campaign.title}”进展逾期未报",
                body=f"按{campaign.get_report_cycle_display()}报送的要求，上次报送为 {last:%Y-%m-%d}，请尽快报送进展。",
                link=campaign.get_absolute_url(),
                obj=campaign,
            )
            campaign.last_reminded_on = today
            campaign.save(update_fields=["last_reminded_on"])
            audit_record(actor=SYSTEM, action="campaign.remind", obj=campaign, extra={"last_report": last})
        sent += 1
    return sent


# ------------------------------------------------------------------------------------ targets


def parse_decimal(value: Any, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}应为数字。", field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise DomainError(f"{label}超出范围。", field=field)
    return number


TARGET_FIELDS = [
    "unit_id",
    "year",
    "title",
    "measure_unit",
    "target_value",
    "direction",
    "source",
    "metric_key",
]


@transaction.atomic
def target_create(
    *,
    actor: Any,
    unit: Any,
    year: int,
    title: str,
    measure_unit: str,
    target_value: Decimal,
    source: str = TargetSource.MANUAL,
    metric_key: str = "",
    direction: str = Direction.UP,
    category: str = "",
    note: str = "",
    is_sample: bool = False,
) -> AnnualTarget:
    _require(actor, CAP.MANAGE_TARGETS, "下达目标任务")
    from zhenwu.orgs.models import Unit

    if not Unit.objects.visible_to(actor, "change").filter(pk=unit.pk).exists():
        raise NotFoundError("责任单位不存在或不在您的数据范围内。")
    if target_value <= 0:
        raise DomainError("年度目标值应大于 0。", field="target_value")
    if source not in TargetSource.values:
        raise DomainError("请选择完成值来源。", field="source")
    if source == TargetSource.METRIC:
        parts.metric(metric_key)  # a Chinese DomainError for a key nobody registered
    else:
        metric_key = ""
    if AnnualTarget.objects.filter(unit=unit, year=year, title=title.strip()).exists():
        raise DomainError(f"{unit.name} {year} 年已有同名目标任务“{title}”。", field="title")
    target = AnnualTarget.objects.create(
        unit=unit,
        year=year,
        title=title.strip(),
        category=category,
        measure_unit=measure_unit.strip(),
        target_value=target_value,
        direction=direction,
        source=source,
        metric_key=metric_key,
        note=note,
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="target.create", obj=target, after=snapshot(target, TARGET_FIELDS))
    return target


@transaction.atomic
def target_enter_actual(
    *, actor: Any, target: AnnualTarget, value: Decimal, note: str, evidence: Sequence[Attachment]
) -> AnnualTarget:
    """Enter the actual of a target whose figure no part holds, with evidence (a file and a note)."""
    _require(actor, CAP.MANAGE_TARGETS, "填报目标任务完成值")
    _changeable(AnnualTarget, actor, target)
    if target.source == TargetSource.METRIC:
        raise DomainError("该目标任务的完成值由系统指标自动读取，不能手工填报。", field="value")
    if value < 0:
        raise DomainError("完成值不能为负数。", field="value")
    if not (note or "").strip():
        raise DomainError("请填写完成情况说明。", field="note")
    if not evidence and not target.evidence.exists():
        raise DomainError("请上传佐证材料（照片、PDF 或表格）。", field="evidence")
    before = {"manual_actual": target.manual_actual}
    target.manual_actual = value
    target.evidence_note = note.strip()[:300]
    target.actual_entered_at = timezone.now()
    target.save(update_fields=["manual_actual", "evidence_note", "actual_entered_at", "updated_at"])
    if evidence:
        target.evidence.add(*evidence)
    audit_record(
        actor=actor,
        action="target.actual",
        obj=target,
        before=_plain(before),
        after=_plain({"manual_actual": value}),
        extra={"evidence": [a.pk for a in evidence]},
    )
    return target


def quarter_end(year: int, quarter: int) -> date:
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)][quarter - 1]


@transaction.atomic
def snapshots_freeze(*, today: date | None = None) -> int:
    """Beat: freeze each target's actual at every quarter end passed and not frozen yet (never rewritten)."""
    from zhenwu.campaigns.selectors import target_figures
    from zhenwu.core.actors import SYSTEM

    today = today or timezone.localdate()
    frozen = 0
    for target in AnnualTarget.objects.filter(year__lte=today.year).select_related("unit"):
        done = set(target.snapshots.values_list("quarter", flat=True))
        for quarter in range(1, 5):
            end = quarter_end(target.year, quarter)
            if quarter in done or end >= today:
                continue
            fig = target_figures(target, until=end)
            TargetSnapshot.objects.create(
                target=target, quarter=quarter, actual=fig.actual, completion=fig.percent
            )
            frozen += 1
    if frozen:
        audit_record(
            actor=SYSTEM,
            action="target.snapshots",
            object_type="campaigns.targetsnapshot",
            extra={"frozen": frozen},
        )
    return frozen

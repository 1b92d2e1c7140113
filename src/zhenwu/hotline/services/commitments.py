"""Commitments made on air (承诺事项): creation, progress reports, transitions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError
from zhenwu.core.models import Attachment
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    COMMITMENT_MACHINE,
    CommitmentStatus,
    Outcome,
)
from zhenwu.hotline.models import (
    Commitment,
    Episode,
    ListenerIssue,
    Milestone,
    ProgressReport,
)
from zhenwu.hotline.services._common import _changeable, _require, _today
from zhenwu.hotline.services.questions import _next_show_order, _require_open_outcome
from zhenwu.orgs.models import Unit

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
        text=note.strip() or COMMITMENT_MACHINE.action_label(action),
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

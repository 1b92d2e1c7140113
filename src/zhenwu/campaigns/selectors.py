"""Reads of 专项行动 and 目标任务, always scoped to the reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from zhenwu.campaigns.choices import CampaignStatus, Direction, TargetSource
from zhenwu.campaigns.models import AnnualTarget, Campaign, Milestone, ProgressReport
from zhenwu.campaigns.progress import Completion, RagStatus, completion, rag_status
from zhenwu.core import parts
from zhenwu.core.errors import DomainError
from zhenwu.orgs.choices import DataScope
from zhenwu.orgs.scope import user_grants


def is_staff_member(user: Any) -> bool:
    return any(g.scope != DataScope.SELF for g in user_grants(user))


def campaign_rag(campaign: Campaign, today: date | None = None) -> RagStatus:
    today = today or timezone.localdate()
    return rag_status(
        list(campaign.milestones.all()),
        campaign.start_date,
        today,
        closed=campaign.status == CampaignStatus.CLOSED,
    )


def campaign_list(*, user: Any, year: int | None = None, status: str = "", rag: str = "") -> list[Campaign]:
    """The campaigns in the reader's scope with their RAG status attached (``c.rag``)."""
    qs: QuerySet[Campaign] = (
        Campaign.objects.visible_to(user)
        .select_related("lead_unit", "leader")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")))
    )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    rows = []
    for c in qs:
        c.rag = campaign_rag(c, today)  # type: ignore[attr-defined]
        if not rag or c.rag.colour == rag:  # type: ignore[attr-defined]
            rows.append(c)
    return rows


def public_campaigns() -> list[Campaign]:
    qs = (
        Campaign.objects.filter(is_public=True)
        .exclude(status=CampaignStatus.PLANNING)
        .select_related("lead_unit")
        .prefetch_related("milestones")
    )
    today = timezone.localdate()
    rows = list(qs)
    for c in rows:
        c.rag = campaign_rag(c, today)  # type: ignore[attr-defined]
    return rows


def report_list(*, user: Any, campaign: Campaign | None = None) -> QuerySet[ProgressReport]:
    qs = ProgressReport.objects.visible_to(user).select_related("campaign", "unit", "reported_by")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.prefetch_related("attachments", "comments__author")


def reports_to_review(*, user: Any) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.visible_to(user).filter(status="submitted")


def campaigns_late_for_report(*, user: Any) -> list[Campaign]:
    from zhenwu.campaigns.choices import CYCLE_DAYS, ReportCycle

    today = timezone.localdate()
    late = []
    for c in Campaign.objects.visible_to(user, "change").filter(status=CampaignStatus.ACTIVE):
        last = timezone.localdate(c.last_report_at) if c.last_report_at else c.start_date
        if (today - last).days > CYCLE_DAYS[ReportCycle(c.report_cycle)]:
            late.append(c)
    return late


# ------------------------------------------------------------------------------------ targets


@dataclass(frozen=True)
class TargetFigures:
    actual: Decimal | None
    percent: Decimal | None
    label: str
    exceeded: bool
    source_label: str
    error: str = ""


def metric_value(target: AnnualTarget, *, until: date | None = None) -> Decimal | None:
    """The target's actual read live from the registered metric, over the year up to today (or ``until``)."""
    metric = parts.metric(target.metric_key)
    start = date(target.year, 1, 1)
    end = min(date(target.year, 12, 31), until or timezone.localdate())
    values = metric.compute([target.unit], start, end)
    value = values.get(target.unit.pk)
    if value is None:
        return None
    number = Decimal(str(value))
    if metric.ratio:
        number *= 100
    return number.quantize(Decimal("0.01"))


def target_figures(target: AnnualTarget, *, until: date | None = None) -> TargetFigures:
    error = ""
    if target.source == TargetSource.METRIC:
        try:
            metric = parts.metric(target.metric_key)
            actual = metric_value(target, until=until)
            source_label = f"系统指标：{metric.label}"
        except DomainError as exc:
            actual, source_label, error = None, "系统指标（已不存在）", exc.message
    else:
        actual = target.manual_actual
        source_label = "填报（附佐证）"
    c: Completion = completion(target.target_value, actual, higher_is_better=target.direction == Direction.UP)
    return TargetFigures(c.actual, c.percent, c.label, c.exceeded, source_label, error)


def target_list(*, user: Any, year: int | None = None, unit: Any = None) -> list[AnnualTarget]:
    qs = AnnualTarget.objects.visible_to(user).select_related("unit").prefetch_related("snapshots")
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    rows = list(qs)
    for t in rows:
        t.figures = target_figures(t)  # type: ignore[attr-defined]
        t.quarters = {s.quarter: s for s in t.snapshots.all()}  # type: ignore[attr-defined]
    return rows


def target_years(*, user: Any) -> list[int]:
    return sorted(set(AnnualTarget.objects.visible_to(user).values_list("year", flat=True)), reverse=True)

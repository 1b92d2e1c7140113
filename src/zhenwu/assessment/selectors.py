"""Reads of the assessment part, always scoped to the reader."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from zhenwu.assessment.choices import (
    BulletinStatus,
    FindingStatus,
    ObjectionStatus,
    RectificationStatus,
    ResultCategory,
    TaskStatus,
)
from zhenwu.assessment.models import (
    AssessmentMonth,
    Bulletin,
    Finding,
    Indicator,
    MeetingDecision,
    MonthlyResult,
    Objection,
    Scheme,
)
from zhenwu.assessment.scoring import ASSESSED_KINDS
from zhenwu.orgs.choices import DataScope
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import user_grants


def is_staff_member(user: Any) -> bool:
    """Town, department and village staff: anyone holding a unit-anchored scope (not a citizen's 仅本人)."""
    return any(g.scope != DataScope.SELF for g in user_grants(user))


def current_scheme(today: date) -> Scheme | None:
    return Scheme.objects.filter(year__lte=today.year).order_by("-year").first()


def finding_list(
    *, user: Any, month: AssessmentMonth | None = None, unit: Unit | None = None
) -> QuerySet[Finding]:
    qs = Finding.objects.visible_to(user).select_related("unit", "indicator__item", "month", "inspector")
    if month is not None:
        qs = qs.filter(month=month)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.prefetch_related("photos")


def objection_list(*, user: Any, status: str | None = None) -> QuerySet[Objection]:
    qs = Objection.objects.visible_to(user).select_related(
        "finding__indicator__item", "finding__month", "unit", "submitted_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def pending_objection_count(*, user: Any) -> int:
    return objection_list(user=user, status=ObjectionStatus.SUBMITTED).count()


def rectification_due(*, user: Any) -> QuerySet[Finding]:
    return finding_list(user=user).filter(
        status=FindingStatus.ACTIVE, rectification=RectificationStatus.REQUIRED
    )


def rectification_to_verify(*, user: Any) -> QuerySet[Finding]:
    return finding_list(user=user).filter(
        status=FindingStatus.ACTIVE, rectification=RectificationStatus.SUBMITTED
    )


def result_list(
    *, user: Any, month: AssessmentMonth, category: str = ResultCategory.AREA
) -> QuerySet[MonthlyResult]:
    return (
        MonthlyResult.objects.visible_to(user).filter(month=month, category=category).select_related("unit")
    )


def public_results(month: AssessmentMonth) -> QuerySet[MonthlyResult]:
    """The public page reads results of months whose bulletin a leader approved; no scope applies."""
    return MonthlyResult.objects.filter(month=month, category=ResultCategory.AREA).select_related("unit")


def published_months() -> QuerySet[AssessmentMonth]:
    return AssessmentMonth.objects.filter(bulletin__status=BulletinStatus.APPROVED).order_by("-month")


def assessed_units(*, user: Any) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(kind__in=ASSESSED_KINDS, is_active=True).order_by("code")


def manual_indicators(scheme: Scheme) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(item__scheme=scheme, source="manual")
        .select_related("item")
        .order_by("item__sort_order", "sort_order", "id")
    )


def open_tasks(*, user: Any) -> QuerySet[MeetingDecision]:
    return (
        MeetingDecision.objects.visible_to(user)
        .filter(status=TaskStatus.OPEN, unit__isnull=False)
        .select_related("meeting", "unit")
    )


def trend(*, user: Any, unit: Unit, year: int) -> list[MonthlyResult]:
    return list(
        MonthlyResult.objects.visible_to(user)
        .filter(unit=unit, category=ResultCategory.AREA, month__month__year=year)
        .select_related("month")
        .order_by("month__month")
    )


def bulletin_for(month: AssessmentMonth) -> Bulletin | None:
    return Bulletin.objects.filter(month=month).first()


def item_score_matrix(*, scheme: Scheme, codes: list[str]) -> list[list[float]]:
    """Item scores of every village and community in the scheme's closed months (rows), for the entropy method."""
    rows = []
    for items in MonthlyResult.objects.filter(
        month__scheme=scheme, month__status="closed", category=ResultCategory.AREA
    ).values_list("items", flat=True):
        rows.append([float(items.get(code, {}).get("score", 0)) for code in codes])
    return rows


def close_blockers(month: AssessmentMonth, today: date) -> list[tuple[Finding, str]]:
    """Findings that keep the month from closing: a pending objection, or still inside the objection
    window (the unit may yet object). Cancelled findings never block."""
    from zhenwu.assessment.choices import FindingStatus, ObjectionStatus

    findings = (
        Finding.objects.filter(month=month, status=FindingStatus.ACTIVE)
        .select_related("unit", "indicator")
        .order_by("objection_deadline", "id")
    )
    pending = set(
        Objection.objects.filter(finding__month=month, status=ObjectionStatus.SUBMITTED).values_list(
            "finding_id", flat=True
        )
    )
    out: list[tuple[Finding, str]] = []
    for f in findings.filter(Q(pk__in=pending) | Q(objection_deadline__gte=today)):
        if f.pk in pending:
            out.append((f, "有待审核的申诉"))
        else:
            out.append((f, f"仍在申诉期内（截止 {f.objection_deadline:%Y-%m-%d}）"))
    return out

"""Reads of the dispatch part. The catalogue and the accuracy figures are town-wide configuration
and statistics: pages gate them by the `dispatch.manage` capability rather than by data scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth

from zhenwu.dispatch.models import CatalogueEntry, ClassifierModel, DispatchDecision
from zhenwu.orgs.choices import UnitType


def catalogue_list(*, user: Any, q: str = "", unit_type: str = "") -> QuerySet[CatalogueEntry]:
    type_order = Case(
        *(When(unit_type=code, then=Value(i)) for i, code in enumerate(UnitType.values)),
        default=Value(len(UnitType.values)),
        output_field=IntegerField(),
    )
    entries = CatalogueEntry.objects.select_related("unit").order_by(type_order, "id")
    if unit_type:
        entries = entries.filter(unit_type=unit_type)
    if q:
        entries = entries.filter(
            Q(title__icontains=q)
            | Q(responsibilities__icontains=q)
            | Q(keywords__icontains=q)
            | Q(synonyms__icontains=q)
        )
    return entries


def classifier_current() -> ClassifierModel | None:
    return ClassifierModel.objects.defer("blob").order_by("-trained_at", "-id").first()


def classifier_history(limit: int = 5) -> list[ClassifierModel]:
    return list(ClassifierModel.objects.defer("blob").order_by("-trained_at", "-id")[:limit])


@dataclass(frozen=True)
class AccuracyRow:
    month: Any
    total: int
    first: int
    top3: int

    @property
    def first_rate(self) -> float:
        return self.first / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def decision_accuracy(*, decisions: QuerySet[DispatchDecision] | None = None) -> list[AccuracyRow]:
    """Per month: decisions, how often the chosen unit type was suggested first and within the top 3."""
    qs = DispatchDecision.objects.all() if decisions is None else decisions
    rows = (
        qs.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            total=Count("id"),
            first=Count("id", filter=Q(type_rank=1)),
            top3=Count("id", filter=Q(type_rank__lte=3)),
        )
        .order_by("-month")
    )
    return [AccuracyRow(r["month"], r["total"], r["first"], r["top3"]) for r in rows]


def decision_totals(rows: list[AccuracyRow]) -> AccuracyRow:
    return AccuracyRow(
        None, sum(r.total for r in rows), sum(r.first for r in rows), sum(r.top3 for r in rows)
    )


def recent_decisions(limit: int = 20) -> QuerySet[DispatchDecision]:
    return DispatchDecision.objects.select_related("chosen_unit", "actor").order_by("-created_at")[:limit]

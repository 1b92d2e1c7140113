"""Figures of the enterprises part other parts read by key (annual targets, the 驾驶舱)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from zhenwu.core.parts import Metric
from zhenwu.enterprises.choices import HighTechStatus
from zhenwu.enterprises.models import Diagnosis, HighTechRecord, TechSmeRecord


def _per_unit(units: Sequence[Any], qs: QuerySet[Any], lookup: str) -> dict[int, float | None]:
    """Distinct enterprises of ``qs`` located in each unit or below it (the town unit: all)."""
    out: dict[int, float | None] = {}
    for unit in units:
        rows = qs.filter(**{f"{lookup}__path__startswith": unit.path})
        out[unit.pk] = float(rows.values("enterprise_id").distinct().count())
    return out


def valid_hightech(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    qs = HighTechRecord.objects.filter(
        status=HighTechStatus.CERTIFIED, issued_on__lte=end, expires_on__gte=end
    )
    return _per_unit(units, qs, "enterprise__unit")


def hightech_certified(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    qs = HighTechRecord.objects.filter(status=HighTechStatus.CERTIFIED, issued_on__range=(start, end))
    return _per_unit(units, qs, "enterprise__unit")


def techsme_registered(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    qs = TechSmeRecord.objects.filter(registered_on__range=(start, end))
    return _per_unit(units, qs, "enterprise__unit")


def diagnoses_done(units: Sequence[Any], start: date, end: date) -> dict[int, float | None]:
    qs = Diagnosis.objects.filter(Q(diagnosed_on__range=(start, end)))
    return _per_unit(units, qs, "enterprise__unit")


METRICS = [
    Metric(
        key="enterprises.hightech_valid",
        label="有效高企数",
        unit="家",
        definition="期末持有有效高新技术企业证书（发证之日起三年内）的企业数。",
        higher_is_better=True,
        compute=valid_hightech,
    ),
    Metric(
        key="enterprises.hightech_certified",
        label="高企认定数",
        unit="家",
        definition="期内发证的高新技术企业数（含到期重新认定）。",
        higher_is_better=True,
        compute=hightech_certified,
    ),
    Metric(
        key="enterprises.techsme_registered",
        label="科小入库数",
        unit="家",
        definition="期内取得科技型中小企业入库编号的企业数。",
        higher_is_better=True,
        compute=techsme_registered,
    ),
    Metric(
        key="enterprises.diagnoses",
        label="智改数转诊断数",
        unit="家",
        definition="期内完成智能化改造数字化转型诊断的企业数。",
        higher_is_better=True,
        compute=diagnoses_done,
    ),
]

"""Reads of the enterprises part, scoped to the reader, and the year's figures computed from records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from zhenwu.enterprises.capabilities import CAPABILITIES as CAP
from zhenwu.enterprises.choices import HighTechStatus, TalentProgramme, TargetKey
from zhenwu.enterprises.models import (
    Attraction,
    Diagnosis,
    Enterprise,
    HighTechRecord,
    Partnership,
    Talent,
    TechSmeRecord,
    YearTarget,
)
from zhenwu.enterprises.precheck import PRECHECKS, PrecheckInputError, PrecheckResult
from zhenwu.orgs.scope import user_has_capability

APPLIED_STATES = [HighTechStatus.APPLIED, HighTechStatus.CERTIFIED, HighTechStatus.REJECTED]

NET_INCREASE_DEFINITION = (
    "净增高企数 = 年末有效高企数 − 上年末有效高企数 = 年内新认定的企业数（不含到期重新认定）"
    " − 年内证书到期且未重新认定的企业数。高企证书自发证之日起三年内有效。"
)


def can_view(user: Any) -> bool:
    return user_has_capability(user, CAP.VIEW)


def can_manage(user: Any) -> bool:
    return user_has_capability(user, CAP.MANAGE)


def enterprise_list(
    *, user: Any, q: str = "", unit_id: int | None = None, above_scale: bool | None = None
) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.visible_to(user).select_related("unit")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if above_scale is not None:
        qs = qs.filter(above_scale=above_scale)
    return qs


def _scoped(model: Any, user: Any | None) -> QuerySet[Any]:
    return model.objects.all() if user is None else model.objects.visible_to(user)


def valid_hightech_ids(day: date, *, user: Any | None = None) -> set[int]:
    """Enterprises holding a valid 高企 certificate on ``day``."""
    qs = _scoped(HighTechRecord, user).filter(
        status=HighTechStatus.CERTIFIED, issued_on__lte=day, expires_on__gte=day
    )
    return set(qs.values_list("enterprise_id", flat=True))


@dataclass
class YearFigures:
    year: int
    sets: dict[str, set[int]] = field(default_factory=dict)  # figure key -> enterprise ids behind it
    targets: dict[str, int | None] = field(default_factory=dict)
    talents: dict[str, int] = field(default_factory=dict)
    iur_amount_wan: Decimal = Decimal(0)
    green_zone_applied: int = 0
    renewals: int = 0

    def count(self, key: str) -> int:
        return len(self.sets.get(key, set()))

    @property
    def net_increase(self) -> int:
        return self.count("hightech_new") - self.count("hightech_lapsed")

    def as_json(self) -> dict[str, Any]:
        amount = self.iur_amount_wan
        return {
            "hightech_applied": self.count("hightech_applied"),
            "hightech_certified": self.count("hightech_certified"),
            "hightech_net_increase": self.net_increase,
            "hightech_valid": self.count("hightech_valid"),
            "techsme_registered": self.count("techsme_registered"),
            "techsme_target": self.targets.get(TargetKey.TECHSME),
            "sme_attracted": self.count("sme_attracted"),
            "sme_attracted_target": self.targets.get(TargetKey.SME_ATTRACTED),
            "sme_city_filed": self.count("sme_city_filed"),
            "talents": self.talents,
            "iur_agreements": self.count("iur_agreements_n"),
            "iur_amount_wan": int(amount) if amount == amount.to_integral_value() else float(amount),
            "diagnoses": self.count("diagnoses"),
        }


def year_figures(year: int, *, user: Any | None = None) -> YearFigures:
    """Every figure of the year, from records (``user`` None: the whole town, for the command)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    fig = YearFigures(year=year)
    ht = _scoped(HighTechRecord, user).filter(year=year)
    applied = ht.filter(status__in=APPLIED_STATES)
    fig.sets["hightech_applied"] = set(applied.values_list("enterprise_id", flat=True))
    fig.green_zone_applied = applied.filter(enterprise__in_green_zone=True).count()
    certified = ht.filter(status=HighTechStatus.CERTIFIED)
    fig.sets["hightech_certified"] = set(certified.values_list("enterprise_id", flat=True))
    fig.renewals = certified.filter(is_renewal=True).count()
    valid_end = valid_hightech_ids(end, user=user)
    valid_before = valid_hightech_ids(date(year - 1, 12, 31), user=user)
    fig.sets["hightech_valid"] = valid_end
    fig.sets["hightech_new"] = valid_end - valid_before
    fig.sets["hightech_lapsed"] = valid_before - valid_end
    fig.sets["techsme_registered"] = set(
        _scoped(TechSmeRecord, user).filter(year=year).values_list("enterprise_id", flat=True)
    )
    attracted = _scoped(Attraction, user).filter(year=year)
    fig.sets["sme_attracted"] = set(attracted.values_list("enterprise_id", flat=True))
    fig.sets["sme_city_filed"] = set(
        attracted.filter(city_filed_on__isnull=False).values_list("enterprise_id", flat=True)
    )
    talents = _scoped(Talent, user).filter(year=year)
    labels = dict(TalentProgramme.choices)
    counts = dict(talents.values_list("programme").annotate(n=Count("id")).values_list("programme", "n"))
    fig.talents = {label: counts[code] for code, label in labels.items() if counts.get(code)}
    fig.sets["talents"] = set(talents.values_list("enterprise_id", flat=True))
    iur = _scoped(Partnership, user).filter(signed_on__range=(start, end))
    fig.sets["iur_agreements"] = set(iur.values_list("enterprise_id", flat=True))
    fig.sets["iur_agreements_n"] = set(iur.values_list("id", flat=True))
    fig.iur_amount_wan = iur.aggregate(s=Sum("amount_wan"))["s"] or Decimal(0)
    diag = _scoped(Diagnosis, user).filter(diagnosed_on__range=(start, end))
    fig.sets["diagnoses"] = set(diag.values_list("enterprise_id", flat=True))
    fig.targets = dict(YearTarget.objects.filter(year=year).values_list("key", "value"))
    return fig


FIGURE_LABELS = {
    "hightech_applied": "申报高企",
    "hightech_certified": "通过认定",
    "hightech_new": "新认定（计入净增）",
    "hightech_lapsed": "到期未重新认定",
    "hightech_valid": "年末有效高企",
    "techsme_registered": "科技型中小企业入库",
    "sme_attracted": "招引科技型中小微企业",
    "sme_city_filed": "通过市科技局备案",
    "talents": "人才项目入选企业",
    "iur_agreements": "签订产学研协议的企业",
    "diagnoses": "完成智改数转诊断",
}


def figure_enterprises(*, user: Any, year: int, key: str) -> QuerySet[Enterprise]:
    ids = year_figures(year, user=user).sets.get(key, set())
    return Enterprise.objects.visible_to(user).filter(pk__in=ids).select_related("unit")


def enterprise_history(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "hightech": enterprise.hightech.all().order_by("-year"),
        "techsme": enterprise.techsme.all(),
        "attractions": enterprise.attractions.all(),
        "talents": enterprise.talents.all(),
        "partnerships": enterprise.partnerships.all(),
        "honours": enterprise.honours.all(),
        "diagnoses": enterprise.diagnoses.select_related("rule").all(),
        "projects": enterprise.projects.prefetch_related("nodes").all(),
        "events": enterprise.invites.select_related("event").order_by("-event__held_on"),
        "visits": enterprise.visits.select_related("visitor"),
    }


def run_precheck(enterprise: Enterprise, kind: str) -> tuple[PrecheckResult | None, str]:
    """The pre-check on the enterprise's stored figures, or the Chinese reason it cannot run."""
    data = getattr(enterprise, f"{kind}_profile") or {}
    if not data:
        return None, "尚未填报预检所需的数据。"
    try:
        return PRECHECKS[kind](data), ""
    except PrecheckInputError as exc:
        return None, exc.message


def cultivation_pool(*, user: Any, year: int) -> QuerySet[HighTechRecord]:
    return (
        HighTechRecord.objects.visible_to(user)
        .filter(year=year, status=HighTechStatus.CULTIVATING)
        .select_related("enterprise", "enterprise__unit")
        .order_by("enterprise__name")
    )


def expiring_certificates(*, user: Any, today: date, days: int = 90) -> QuerySet[HighTechRecord]:
    from datetime import timedelta

    return HighTechRecord.objects.visible_to(user).filter(
        status=HighTechStatus.CERTIFIED, expires_on__range=(today, today + timedelta(days=days))
    )


def latest_figure_year(*, default: int) -> int:
    """The latest year with a 高企 application decided: the year page opens there."""
    year = (
        HighTechRecord.objects.filter(status__in=[HighTechStatus.CERTIFIED, HighTechStatus.REJECTED])
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return int(year) if year else default

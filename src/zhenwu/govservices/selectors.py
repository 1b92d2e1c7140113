"""Reads of 小牛办, always scoped to the person: a station or grid sees its delegated items and its applications."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhenwu.govservices.capabilities import CAPABILITIES as CAP
from zhenwu.govservices.choices import RectificationStatus, Status
from zhenwu.govservices.models import (
    Application,
    Bundle,
    Licence,
    Rectification,
    ServiceItem,
    Submission,
    open_q,
)
from zhenwu.orgs.choices import UnitKind
from zhenwu.orgs.models import Membership, Unit
from zhenwu.orgs.scope import access_of, user_has_capability


def is_staff_member(user: Any) -> bool:
    return bool(access_of(user).grants) and any(
        user_has_capability(user, c) for c in (CAP.INTAKE, CAP.REVIEW, CAP.RECTIFY, CAP.SUPERVISE, CAP.REVOKE)
    )


def intake_units(user: Any) -> list[Unit]:
    """Where this person may take applications: their own units, plus the hall and every station for town-wide staff."""
    if not user_has_capability(user, CAP.INTAKE):
        return []
    own = [
        m.unit
        for m in Membership.objects.filter(
            user_id=user.pk, is_active=True, role__can_write=True, unit__is_active=True
        )
        .select_related("unit")
        .order_by("-unit__depth")
        if CAP.INTAKE in m.role.capabilities
    ]
    changeable = Unit.objects.visible_to(user, "change").filter(
        Q(kind__in=[UnitKind.STATION, UnitKind.GRID]) | Q(code__endswith="-BMFW"), is_active=True
    )
    seen: dict[int, Unit] = {u.pk: u for u in own if u.kind in {UnitKind.STATION, UnitKind.GRID}}
    for u in changeable.order_by("path"):
        seen.setdefault(u.pk, u)
    for u in own:
        seen.setdefault(u.pk, u)
    return list(seen.values())


def items_for_unit(unit: Unit | None) -> QuerySet[ServiceItem]:
    """The items a place may accept: a station or grid only those delegated to it."""
    qs = ServiceItem.objects.filter(is_active=True).select_related("current")
    if unit is not None and unit.kind in {UnitKind.STATION, UnitKind.GRID}:
        qs = qs.filter(delegated_units=unit)
    return qs


def catalogue_search(q: str = "") -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.filter(is_active=True).select_related("current", "current__item_type")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(impl_code__icontains=q) | Q(base_code__icontains=q))
    return qs


def bundle_search(q: str = "") -> QuerySet[Bundle]:
    qs = Bundle.objects.all()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs


def application_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Application]:
    qs = Application.objects.visible_to(user).select_related("version", "unit", "submission")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("open_only"):
        qs = qs.filter(open_q())
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(number__icontains=q) | Q(version__name__icontains=q) | Q(submission__applicant_name=q)
        )
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("unit"):
        qs = qs.filter(unit=filters["unit"])
    return qs.order_by("-id")


def submission_for_staff(user: Any, number: str) -> QuerySet[Submission]:
    return Submission.objects.visible_to(user).filter(number=number)


def to_accept_count(user: Any) -> int:
    return Application.objects.visible_to(user, "change").filter(status=Status.RECEIVED).count()


def open_rectifications(user: Any) -> QuerySet[Rectification]:
    return (
        Rectification.objects.visible_to(user)
        .filter(status=RectificationStatus.OPEN)
        .select_related("rating__application__version", "unit")
    )


def rectification_list(user: Any) -> QuerySet[Rectification]:
    return Rectification.objects.visible_to(user).select_related("rating__application__version", "unit")


def rating_figures(user: Any, group_by: str) -> list[dict[str, Any]]:
    """好差评 per unit or per item, over the applications the person may see."""
    from django.db.models import Count

    from zhenwu.govservices.models import Rating

    visible = Application.objects.visible_to(user).values("pk")
    rows = (
        Rating.objects.filter(application__in=visible)
        .values(group_by)
        .annotate(
            total=Count("id"),
            good=Count("id", filter=Q(score__gte=4)),
            bad=Count("id", filter=Q(score__lte=2)),
        )
        .order_by("-total")
    )
    return [
        {
            "name": r[group_by],
            "total": r["total"],
            "good": r["good"],
            "bad": r["bad"],
            "rate": r["good"] / r["total"],
        }
        for r in rows
    ]


def licence_list(user: Any) -> QuerySet[Licence]:
    return Licence.objects.visible_to(user).select_related("application__unit")

"""Writes of the assessment part. Every function: keyword-only, one transaction, permission and
scope checked, input validated, audited."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from zhenwu.assessment import computed
from zhenwu.assessment.capabilities import CAPABILITIES as CAP
from zhenwu.assessment.choices import (
    OBJECTION_MACHINE,
    BulletinStatus,
    FindingStatus,
    IndicatorKind,
    IndicatorSource,
    MonthStatus,
    ObjectionAction,
    ObjectionStatus,
    RectificationStatus,
    ResultCategory,
    TaskStatus,
    WeightMethod,
)
from zhenwu.assessment.models import (
    AssessmentMonth,
    Award,
    Bulletin,
    Finding,
    HonourRoll,
    Indicator,
    Item,
    MeetingDecision,
    MonthlyResult,
    Objection,
    ReviewMeeting,
    Scheme,
    WeightProfile,
)
from zhenwu.assessment.scoring import (
    ASSESSED_KINDS,
    compute_month,
    decide_awards,
    previous_month,
    rules_snapshot,
)
from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.parts import capability_label
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.services import attachment_create
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import user_has_capability

WEIGHT_TOLERANCE = Decimal("0.001")


def require(actor: Any, capability: str) -> None:
    if not user_has_capability(actor, capability):
        raise PermissionDeniedError(f"您没有“{capability_label(capability)}”的权限。")


def _require_change(actor: Any, model: Any, obj: Any) -> None:
    """404 when the object is outside the actor's scope, 403 when visible but read-only."""
    if not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise NotFoundError()
    if not model.objects.visible_to(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDeniedError("您对该记录只有查看权限。")


def _month_start(d: date) -> date:
    return d.replace(day=1)


# ---------------------------------------------------------------- schemes, items, indicators


@transaction.atomic
def scheme_create(
    *, actor: Any, year: int, name: str = "", objection_days: int = 3, is_sample: bool = False
) -> Scheme:
    require(actor, CAP.MANAGE_SCHEME)
    if Scheme.objects.filter(year=year).exists():
        raise DomainError(f"{year} 年度考核方案已存在。", field="year")
    scheme = Scheme.objects.create(
        year=year,
        name=name or f"{year}年度城市管理融合考核方案",
        objection_days=objection_days,
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="assessment.scheme_create", obj=scheme, after=snapshot(scheme))
    return scheme


@transaction.atomic
def scheme_copy(*, actor: Any, source: Scheme, year: int) -> Scheme:
    """Next year's scheme starts as a copy of this one (items, indicators, weight profiles), then is edited."""
    require(actor, CAP.MANAGE_SCHEME)
    if Scheme.objects.filter(year=year).exists():
        raise DomainError(f"{year} 年度考核方案已存在，不能重复复制。", field="year")
    scheme = Scheme.objects.create(
        year=year,
        name=source.name.replace(str(source.year), str(year))
        if str(source.year) in source.name
        else f"{year}年度考核方案",
        copied_from=source,
        objection_days=source.objection_days,
        rectify_days=source.rectify_days,
        award_rules=dict(source.award_rules),
        note=source.note,
        is_sample=source.is_sample,
    )
    for item in source.items.prefetch_related("indicators"):
        new_item = Item.objects.create(
            scheme=scheme,
            code=item.code,
            name=item.name,
            cap=item.cap,
            bonus_cap=item.bonus_cap,
            responsible_unit=item.responsible_unit,
            sort_order=item.sort_order,
        )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    item=new_item,
                    code=ind.code,
                    name=ind.name,
                    kind=ind.kind,
                    source=ind.source,
                    max_score=ind.max_score,
                    points_per_finding=ind.points_per_finding,
                    metric_key=ind.metric_key,
                    formula=ind.formula,
                    sort_order=ind.sort_order,
                )
                for ind in item.indicators.all()
            ]
        )
    latest: dict[tuple[int | None, str], WeightProfile] = {}
    for p in source.weight_profiles.order_by("-valid_from", "-id"):
        latest.setdefault((p.unit_id, p.unit_kind), p)
    for p in latest.values():
        WeightProfile.objects.create(
            scheme=scheme,
            unit=p.unit,
            unit_kind=p.unit_kind,
            valid_from=date(year, 1, 1),
            weights=dict(p.weights),
            method=p.method,
            note=f"复制自{source.year}年",
            created_by=actor,
            is_sample=p.is_sample,
        )
    audit_record(actor=actor, action="assessment.scheme_copy", obj=scheme, extra={"source": source.pk})
    return scheme


@transaction.atomic
def item_create(
    *,
    actor: Any,
    scheme: Scheme,
    code: str,
    name: str,
    cap: Decimal = Decimal("100"),
    bonus_cap: Decimal = Decimal("5"),
    responsible_unit: Unit | None = None,
    sort_order: int = 0,
) -> Item:
    require(actor, CAP.MANAGE_SCHEME)
    if cap <= 0:
        raise DomainError("基础分必须大于 0。", field="cap")
    if bonus_cap < 0:
        raise DomainError("加分上限不能为负数。", field="bonus_cap")
    if scheme.items.filter(code=code).exists():
        raise DomainError(f"项目编码 {code} 已存在。", field="code")
    item = Item.objects.create(
        scheme=scheme,
        code=code,
        name=name,
        cap=cap,
        bonus_cap=bonus_cap,
        responsible_unit=responsible_unit,
        sort_order=sort_order,
    )
    audit_record(actor=actor, action="assessment.item_create", obj=item, after=snapshot(item))
    return item


def _validate_formula(formula: Any) -> list[list[float]]:
    if not isinstance(formula, list) or len(formula) < 2:
        raise DomainError(
            "换算公式至少需要两行“指标值 → 得分”，如 0.6 → 0 分、0.95 → 5 分。", field="formula"
        )
    clean = []
    for point in formula:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise DomainError("换算公式的每一行应有指标值和得分两个数。", field="formula")
        try:
            clean.append([float(point[0]), float(point[1])])
        except (TypeError, ValueError) as exc:
            raise DomainError("换算公式中有非数字。", field="formula") from exc
    return clean


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    item: Item,
    code: str,
    name: str,
    kind: str = IndicatorKind.DEDUCTION,
    source: str = IndicatorSource.MANUAL,
    max_score: Decimal = Decimal("10"),
    points_per_finding: Decimal = Decimal("1"),
    metric_key: str = "",
    formula: Any = None,
    sort_order: int = 0,
) -> Indicator:
    require(actor, CAP.MANAGE_SCHEME)
    if kind not in IndicatorKind.values:
        raise DomainError("细则类型无效。", field="kind")
    if max_score <= 0:
        raise DomainError("分值上限必须大于 0。", field="max_score")
    clean_formula: list[list[float]] = []
    if source == IndicatorSource.COMPUTED:
        if kind != IndicatorKind.DEDUCTION:
            raise DomainError("系统计算类细则不能设为一票否决或加分。", field="kind")
        if not computed.is_metric(metric_key):
            raise DomainError("请选择有效的数据指标。", field="metric_key")
        clean_formula = _validate_formula(formula)
    elif points_per_finding <= 0:
        raise DomainError("每处扣(加)分必须大于 0。", field="points_per_finding")
    if item.indicators.filter(code=code).exists():
        raise DomainError(f"细则编码 {code} 已存在。", field="code")
    ind = Indicator.objects.create(
        item=item,
        code=code,
        name=name,
        kind=kind,
        source=source,
        max_score=max_score,
        points_per_finding=points_per_finding,
        metric_key=metric_key,
        formula=clean_formula,
        sort_order=sort_order,
    )
    audit_record(actor=actor, action="assessment.indicator_create", obj=ind, after=snapshot(ind))
    return ind


@transaction.atomic
def indicator_update(
    *,
    actor: Any,
    indicator: Indicator,
    name: str,
    points_per_finding: Decimal,
    max_score: Decimal,
    formula: Any = None,
) -> Indicator:
    """Edit a rule. Months already closed keep the rules they were scored with (their snapshot)."""
    require(actor, CAP.MANAGE_SCHEME)
    if not name.strip():
        raise DomainError("请填写细则内容。", field="name")
    if max_score <= 0:
        raise DomainError("分值上限必须大于 0。", field="max_score")
    if indicator.source == IndicatorSource.MANUAL and points_per_finding <= 0:
        raise DomainError("每处扣(加)分必须大于 0。", field="points_per_finding")
    before = snapshot(indicator)
    indicator.name = name.strip()
    indicator.points_per_finding = points_per_finding
    indicator.max_score = max_score
    if indicator.source == IndicatorSource.COMPUTED and formula is not None:
        indicator.formula = _validate_formula(formula)
    indicator.save()
    audit_record(
        actor=actor,
        action="assessment.indicator_update",
        obj=indicator,
        before=before,
        after=snapshot(indicator),
    )
    return indicator


# ---------------------------------------------------------------- weights (一村一策)


def _clean_weights(scheme: Scheme, weights: dict[str, Any]) -> dict[str, str]:
    codes = set(scheme.items.values_list("code", flat=True))
    if set(weights) != codes:
        missing = "、".join(sorted(codes - set(weights))) or "无"
        extra = "、".join(sorted(set(weights) - codes)) or "无"
        raise DomainError(
            f"权重必须覆盖方案的全部考核项目（缺少：{missing}；多余：{extra}）。", field="weights"
        )
    clean: dict[str, Decimal] = {}
    for code, value in weights.items():
        try:
            v = Decimal(str(value))
        except InvalidOperation as exc:
            raise DomainError(f"项目 {code} 的权重“{value}”不是数字。", field="weights") from exc
        if v < 0 or v > 1:
            raise DomainError(f"项目 {code} 的权重应在 0 到 1 之间。", field="weights")
        clean[code] = v
    total = sum(clean.values(), Decimal("0"))
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise DomainError(f"各项目权重之和应为 1，当前为 {total.normalize()}。", field="weights")
    return {k: str(v) for k, v in clean.items()}


@transaction.atomic
def weight_profile_set(
    *,
    actor: Any,
    scheme: Scheme,
    weights: dict[str, Any],
    valid_from: date,
    unit: Unit | None = None,
    unit_kind: str = "",
    method: str = WeightMethod.MANUAL,
    note: str = "",
    is_sample: bool = False,
) -> WeightProfile:
    """A new profile from a month on; the earlier ones stay as history."""
    require(actor, CAP.MANAGE_SCHEME)
    if (unit is None) == (not unit_kind):
        raise DomainError("请指定单位，或指定单位类别（村/社区），二者选一。", field="unit")
    if unit is not None and unit.kind not in ASSESSED_KINDS:
        raise DomainError("一村一策权重只适用于村和社区。", field="unit")
    if unit_kind and unit_kind not in ASSESSED_KINDS:
        raise DomainError("单位类别只能是村或社区。", field="unit_kind")
    valid_from = _month_start(valid_from)
    if valid_from.year != scheme.year:
        raise DomainError(f"起用月份应在 {scheme.year} 年内。", field="valid_from")
    if AssessmentMonth.objects.filter(
        scheme=scheme, month__gte=valid_from, status=MonthStatus.CLOSED
    ).exists():
        raise DomainError(
            "起用月份及以后已有关账月份，权重不能追溯修改；请从下一个未关账月份起用。", field="valid_from"
        )
    profile = WeightProfile.objects.create(
        scheme=scheme,
        unit=unit,
        unit_kind=unit_kind,
        valid_from=valid_from,
        weights=_clean_weights(scheme, weights),
        method=method,
        note=note,
        created_by=actor,
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="assessment.weights_set", obj=profile, after=snapshot(profile))
    return profile


# ---------------------------------------------------------------- months and findings


def month_for(*, scheme: Scheme, day: date, is_sample: bool = False) -> AssessmentMonth:
    month, _ = AssessmentMonth.objects.get_or_create(
        month=_month_start(day), defaults={"scheme": scheme, "is_sample": is_sample}
    )
    return month


def _scheme_for(day: date) -> Scheme:
    scheme = Scheme.objects.filter(year=day.year).first()
    if scheme is None:
        raise DomainError(f"{day.year} 年度还没有考核方案。", field="found_on")
    return scheme


def _check_veto_bonus(unit: Unit, indicator: Indicator, month: AssessmentMonth) -> None:
    """An item vetoed for a unit in a month cannot also earn a bonus that month, nor the reverse."""
    if indicator.kind not in (IndicatorKind.VETO, IndicatorKind.BONUS):
        return
    other = IndicatorKind.BONUS if indicator.kind == IndicatorKind.VETO else IndicatorKind.VETO
    clash = Finding.objects.filter(
        month=month,
        unit=unit,
        indicator__item=indicator.item,
        indicator__kind=other,
        status=FindingStatus.ACTIVE,
    ).exists()
    if clash:
        what = "一票否决" if other == IndicatorKind.VETO else "加分"
        raise DomainError(
            f"{unit.name}本月“{indicator.item.name}”已有{what}记录，同一项目不能既否决又加分。",
            field="indicator",
        )


def finding_validate(*, unit: Unit, indicator: Indicator, count: int, found_on: date) -> AssessmentMonth:
    """Checks shared by the phone form and the xlsx import; returns the month the finding belongs to."""
    if unit.kind not in ASSESSED_KINDS:
        raise DomainError("被考核单位应为村或社区。", field="unit")
    if indicator.source != IndicatorSource.MANUAL:
        raise DomainError("该细则由系统数据计算，不能人工记录。", field="indicator")
    if count < 1 or count > 999:
        raise DomainError("处数应为 1 至 999。", field="count")
    if found_on > timezone.localdate():
        raise DomainError("检查日期不能晚于今天。", field="found_on")
    scheme = _scheme_for(found_on)
    if indicator.item.scheme_id != scheme.pk:
        raise DomainError(f"该细则不属于 {found_on.year} 年度考核方案。", field="indicator")
    month = AssessmentMonth.objects.filter(month=_month_start(found_on)).first()
    if month is not None and month.is_closed:
        raise DomainError(
            f"{month.label}已关账，不能再记录检查发现；如确需补录，请镇领导先重新开启该月。", field="found_on"
        )
    return month or month_for(scheme=scheme, day=found_on)


@transaction.atomic
def finding_record(
    *,
    actor: Any,
    unit: Unit,
    indicator: Indicator,
    count: int,
    found_on: date,
    place: str = "",
    note: str = "",
    photos: Sequence[UploadedFile] = (),
    is_sample: bool = False,
    lat: Decimal | None = None,
    long: Decimal | None = None,
    photo_times: Sequence[str] = (),
) -> Finding:
    require(actor, CAP.INSPECT)
    if (lat is None) != (long is None):
        raise DomainError("位置不完整：请重新点“记录当前位置”。", field="lat")
    if lat is not None and long is not None and not (-90 <= lat <= 90 and -180 <= long <= 180):
        raise DomainError("位置坐标超出范围，请重新定位。", field="lat")
    month = finding_validate(unit=unit, indicator=indicator, count=count, found_on=found_on)
    _check_veto_bonus(unit, indicator, month)
    return _finding_create(
        actor=actor,
        month=month,
        unit=unit,
        indicator=indicator,
        count=count,
        found_on=found_on,
        place=place,
        note=note,
        photos=photos,
        is_sample=is_sample,
        lat=lat,
        long=long,
        photo_times=list(photo_times)[: len(photos)],
    )


def _finding_create(
    *,
    actor: Any,
    month: AssessmentMonth,
    unit: Unit,
    indicator: Indicator,
    count: int,
    found_on: date,
    place: str,
    note: str,
    photos: Sequence[UploadedFile] = (),
    is_sample: bool = False,
    today: date | None = None,
    lat: Decimal | None = None,
    long: Decimal | None = None,
    photo_times: Sequence[str] = (),
) -> Finding:
    from zhenwu.core.services import document_number

    scheme = month.scheme
    today = today or timezone.localdate()
    cal = get_work_calendar()
    needs_rectification = indicator.kind != IndicatorKind.BONUS
    finding = Finding.objects.create(
        number=document_number("KH", today),
        month=month,
        unit=unit,
        indicator=indicator,
        count=count,
        points=indicator.points_per_finding * count,
        found_on=found_on,
        place=place.strip(),
        lat=lat,
        long=long,
        photo_times=list(photo_times),
        note=note.strip(),
        inspector=actor if getattr(actor, "is_authenticated", False) else None,
        objection_deadline=cal.add_working_days(today, scheme.objection_days),
        rectification=RectificationStatus.REQUIRED if needs_rectification else RectificationStatus.NONE,
        rectify_deadline=cal.add_working_days(today, scheme.rectify_days) if needs_rectification else None,
        is_sample=is_sample,
    )
    if photos:
        finding.photos.set([attachment_create(actor=actor, upload=p) for p in photos])
    if month.is_sample and not is_sample:
        # A month that holds a real finding is no longer sample data.
        AssessmentMonth.objects.filter(pk=month.pk).update(is_sample=False)
        month.is_sample = False
    audit_record(actor=actor, action="assessment.finding_record", obj=finding, after=snapshot(finding))
    return finding


def _require_open(month: AssessmentMonth) -> None:
    if month.is_closed:
        raise DomainError(f"{month.label}已关账，不能再修改；如确需修改，请镇领导先重新开启该月。")


@transaction.atomic
def finding_rectify(
    *, actor: Any, finding: Finding, note: str, photos: Sequence[UploadedFile] = ()
) -> Finding:
    """The unit reports its rectification (整改) with photos; the inspector verifies it."""
    _require_change(actor, Finding, finding)
    require(actor, CAP.OBJECT)
    if finding.rectification not in (RectificationStatus.REQUIRED,):
        raise DomainError(f"该发现当前为“{finding.get_rectification_display()}”，不能提交整改。")
    if not note.strip():
        raise DomainError("请填写整改情况。", field="note")
    finding.rectification = RectificationStatus.SUBMITTED
    finding.rectify_note = note.strip()
    finding.rectified_at = timezone.now()
    finding.save(update_fields=["rectification", "rectify_note", "rectified_at", "updated_at"])
    if photos:
        finding.rectify_photos.add(*[attachment_create(actor=actor, upload=p) for p in photos])
    audit_record(actor=actor, action="assessment.finding_rectify", obj=finding, message=note[:200])
    return finding


@transaction.atomic
def finding_verify(*, actor: Any, finding: Finding, accepted: bool, note: str = "") -> Finding:
    require(actor, CAP.INSPECT)
    if finding.rectification != RectificationStatus.SUBMITTED:
        raise DomainError("只有“已整改待核验”的发现可以核验。")
    if not accepted and not note.strip():
        raise DomainError("退回整改时请写明原因。", field="note")
    finding.rectification = RectificationStatus.VERIFIED if accepted else RectificationStatus.REQUIRED
    finding.verified_by = actor if accepted else None
    finding.verified_at = timezone.now() if accepted else None
    if not accepted:
        finding.rectify_note = f"{finding.rectify_note}\n【退回】{note.strip()}"
    finding.save(update_fields=["rectification", "verified_by", "verified_at", "rectify_note", "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.finding_verify",
        obj=finding,
        message=("核验通过" if accepted else "退回整改：") + note[:200],
    )
    return finding


# ---------------------------------------------------------------- objections (申诉)


@transaction.atomic
def objection_submit(
    *,
    actor: Any,
    finding: Finding,
    reason: str,
    evidence: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> Objection:
    _require_change(actor, Finding, finding)
    require(actor, CAP.OBJECT)
    # Lock the finding: a double tap must not file two objections.
    finding = (
        Finding.objects.select_for_update(of=("self",)).select_related("month__scheme").get(pk=finding.pk)
    )
    _require_open(finding.month)
    today = today or timezone.localdate()
    if finding.status != FindingStatus.ACTIVE:
        raise DomainError("该扣分已撤销，无需申诉。")
    if today > finding.objection_deadline:
        raise DomainError(
            f"申诉期已过：申诉截止日为 {finding.objection_deadline:%Y-%m-%d}（发现登记后 {finding.month.scheme.objection_days} 个工作日）。"
        )
    if finding.objections.filter(status=ObjectionStatus.SUBMITTED).exists():
        raise DomainError("该扣分已有待审核的申诉。")
    if not reason.strip():
        raise DomainError("请填写申诉理由。", field="reason")
    objection = Objection.objects.create(
        finding=finding, unit=finding.unit, reason=reason.strip(), submitted_by=actor
    )
    if evidence:
        objection.evidence.set(
            [
                attachment_create(
                    actor=actor,
                    upload=f,
                    allowed_types={"image/jpeg", "image/png", "image/webp", "application/pdf"},
                )
                for f in evidence
            ]
        )
    audit_record(actor=actor, action="assessment.objection_submit", obj=objection, message=reason[:200])
    return objection


@transaction.atomic
def objection_transition(
    *, actor: Any, objection: Objection, action: str, reason: str = "", accepted_count: int | None = None
) -> Objection:
    """The one transition of an objection, driven by OBJECTION_MACHINE. Upheld cancels the deduction;
    partly upheld keeps ``accepted_count`` 处 of it and recomputes the points."""
    objection = Objection.objects.select_for_update().select_related("finding__month").get(pk=objection.pk)
    if action == ObjectionAction.WITHDRAW:
        _require_change(actor, Objection, objection)
    else:
        require(actor, CAP.REVIEW)
    target = str(OBJECTION_MACHINE.check(objection, action).target)
    _require_open(objection.finding.month)
    if action != ObjectionAction.WITHDRAW and not reason.strip():
        raise DomainError("请填写审核意见（理由）。", field="reason")
    if action == ObjectionAction.UPHOLD_PART:
        _apply_partial(actor, objection, accepted_count, reason)
    before = objection.status
    objection.status = target
    objection.decision_reason = reason.strip()
    if action != ObjectionAction.WITHDRAW:
        objection.decided_by = actor
        objection.decided_at = timezone.now()
    objection.save()
    if target == ObjectionStatus.UPHELD:
        finding = objection.finding
        finding.status = FindingStatus.CANCELLED
        finding.rectification = RectificationStatus.NONE
        finding.save(update_fields=["status", "rectification", "updated_at"])
        audit_record(
            actor=actor, action="assessment.finding_cancel", obj=finding, message=f"申诉成立：{reason[:180]}"
        )
    audit_record(
        actor=actor,
        action=f"assessment.objection_{action}",
        obj=objection,
        before={"status": before},
        after={"status": target},
        message=reason[:200],
    )
    return objection


def _apply_partial(actor: Any, objection: Objection, accepted_count: int | None, reason: str) -> None:
    """申诉部分成立: of the finding's N 处 only ``accepted_count`` stand; the points follow the count."""
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("indicator")
        .get(pk=objection.finding_id)
    )
    if accepted_count is None or not 1 <= accepted_count < finding.count:
        raise DomainError(
            f"部分成立时请填写审核后认定的处数：应在 1 到 {finding.count - 1} 之间"
            f"（原认定 {finding.count} 处；全部不成立请选“申诉成立”）。",
            field="accepted_count",
        )
    before = {"count": finding.count, "points": str(finding.points)}
    objection.original_count, objection.accepted_count = finding.count, accepted_count
    finding.count = accepted_count
    finding.points = finding.indicator.points_per_finding * accepted_count
    finding.save(update_fields=["count", "points", "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.finding_adjust",
        obj=finding,
        before=before,
        after={"count": finding.count, "points": str(finding.points)},
        message=f"申诉部分成立：{before['count']} 处改为 {accepted_count} 处。{reason[:150]}",
    )


# ---------------------------------------------------------------- monthly close


def _bottom_history(month: AssessmentMonth) -> dict[int, int]:
    """unit id -> consecutive earlier closed months at last place, ending with the previous month."""
    history: dict[int, int] = {}
    m = previous_month(month.month)
    alive: set[int] | None = None
    for _ in range(12):
        prev = AssessmentMonth.objects.filter(month=m, status=MonthStatus.CLOSED).first()
        if prev is None:
            break
        results = list(prev.results.filter(category=ResultCategory.AREA).values_list("unit_id", "rank"))
        if not results:
            break
        last = max(r for _, r in results)
        bottom = {u for u, r in results if r == last}
        alive = bottom if alive is None else alive & bottom
        if not alive:
            break
        for u in alive:
            history[u] = history.get(u, 0) + 1
        m = previous_month(m)
    return history


def _overdue_counts(today: date) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        Finding.objects.filter(
            status=FindingStatus.ACTIVE,
            rectification=RectificationStatus.REQUIRED,
            rectify_deadline__lt=today,
        )
        .values("unit_id")
        .annotate(n=Count("id"))
    )
    return {r["unit_id"]: r["n"] for r in rows}


def _insert_results(rows: list[MonthlyResult]) -> None:
    """On PostgreSQL, COPY: bulk_create's array parameters spend seconds quoting the JSON of 1,000 units."""
    if connection.vendor != "postgresql":
        MonthlyResult.objects.bulk_create(rows, batch_size=500)
        return
    columns = "month_id, unit_id, category, total, rank, deduction_total, previous_total, previous_rank, items, weights"
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY assessment_monthlyresult ({columns}) FROM STDIN") as copy,
    ):
        for r in rows:
            copy.write_row(
                (
                    r.month_id,
                    r.unit_id,
                    r.category,
                    r.total,
                    r.rank,
                    r.deduction_total,
                    r.previous_total,
                    r.previous_rank,
                    json.dumps(r.items, ensure_ascii=False),
                    json.dumps(r.weights, ensure_ascii=False),
                )
            )


@transaction.atomic
def month_close(
    *, actor: Any, month: AssessmentMonth, today: date | None = None, override_reason: str = ""
) -> AssessmentMonth:
    """Score every village and community and every responsible department, rank, award, lock.

    Refused while a finding of the month has a pending objection or is still inside its objection
    window, unless a leader (the 重新开启 capability) overrides with a reason, which is audited.
    """
    from zhenwu.assessment.selectors import close_blockers

    require(actor, CAP.CLOSE)
    month = AssessmentMonth.objects.select_for_update().get(pk=month.pk)
    if month.is_closed:
        raise DomainError(f"{month.label}已关账。")
    today = today or timezone.localdate()
    blockers = close_blockers(month, today)
    # printable text only (a NUL or control character is not a reason, and PostgreSQL refuses NUL)
    override_reason = "".join(ch for ch in override_reason if ch.isprintable()).strip()[:300]
    if blockers and not (override_reason and user_has_capability(actor, CAP.REOPEN)):
        pending = sum(1 for _, why in blockers if why == "有待审核的申诉")
        listed = "、".join(f"{f.number}（{f.unit.name}，{why}）" for f, why in blockers[:5])
        more = f"等 {len(blockers)} 条" if len(blockers) > 5 else ""
        head = f"还有 {pending} 件申诉未审核；" if pending else ""
        raise DomainError(
            f"{head}以下检查发现尚未了结，暂不能关账：{listed}{more}。"
            "请待申诉期届满、申诉审核完毕后再关账；确需提前关账的，由镇领导填写理由后关账。",
            code="close_blocked",
        )
    if blockers:
        audit_record(
            actor=actor,
            action="assessment.month_close_override",
            obj=month,
            message=f"提前关账：{override_reason}"[:500],
            extra={"findings": [f"{f.number} {why}" for f, why in blockers]},
        )
    rules = rules_snapshot(month.scheme)
    scores = compute_month(month, rules)
    prev = AssessmentMonth.objects.filter(
        month=previous_month(month.month), status=MonthStatus.CLOSED
    ).first()
    previous: dict[tuple[int, str], tuple[Any, int]] = {}
    if prev is not None:
        previous = {(r.unit_id, r.category): (r.total, r.rank) for r in prev.results.all()}
    month.results.all().delete()
    month.awards.all().delete()
    month.honour_rolls.all().delete()
    rows = []
    for category, group in (
        (ResultCategory.AREA, scores.areas),
        (ResultCategory.DEPARTMENT, scores.departments),
    ):
        for s in group:
            if (s.unit.pk, category) in previous:
                s.previous_total, s.previous_rank = previous[(s.unit.pk, category)]
            rows.append(
                MonthlyResult(
                    month=month,
                    unit=s.unit,
                    category=category,
                    total=s.total,
                    rank=s.rank,
                    deduction_total=s.deduction_total,
                    previous_total=s.previous_total,
                    previous_rank=s.previous_rank,
                    items=s.items,
                    weights={"weights": s.weights, "source": s.weight_source},
                )
            )
    _insert_results(rows)
    awards, boards = decide_awards(
        scores.areas,
        rules["award_rules"],
        bottom_history=_bottom_history(month),
        overdue=_overdue_counts(today),
    )
    Award.objects.bulk_create([Award(month=month, unit=a.unit, kind=a.kind, reason=a.reason) for a in awards])
    HonourRoll.objects.bulk_create(
        [HonourRoll(month=month, unit=s.unit, board=b, position=p, total=s.total) for s, b, p in boards]
    )
    rules["notes"] = scores.notes
    month.rules_snapshot = rules
    month.status = MonthStatus.CLOSED
    month.closed_at = timezone.now()
    month.closed_by = actor
    month.save()
    audit_record(
        actor=actor,
        action="assessment.month_close",
        obj=month,
        extra={"results": len(rows), "awards": len(awards), "notes": scores.notes},
    )
    return month


@transaction.atomic
def month_reopen(*, actor: Any, month: AssessmentMonth, reason: str) -> AssessmentMonth:
    """Only a leader reopens a closed month, with a reason; the unapproved bulletin is withdrawn."""
    require(actor, CAP.REOPEN)
    month = AssessmentMonth.objects.select_for_update().get(pk=month.pk)
    if not month.is_closed:
        raise DomainError(f"{month.label}未关账，无需重新开启。")
    if not reason.strip():
        raise DomainError("请填写重新开启的原因。", field="reason")
    later = AssessmentMonth.objects.filter(month__gt=month.month, status=MonthStatus.CLOSED).first()
    if later is not None:
        raise DomainError(f"{later.label}已关账，请先重新开启较晚的月份（名次变化依赖本月结果）。")
    Bulletin.objects.filter(month=month).delete()
    month.status = MonthStatus.OPEN
    month.reopen_count += 1
    month.save(update_fields=["status", "reopen_count", "updated_at"])
    audit_record(actor=actor, action="assessment.month_reopen", obj=month, message=reason.strip()[:500])
    return month


# ---------------------------------------------------------------- bulletin (通报)


@transaction.atomic
def bulletin_generate(*, actor: Any, month: AssessmentMonth) -> Bulletin:
    from zhenwu.assessment import bulletin as bulletin_docs

    require(actor, CAP.CLOSE)
    if not month.is_closed:
        raise DomainError("请先关账，再生成通报。")
    existing = Bulletin.objects.filter(month=month).first()
    if existing is not None and existing.status == BulletinStatus.APPROVED:
        raise DomainError("通报已审批发布，不能重新生成。")
    content = bulletin_docs.bulletin_content(month)
    docx_bytes = bulletin_docs.build_docx(content)
    xlsx_bytes = bulletin_docs.build_detail_xlsx(month)
    bulletin = existing or Bulletin(month=month)
    bulletin.number = content.number
    bulletin.title = content.title
    bulletin.status = BulletinStatus.DRAFT
    bulletin.generated_by = actor
    stem = f"{month.month:%Y-%m}"
    bulletin.docx.save(f"考核通报-{stem}.docx", ContentFile(docx_bytes), save=False)
    bulletin.xlsx.save(f"考核明细-{stem}.xlsx", ContentFile(xlsx_bytes), save=False)
    bulletin.save()
    audit_record(actor=actor, action="assessment.bulletin_generate", obj=bulletin)
    return bulletin


@transaction.atomic
def bulletin_approve(*, actor: Any, bulletin: Bulletin) -> Bulletin:
    require(actor, CAP.APPROVE_BULLETIN)
    if bulletin.status != BulletinStatus.DRAFT:
        raise DomainError("通报已审批。")
    if not bulletin.month.is_closed:
        raise DomainError("该月已重新开启，请关账后重新生成通报。")
    bulletin.status = BulletinStatus.APPROVED
    bulletin.approved_by = actor
    bulletin.approved_at = timezone.now()
    bulletin.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=actor, action="assessment.bulletin_approve", obj=bulletin)
    return bulletin


# ---------------------------------------------------------------- review meetings (点评会)


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    held_on: date,
    title: str,
    attendees: str,
    summary: str = "",
    month: AssessmentMonth | None = None,
    decisions: Sequence[dict[str, Any]] = (),
    is_sample: bool = False,
) -> ReviewMeeting:
    require(actor, CAP.CLOSE)
    if not title.strip():
        raise DomainError("请填写会议名称。", field="title")
    if not attendees.strip():
        raise DomainError("请填写参会人员。", field="attendees")
    meeting = ReviewMeeting.objects.create(
        month=month,
        held_on=held_on,
        title=title.strip(),
        attendees=attendees.strip(),
        summary=summary.strip(),
        created_by=actor,
        is_sample=is_sample,
    )
    for d in decisions:
        decision_add(
            actor=actor, meeting=meeting, text=d["text"], unit=d.get("unit"), deadline=d.get("deadline")
        )
    audit_record(actor=actor, action="assessment.meeting_create", obj=meeting)
    return meeting


@transaction.atomic
def decision_add(
    *, actor: Any, meeting: ReviewMeeting, text: str, unit: Unit | None = None, deadline: date | None = None
) -> MeetingDecision:
    require(actor, CAP.CLOSE)
    if not text.strip():
        raise DomainError("请填写决定事项。", field="text")
    if unit is not None and deadline is None:
        raise DomainError("交办给单位的任务须设完成期限。", field="deadline")
    decision = MeetingDecision.objects.create(
        meeting=meeting, text=text.strip(), unit=unit, deadline=deadline
    )
    audit_record(actor=actor, action="assessment.decision_add", obj=decision)
    return decision


@transaction.atomic
def decision_complete(*, actor: Any, decision: MeetingDecision, note: str) -> MeetingDecision:
    _require_change(actor, MeetingDecision, decision)
    if decision.status == TaskStatus.DONE:
        raise DomainError("该任务已完成。")
    if not note.strip():
        raise DomainError("请填写完成情况。", field="note")
    decision.status = TaskStatus.DONE
    decision.done_note = note.strip()
    decision.done_at = timezone.now()
    decision.save(update_fields=["status", "done_note", "done_at", "updated_at"])
    audit_record(actor=actor, action="assessment.decision_complete", obj=decision, message=note[:200])
    return decision

"""Writes of the enterprises part. Every function: keyword-only, one transaction, permission and
scope checked, input validated, audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.notify import notify
from zhenwu.core.parts import capability_label
from zhenwu.core.pii import normalize_phone, normalize_uscc, validate_uscc
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.workcalendar import UnknownCalendarYear
from zhenwu.enterprises.capabilities import CAPABILITIES as CAP
from zhenwu.enterprises.choices import (
    HIGHTECH_FLOW,
    NODE_FLOW,
    PARTNERSHIP_FLOW,
    HighTechAction,
    HighTechStatus,
    NodeAction,
    TalentProgramme,
)
from zhenwu.enterprises.maturity import MaturityRuleSpec, compute_maturity, validate_ratings
from zhenwu.enterprises.models import (
    Attraction,
    Diagnosis,
    Enterprise,
    Event,
    EventInvite,
    HighTechRecord,
    Honour,
    MaturityRule,
    Partnership,
    Project,
    ProjectNode,
    Talent,
    TechSmeRecord,
    Visit,
    YearTarget,
)
from zhenwu.enterprises.precheck import PRECHECKS, PrecheckInputError
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import scope_q, user_has_capability

REMIND_DAYS_BEFORE_EXPIRY = 90


def require(actor: Any, capability: str = CAP.MANAGE) -> None:
    if not user_has_capability(actor, capability):
        raise PermissionDeniedError(f"您没有“{capability_label(capability)}”的权限。")


def _require_change(actor: Any, enterprise: Enterprise) -> None:
    """404 outside the actor's scope, 403 when visible but read-only or without the capability."""
    town_wide = scope_q(Enterprise, actor, "change") is None  # nothing to look up
    if not town_wide and not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise NotFoundError()
        raise PermissionDeniedError("您对该企业只有查看权限。")
    require(actor)


def _unit_in_scope(actor: Any, unit: Unit) -> None:
    if not Unit.objects.visible_to(actor, "change").filter(pk=unit.pk).exists():
        raise DomainError("所选村(社区)不在您的数据范围内。", field="unit")


# --- register -----------------------------------------------------------------------------------


def uscc_problem(uscc: str) -> str:
    """The Chinese reason a code fails GB 32100, or '' when it passes."""
    try:
        validate_uscc(uscc)
    except ValidationError as exc:
        return str(exc.messages[0])
    return ""


def _check_uscc(uscc: str, override_reason: str) -> str:
    code = normalize_uscc(uscc)
    problem = uscc_problem(code)
    if problem and (len(code) != 18 or not override_reason.strip()):
        if len(code) == 18:
            problem += "如确认无误，可填写“校验例外说明”后强制登记。"
        raise DomainError(problem, field="uscc", code="uscc_invalid")
    if Enterprise.objects.filter(uscc=code).exists():
        raise DomainError(
            f"统一社会信用代码 {code} 已登记，不能重复登记。", field="uscc", code="uscc_duplicate"
        )
    return code


@dataclass
class EnterpriseInput:
    uscc: str
    name: str
    unit: Unit
    industry_code: str = ""
    industry_name: str = ""
    address: str = ""
    grid: Unit | None = None
    above_scale: bool = False
    in_green_zone: bool = False
    registered_on: date | None = None
    staff: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    override_reason: str = ""
    note: str = ""
    is_sample: bool = False


def _build_enterprise(actor: Any, data: EnterpriseInput) -> Enterprise:
    code = normalize_uscc(data.uscc)
    override = data.override_reason.strip() if uscc_problem(code) else ""
    _check_uscc(code, data.override_reason)
    if not data.name.strip():
        raise DomainError("请填写企业名称。", field="name")
    if data.industry_code and not _industry_ok(data.industry_code):
        raise DomainError("行业代码应为 GB/T 4754 的门类字母加 2–4 位数字，如 C3670。", field="industry_code")
    if data.grid is not None and data.grid.parent_id != data.unit.pk:
        raise DomainError("所选网格不属于该村(社区)。", field="grid")
    if data.registered_on and data.registered_on > timezone.localdate():
        raise DomainError("成立日期不能晚于今天。", field="registered_on")
    try:
        phone = normalize_phone(data.contact_phone)
    except ValidationError as exc:
        raise DomainError(str(exc.messages[0]), field="contact_phone") from None
    enterprise = Enterprise(
        uscc=code,
        uscc_override_reason=override[:200],
        name=data.name.strip()[:120],
        industry_code=data.industry_code.strip().upper(),
        industry_name=data.industry_name.strip()[:60],
        address=data.address.strip()[:200],
        unit=data.unit,
        grid=data.grid,
        above_scale=data.above_scale,
        in_green_zone=data.in_green_zone,
        registered_on=data.registered_on,
        staff=data.staff,
        contact_name=data.contact_name.strip(),
        contact_phone=phone,
        note=data.note.strip()[:200],
        is_sample=data.is_sample,
    )
    enterprise.save()
    audit_record(actor=actor, action="enterprise.create", obj=enterprise, after=snapshot(enterprise))
    if override:
        audit_record(
            actor=actor,
            action="enterprise.uscc_override",
            obj=enterprise,
            message=f"信用代码 {code} 校验未通过，强制登记：{override}",
        )
    return enterprise


def _industry_ok(code: str) -> bool:
    code = code.strip().upper()
    return 3 <= len(code) <= 5 and code[0] in "ABCDEFGHIJKLMNOPQRST" and code[1:].isdigit()


def enterprise_create(*, actor: Any, data: EnterpriseInput) -> Enterprise:
    require(actor)
    _unit_in_scope(actor, data.unit)
    with transaction.atomic():
        return _build_enterprise(actor, data)


def enterprises_import(*, actor: Any, rows: Sequence[EnterpriseInput]) -> list[Enterprise]:
    """All rows or none (the caller has validated cells; this re-checks codes and duplicates)."""
    require(actor)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        code = normalize_uscc(row.uscc)
        if code in seen:
            raise DomainError(f"第 {i + 2} 行：统一社会信用代码 {code} 在文件中重复。", field="uscc")
        seen.add(code)
        _unit_in_scope(actor, row.unit)
    with transaction.atomic():
        created = [_build_enterprise(actor, row) for row in rows]
        audit_record(
            actor=actor,
            action="enterprise.import",
            object_type="enterprises.enterprise",
            extra={"count": len(created)},
        )
    return created


def enterprise_set_profile(
    *, actor: Any, enterprise: Enterprise, kind: str, data: dict[str, Any]
) -> Enterprise:
    """Store the figures a pre-check reads; refused unless the pre-check accepts them."""
    _require_change(actor, enterprise)
    if kind not in PRECHECKS:
        raise DomainError("预检类型不正确。", field="kind")
    try:
        PRECHECKS[kind](data)
    except PrecheckInputError as exc:
        raise DomainError(exc.message, field=exc.field) from None
    with transaction.atomic():
        field = f"{kind}_profile"
        before = snapshot(enterprise, [field])
        setattr(enterprise, field, _jsonable(data))
        enterprise.save(update_fields=[field, "updated_at"])
        audit_record(
            actor=actor,
            action=f"enterprise.profile_{kind}",
            obj=enterprise,
            before=before,
            after=snapshot(enterprise, [field]),
        )
    return enterprise


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    if isinstance(data, Decimal):
        return int(data) if data == data.to_integral_value() else float(data)
    if isinstance(data, date):
        return data.isoformat()
    return data


# --- 高企 pipeline ------------------------------------------------------------------------------


def hightech_add(*, actor: Any, enterprise: Enterprise, year: int, note: str = "") -> HighTechRecord:
    """Put an enterprise in the year's 培育库."""
    _require_change(actor, enterprise)
    if HighTechRecord.objects.filter(enterprise=enterprise, year=year).exists():
        raise DomainError(f"{enterprise.name} 已在 {year} 年的高企台账中。", field="year")
    with transaction.atomic():
        record = HighTechRecord.objects.create(enterprise=enterprise, year=year, note=note[:200])
        audit_record(actor=actor, action="hightech.add", obj=record, after=snapshot(record))
    return record


@dataclass
class CertificateInput:
    certificate_no: str = ""
    issued_on: date | None = None
    applied_on: date | None = None
    note: str = ""


def hightech_transition(
    *, actor: Any, record: HighTechRecord, action: str, details: CertificateInput | None = None
) -> HighTechRecord:
    _require_change(actor, record.enterprise)
    details = details or CertificateInput()
    with transaction.atomic():
        record = HighTechRecord.objects.select_for_update().get(pk=record.pk)
        t = HIGHTECH_FLOW.check(record, action)
        if t.needs_note and not details.note.strip():
            raise DomainError("请填写原因。", field="note")
        before = snapshot(record)
        ACTIONS[action](record, details)
        if t.target is not None:
            record.status = t.target
        record.save()
        audit_record(
            actor=actor, action=f"hightech.{action}", obj=record, before=before, after=snapshot(record)
        )
    return record


def _apply(record: HighTechRecord, details: CertificateInput) -> None:
    record.applied_on = details.applied_on or timezone.localdate()
    if record.applied_on > timezone.localdate():
        raise DomainError("申报日期不能晚于今天。", field="applied_on")


def _certify(record: HighTechRecord, details: CertificateInput) -> None:
    number = details.certificate_no.strip().upper()
    if not number:
        raise DomainError("请填写证书编号。", field="certificate_no")
    if details.issued_on is None:
        raise DomainError("请填写发证日期。", field="issued_on")
    if details.issued_on > timezone.localdate():
        raise DomainError("发证日期不能晚于今天。", field="issued_on")
    if HighTechRecord.objects.filter(certificate_no=number).exclude(pk=record.pk).exists():
        raise DomainError(f"证书编号 {number} 已登记在其他企业。", field="certificate_no")
    record.certificate_no = number[:40]
    record.issued_on = details.issued_on
    record.expires_on = certificate_expiry(details.issued_on)
    # a re-certification: the enterprise held a certificate valid within the year before this one
    record.is_renewal = HighTechRecord.objects.filter(
        enterprise=record.enterprise,
        status=HighTechStatus.CERTIFIED,
        expires_on__gte=details.issued_on - timedelta(days=366),
        issued_on__lt=details.issued_on,
    ).exists()
    if details.note:
        record.note = details.note[:200]


def certificate_expiry(issued_on: date) -> date:
    """A 高企 certificate is valid for three years from its issue date."""
    try:
        end = issued_on.replace(year=issued_on.year + HighTechRecord.VALID_YEARS)
    except ValueError:  # 29 February
        end = issued_on.replace(year=issued_on.year + HighTechRecord.VALID_YEARS, day=28)
    return end - timedelta(days=1)


def _reject(record: HighTechRecord, details: CertificateInput) -> None:
    record.note = details.note.strip()[:200]


def _withdraw(record: HighTechRecord, details: CertificateInput) -> None:
    record.applied_on = None


ACTIONS: dict[str, Any] = {
    HighTechAction.APPLY: _apply,
    HighTechAction.CERTIFY: _certify,
    HighTechAction.REJECT: _reject,
    HighTechAction.WITHDRAW: _withdraw,
}


def hightech_expiry_reminders(*, today: date | None = None) -> int:
    """Remind the town of certificates expiring within 90 days and not yet re-certified (beat task)."""
    today = today or timezone.localdate()
    due = HighTechRecord.objects.filter(
        status=HighTechStatus.CERTIFIED,
        reminded_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE_EXPIRY),
    ).select_related("enterprise", "enterprise__unit")
    sent = 0
    for record in due:
        renewed = HighTechRecord.objects.filter(
            enterprise=record.enterprise, status=HighTechStatus.CERTIFIED, issued_on__gt=record.issued_on
        ).exists()
        with transaction.atomic():
            if not renewed:
                notify(
                    channel="inbox",
                    unit=record.enterprise.unit,
                    subject=f"高企证书即将到期：{record.enterprise.name}",
                    body=f"{record.enterprise.name} 的高新技术企业证书（{record.certificate_no}）将于 "
                    f"{record.expires_on:%Y年%m月%d日} 到期，请提醒企业及时申请重新认定。",
                    obj=record,
                )
                sent += 1
            record.reminded_on = today
            record.save(update_fields=["reminded_on", "updated_at"])
            audit_record(actor=None, action="hightech.expiry_reminder", obj=record, message="到期提醒")
    return sent


# --- 科小, 招引, targets -------------------------------------------------------------------------


def techsme_register(
    *, actor: Any, enterprise: Enterprise, year: int, reg_no: str, registered_on: date
) -> TechSmeRecord:
    _require_change(actor, enterprise)
    reg_no = reg_no.strip()
    if not reg_no:
        raise DomainError("请填写入库编号。", field="reg_no")
    if registered_on > timezone.localdate():
        raise DomainError("入库日期不能晚于今天。", field="registered_on")
    if registered_on.year != year:
        raise DomainError("入库日期应在评价年度内。", field="registered_on")
    if TechSmeRecord.objects.filter(enterprise=enterprise, year=year).exists():
        raise DomainError(f"{enterprise.name} 已有 {year} 年的入库记录。", field="year")
    if TechSmeRecord.objects.filter(reg_no=reg_no).exists():
        raise DomainError(f"入库编号 {reg_no} 已登记。", field="reg_no")
    with transaction.atomic():
        record = TechSmeRecord.objects.create(
            enterprise=enterprise, year=year, reg_no=reg_no[:40], registered_on=registered_on
        )
        audit_record(actor=actor, action="techsme.register", obj=record, after=snapshot(record))
    return record


def attraction_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    attracted_on: date,
    source: str = "",
    city_filed_on: date | None = None,
) -> Attraction:
    _require_change(actor, enterprise)
    if attracted_on > timezone.localdate() or (city_filed_on and city_filed_on > timezone.localdate()):
        raise DomainError("日期不能晚于今天。", field="attracted_on")
    with transaction.atomic():
        item = Attraction.objects.create(
            enterprise=enterprise,
            year=attracted_on.year,
            attracted_on=attracted_on,
            source=source[:120],
            city_filed_on=city_filed_on,
        )
        audit_record(actor=actor, action="attraction.create", obj=item, after=snapshot(item))
    return item


def target_set(*, actor: Any, year: int, key: str, value: int) -> YearTarget:
    require(actor)
    if value < 0:
        raise DomainError("目标值不能为负数。", field="value")
    with transaction.atomic():
        target, _ = YearTarget.objects.update_or_create(
            year=year, key=key, defaults={"value": value, "set_by": actor}
        )
        audit_record(actor=actor, action="target.set", obj=target, after=snapshot(target))
    return target


# --- talents, 产学研, honours, events ------------------------------------------------------------


def talent_create(
    *, actor: Any, enterprise: Enterprise, programme: str, year: int, person_name: str, level: str = ""
) -> Talent:
    _require_change(actor, enterprise)
    if programme not in TalentProgramme.values:
        raise DomainError("请选择人才计划。", field="programme")
    if not person_name.strip():
        raise DomainError("请填写人才姓名。", field="person_name")
    with transaction.atomic():
        talent = Talent.objects.create(
            enterprise=enterprise,
            programme=programme,
            year=year,
            person_name=person_name.strip(),
            level=level[:60],
        )
        audit_record(actor=actor, action="talent.create", obj=talent, after=snapshot(talent))
    return talent


def partnership_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    institution: str,
    title: str,
    amount_wan: Decimal,
    signed_on: date,
    ends_on: date | None = None,
) -> Partnership:
    _require_change(actor, enterprise)
    if amount_wan < 0:
        raise DomainError("合同金额不能为负数。", field="amount_wan")
    if ends_on and ends_on < signed_on:
        raise DomainError("截止日期不能早于签订日期。", field="ends_on")
    if signed_on > timezone.localdate():
        raise DomainError("签订日期不能晚于今天。", field="signed_on")
    with transaction.atomic():
        item = Partnership.objects.create(
            enterprise=enterprise,
            institution=institution.strip()[:120],
            title=title.strip()[:160],
            amount_wan=amount_wan,
            signed_on=signed_on,
            ends_on=ends_on,
        )
        audit_record(actor=actor, action="partnership.create", obj=item, after=snapshot(item))
    return item


def partnership_transition(
    *, actor: Any, partnership: Partnership, action: str, note: str = ""
) -> Partnership:
    _require_change(actor, partnership.enterprise)
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
        t = PARTNERSHIP_FLOW.check(partnership, action)
        if t.needs_note and not note.strip():
            raise DomainError("请填写原因。", field="note")
        before = snapshot(partnership)
        partnership.status = t.target or partnership.status
        partnership.status_note = note.strip()[:200]
        partnership.save(update_fields=["status", "status_note", "updated_at"])
        audit_record(
            actor=actor,
            action=f"partnership.{action}",
            obj=partnership,
            before=before,
            after=snapshot(partnership),
        )
    return partnership


def attraction_file(*, actor: Any, attraction: Attraction, filed_on: date) -> Attraction:
    """Record the city 科技局's 备案 of an attracted enterprise."""
    _require_change(actor, attraction.enterprise)
    if filed_on > timezone.localdate():
        raise DomainError("备案日期不能晚于今天。", field="city_filed_on")
    if filed_on < attraction.attracted_on:
        raise DomainError("备案日期不能早于落户日期。", field="city_filed_on")
    if attraction.city_filed_on:
        raise DomainError("该企业已登记备案。", field="city_filed_on")
    with transaction.atomic():
        attraction.city_filed_on = filed_on
        attraction.save(update_fields=["city_filed_on", "updated_at"])
        audit_record(actor=actor, action="attraction.file", obj=attraction, after=snapshot(attraction))
    return attraction


def visit_create(
    *, actor: Any, enterprise: Enterprise, visited_on: date, purpose: str, note: str = ""
) -> Visit:
    _require_change(actor, enterprise)
    if visited_on > timezone.localdate():
        raise DomainError("走访日期不能晚于今天。", field="visited_on")
    if not purpose.strip():
        raise DomainError("请填写走访事由。", field="purpose")
    with transaction.atomic():
        visit = Visit.objects.create(
            enterprise=enterprise,
            visited_on=visited_on,
            visitor=actor,
            purpose=purpose.strip()[:120],
            note=note,
        )
        audit_record(actor=actor, action="visit.create", obj=visit, after=snapshot(visit))
    return visit


def honour_create(
    *, actor: Any, enterprise: Enterprise, title: str, level: str, year: int, issuer: str = ""
) -> Honour:
    _require_change(actor, enterprise)
    with transaction.atomic():
        item = Honour.objects.create(
            enterprise=enterprise, title=title.strip()[:120], level=level, year=year, issuer=issuer[:80]
        )
        audit_record(actor=actor, action="honour.create", obj=item, after=snapshot(item))
    return item


def event_create(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    kind: str,
    held_on: date,
    place: str = "",
    summary: str = "",
    invited: Sequence[Enterprise] = (),
    attended: Sequence[Enterprise] = (),
    is_sample: bool = False,
) -> Event:
    require(actor)
    _unit_in_scope(actor, unit)
    came = {e.pk for e in attended}
    if came - {e.pk for e in invited}:
        raise DomainError("参加的企业须在邀请名单中。", field="attended")
    with transaction.atomic():
        event = Event.objects.create(
            unit=unit,
            title=title.strip()[:120],
            kind=kind,
            held_on=held_on,
            place=place[:120],
            summary=summary,
            is_sample=is_sample,
        )
        EventInvite.objects.bulk_create(
            [EventInvite(event=event, enterprise=e, attended=e.pk in came) for e in dict.fromkeys(invited)]
        )
        audit_record(
            actor=actor,
            action="event.create",
            obj=event,
            after=snapshot(event),
            extra={"invited": len(invited)},
        )
    return event


# --- 智改数转 -----------------------------------------------------------------------------------


def default_rule() -> MaturityRule:
    rule = MaturityRule.objects.filter(is_default=True).first()
    if rule is None:
        rule, _ = MaturityRule.objects.get_or_create(
            name=MaturityRuleSpec().name, defaults={"threshold": Decimal("0.80"), "is_default": True}
        )
    return rule


def rule_spec(rule: MaturityRule) -> MaturityRuleSpec:
    return MaturityRuleSpec(name=rule.name, threshold=float(rule.threshold), weights=dict(rule.weights or {}))


def diagnosis_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    diagnosed_on: date,
    provider: str,
    ratings: dict[str, Any],
    systems: Sequence[str] = (),
    recommendations: str = "",
    rule: MaturityRule | None = None,
) -> Diagnosis:
    _require_change(actor, enterprise)
    from zhenwu.enterprises.choices import System

    if diagnosed_on > timezone.localdate():
        raise DomainError("诊断日期不能晚于今天。", field="diagnosed_on")
    unknown = [s for s in systems if s not in System.values]
    if unknown:
        raise DomainError(f"不认识的系统「{unknown[0][:20]}」。", field="systems")
    clean = validate_ratings(ratings)
    rule = rule or default_rule()
    result = compute_maturity(clean, rule_spec(rule))
    with transaction.atomic():
        item = Diagnosis.objects.create(
            enterprise=enterprise,
            diagnosed_on=diagnosed_on,
            provider=provider.strip()[:120],
            ratings=clean,
            rule=rule,
            level=result.level,
            score=Decimal(str(result.score)),
            systems=list(dict.fromkeys(systems)),
            recommendations=recommendations,
        )
        audit_record(actor=actor, action="diagnosis.create", obj=item, after=snapshot(item))
    return item


def plan_backwards(deadline: date, days_before: int) -> tuple[date, bool]:
    """The working day ``days_before`` working days before ``deadline`` (0: the deadline itself or
    the last working day before it). Provisional when a year's official schedule is not known:
    then weekends only count as rest days, flagged 暂定."""
    calendar = get_work_calendar()
    provisional = False

    def is_workday(d: date) -> bool:
        nonlocal provisional
        try:
            return calendar.is_workday(d)
        except UnknownCalendarYear:
            provisional = True
            return d.weekday() < 5

    current = deadline
    while not is_workday(current):
        current -= timedelta(days=1)
    for _ in range(days_before):
        current -= timedelta(days=1)
        while not is_workday(current):
            current -= timedelta(days=1)
    return current, provisional


def project_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    title: str,
    deadline: date,
    nodes: Sequence[tuple[str, int]],
    diagnosis: Diagnosis | None = None,
) -> Project:
    """A follow-up project whose nodes are planned backwards from its deadline (排定计划，倒排节点)."""
    _require_change(actor, enterprise)
    if not nodes:
        raise DomainError("请至少填写一个节点。", field="nodes")
    if any(d < 0 for _, d in nodes):
        raise DomainError("截止前工作日数不能为负数。", field="nodes")
    if diagnosis is not None and diagnosis.enterprise_id != enterprise.pk:
        raise DomainError("诊断不属于该企业。", field="diagnosis")
    with transaction.atomic():
        project = Project.objects.create(
            enterprise=enterprise, diagnosis=diagnosis, title=title.strip()[:160], deadline=deadline
        )
        ordered = sorted(nodes, key=lambda n: -n[1])
        for seq, (node_title, days_before) in enumerate(ordered, start=1):
            due_on, provisional = plan_backwards(deadline, days_before)
            ProjectNode.objects.create(
                project=project,
                seq=seq,
                title=node_title[:120],
                days_before=days_before,
                due_on=due_on,
                provisional=provisional,
            )
        audit_record(
            actor=actor,
            action="project.create",
            obj=project,
            after=snapshot(project),
            extra={"nodes": len(nodes)},
        )
    return project


def project_node_done(*, actor: Any, node: ProjectNode, done_on: date) -> ProjectNode:
    _require_change(actor, node.project.enterprise)
    if done_on > timezone.localdate():
        raise DomainError("完成日期不能晚于今天。", field="done_on")
    with transaction.atomic():
        node = ProjectNode.objects.select_for_update().get(pk=node.pk)
        t = NODE_FLOW.check(node, NodeAction.DONE)
        node.status = t.target or node.status
        node.done_on = done_on
        node.save(update_fields=["status", "done_on"])
        audit_record(actor=actor, action="project.node_done", obj=node, message=node.title)
    return node

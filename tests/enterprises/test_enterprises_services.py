"""Services of the enterprises part: register, 高企 pipeline, 科小, diagnoses, projects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.enterprises.conftest import valid_uscc

from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.enterprises import selectors, services
from zhenwu.enterprises.choices import HighTechAction, HighTechStatus
from zhenwu.enterprises.maturity import DOMAIN_CODES, DOMAINS, ELEMENTS, MaturityRuleSpec, compute_maturity
from zhenwu.enterprises.models import Enterprise, HighTechRecord

pytestmark = pytest.mark.django_db


def _input(cast: Any, uscc: str, **kw: Any) -> services.EnterpriseInput:
    return services.EnterpriseInput(
        uscc=uscc, name=kw.pop("name", "常州示例机械有限公司"), unit=cast.yahe, **kw
    )


def wrong_check(uscc: str) -> str:
    last = "0" if uscc[-1] != "0" else "1"
    return uscc[:-1] + last


# --- register -----------------------------------------------------------------------------------


def test_it_registers_an_enterprise_with_a_valid_code(cast: Any, officer: Any) -> None:
    e = services.enterprise_create(
        actor=officer,
        data=_input(cast, valid_uscc().lower(), contact_name="周明", contact_phone="13961234567"),
    )
    assert e.uscc == valid_uscc() and e.uscc_override_reason == ""
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(e.pk)).exists()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM enterprises_enterprise WHERE id = %s", [e.pk])
        raw = cursor.fetchone()[0]
    assert "13961234567" not in raw  # stored encrypted
    assert Enterprise.objects.get(pk=e.pk).contact_phone == "13961234567"


def test_a_wrong_check_digit_is_refused_without_an_override(cast: Any, officer: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.enterprise_create(actor=officer, data=_input(cast, wrong_check(valid_uscc())))
    assert exc.value.field == "uscc" and "校验码" in exc.value.message
    assert not Enterprise.objects.exists()


def test_a_wrong_check_digit_is_accepted_with_an_audited_reason(cast: Any, officer: Any) -> None:
    code = wrong_check(valid_uscc())
    e = services.enterprise_create(
        actor=officer, data=_input(cast, code, override_reason="营业执照原件核对无误，系统赋码历史遗留")
    )
    assert e.uscc == code and "核对无误" in e.uscc_override_reason
    event = AuditEvent.objects.get(action="enterprise.uscc_override", object_id=str(e.pk))
    assert "核对无误" in event.message


def test_a_malformed_code_cannot_be_overridden(cast: Any, officer: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.enterprise_create(actor=officer, data=_input(cast, "91320412ABC", override_reason="理由"))
    assert "18位" in exc.value.message


def test_a_duplicate_code_is_refused(cast: Any, officer: Any) -> None:
    services.enterprise_create(actor=officer, data=_input(cast, valid_uscc()))
    with pytest.raises(DomainError) as exc:
        services.enterprise_create(actor=officer, data=_input(cast, valid_uscc(), name="另一家"))
    assert "已登记" in exc.value.message and Enterprise.objects.count() == 1


def test_a_bad_industry_code_or_foreign_grid_is_refused(cast: Any, officer: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.enterprise_create(actor=officer, data=_input(cast, valid_uscc(), industry_code="3670"))
    assert exc.value.field == "industry_code"
    with pytest.raises(DomainError) as exc:
        services.enterprise_create(actor=officer, data=_input(cast, valid_uscc(), grid=cast.lujiaxiang_grid))
    assert exc.value.field == "grid"


def test_a_village_cadre_may_not_register(cast: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.enterprise_create(actor=cast.yahe_cadre, data=_input(cast, valid_uscc()))


def test_an_enterprise_outside_the_scope_is_not_found(cast: Any, make_enterprise: Any) -> None:
    from zhenwu.testing import make_user

    e = make_enterprise(unit=cast.lujiaxiang)
    staff = make_user("yh_staff", unit=cast.yahe, role="dept_staff")
    with pytest.raises(NotFoundError):
        services.hightech_add(actor=staff, enterprise=e, year=2026)
    assert not Enterprise.objects.visible_to(cast.yahe_cadre).filter(pk=e.pk).exists()


# --- 高企 ---------------------------------------------------------------------------------------


def _certified(officer: Any, e: Any, year: int, issued_on: date) -> HighTechRecord:
    r = services.hightech_add(actor=officer, enterprise=e, year=year)
    services.hightech_transition(
        actor=officer,
        record=r,
        action=HighTechAction.APPLY,
        details=services.CertificateInput(applied_on=date(year, 6, 1)),
    )
    return services.hightech_transition(
        actor=officer,
        record=r,
        action=HighTechAction.CERTIFY,
        details=services.CertificateInput(certificate_no=f"GR{year}3200{e.pk:05d}", issued_on=issued_on),
    )


def test_certification_sets_three_years_of_validity(officer: Any, make_enterprise: Any) -> None:
    r = _certified(officer, make_enterprise(), 2023, date(2023, 12, 12))
    assert r.status == HighTechStatus.CERTIFIED and r.expires_on == date(2026, 12, 11)
    assert r.is_valid_on(date(2026, 12, 11)) and not r.is_valid_on(date(2026, 12, 12))
    assert not r.is_renewal


def test_a_certificate_dated_in_the_future_is_refused(officer: Any, make_enterprise: Any) -> None:
    r = services.hightech_add(actor=officer, enterprise=make_enterprise(), year=2026)
    services.hightech_transition(actor=officer, record=r, action=HighTechAction.APPLY)
    with pytest.raises(DomainError) as exc:
        services.hightech_transition(
            actor=officer,
            record=r,
            action=HighTechAction.CERTIFY,
            details=services.CertificateInput(certificate_no="GR202632000001", issued_on=date(2026, 11, 11)),
        )
    assert exc.value.field == "issued_on" and "不能晚于今天" in exc.value.message
    r.refresh_from_db()
    assert r.status == HighTechStatus.APPLIED and r.certificate_no == ""


def test_an_illegal_transition_names_the_state(officer: Any, make_enterprise: Any) -> None:
    r = services.hightech_add(actor=officer, enterprise=make_enterprise(), year=2026)
    with pytest.raises(DomainError) as exc:
        services.hightech_transition(
            actor=officer,
            record=r,
            action=HighTechAction.CERTIFY,
            details=services.CertificateInput(certificate_no="X", issued_on=date(2026, 1, 1)),
        )
    assert "培育库" in exc.value.message


def test_rejection_needs_a_reason(officer: Any, make_enterprise: Any) -> None:
    r = services.hightech_add(actor=officer, enterprise=make_enterprise(), year=2026)
    services.hightech_transition(actor=officer, record=r, action=HighTechAction.APPLY)
    with pytest.raises(DomainError):
        services.hightech_transition(actor=officer, record=r, action=HighTechAction.REJECT)
    r = services.hightech_transition(
        actor=officer,
        record=r,
        action=HighTechAction.REJECT,
        details=services.CertificateInput(note="得分不足"),
    )
    assert r.status == HighTechStatus.REJECTED


def test_valid_count_net_increase_and_renewal(officer: Any, make_enterprise: Any) -> None:
    old = [make_enterprise() for _ in range(3)]
    for e in old:
        _certified(officer, e, 2020, date(2020, 11, 20))  # expire 2023-11-19
    renewed = _certified(officer, old[0], 2023, date(2023, 12, 5))
    assert renewed.is_renewal
    new = make_enterprise()
    _certified(officer, new, 2023, date(2023, 12, 5))
    fig = selectors.year_figures(2023)
    assert fig.count("hightech_valid") == 2  # old[0] renewed + new
    assert fig.sets["hightech_new"] == {new.pk}
    assert fig.sets["hightech_lapsed"] == {old[1].pk, old[2].pk}
    assert fig.net_increase == -1 == 2 - 3
    assert fig.count("hightech_certified") == 2
    assert len(selectors.valid_hightech_ids(date(2023, 11, 19))) == 3
    assert len(selectors.valid_hightech_ids(date(2023, 11, 20))) == 0


def test_expiry_reminders_are_sent_once_and_skip_renewed(officer: Any, make_enterprise: Any) -> None:
    from zhenwu.core.models import Notification

    a, b = make_enterprise(), make_enterprise()
    _certified(officer, a, 2023, date(2023, 12, 12))  # expires 2026-12-11: within 90 days
    _certified(officer, b, 2020, date(2020, 1, 10))  # long expired
    assert services.hightech_expiry_reminders(today=date(2026, 11, 10)) == 1
    assert services.hightech_expiry_reminders(today=date(2026, 11, 11)) == 0
    n = Notification.objects.get()
    assert a.name in n.subject and "2026年12月11日" in n.body


# --- 科小, projects, diagnoses -------------------------------------------------------------------


def test_techsme_numbers_are_unique_and_dated_in_their_year(officer: Any, make_enterprise: Any) -> None:
    e, f = make_enterprise(), make_enterprise()
    services.techsme_register(
        actor=officer, enterprise=e, year=2026, reg_no="2026320412A0000001", registered_on=date(2026, 5, 1)
    )
    with pytest.raises(DomainError):
        services.techsme_register(
            actor=officer,
            enterprise=f,
            year=2026,
            reg_no="2026320412A0000001",
            registered_on=date(2026, 5, 1),
        )
    with pytest.raises(DomainError):
        services.techsme_register(
            actor=officer, enterprise=f, year=2025, reg_no="X2", registered_on=date(2026, 5, 1)
        )
    with pytest.raises(DomainError):
        services.techsme_register(
            actor=officer, enterprise=f, year=2026, reg_no="X3", registered_on=date(2026, 12, 1)
        )


def test_project_nodes_are_planned_backwards_in_working_days(officer: Any, make_enterprise: Any) -> None:
    from zhenwu.core.services import calendar_seed

    calendar_seed(years=[2026])
    e = make_enterprise()
    # deadline Thursday 8 October 2026: 1–7 October are the National Day holiday (plus 调休)
    project = services.project_create(
        actor=officer,
        enterprise=e,
        title="设备联网",
        deadline=date(2026, 10, 8),
        nodes=[("验收", 0), ("试运行", 1), ("安装", 3)],
    )
    nodes = {n.title: n for n in project.nodes.all()}
    assert nodes["验收"].due_on == date(2026, 10, 8)
    from zhenwu.core.selectors import get_work_calendar

    cal = get_work_calendar()
    # one working day before 8 October skips the whole holiday
    assert nodes["试运行"].due_on < date(2026, 10, 1) and cal.is_workday(nodes["试运行"].due_on)
    assert cal.working_days_between(nodes["安装"].due_on, date(2026, 10, 8)) == 3
    assert [n.title for n in project.nodes.order_by("seq")] == ["安装", "试运行", "验收"]
    assert not any(n.provisional for n in nodes.values())


def test_nodes_in_an_unknown_year_are_provisional(officer: Any, make_enterprise: Any) -> None:
    project = services.project_create(
        actor=officer,
        enterprise=make_enterprise(),
        title="远期",
        deadline=date(2031, 3, 3),
        nodes=[("验收", 2)],
    )
    node = project.nodes.get()
    assert node.provisional and node.due_on == date(2031, 2, 27)  # Mon 3 March − 2 working days = Thu 27 Feb


def test_the_default_maturity_rule(officer: Any, make_enterprise: Any) -> None:
    assert len(DOMAINS) == 20 and len(ELEMENTS) == 4
    full = {c: {"1": [1.0, 1.0], "2": [1.0, 0.8], "3": [0.5, 0.5]} for c in DOMAIN_CODES}
    result = compute_maturity(full, MaturityRuleSpec())
    assert result.level == 2 and result.score == 2.5
    # one level-2 requirement less: level 2 mean falls below 0.8
    weak = {c: {"1": [1.0], "2": [0.5, 0.8]} for c in DOMAIN_CODES}
    assert compute_maturity(weak, MaturityRuleSpec()).level == 1
    strict = MaturityRuleSpec(name="严格", threshold=0.95)
    assert compute_maturity(full, strict).level == 1
    d = services.diagnosis_create(
        actor=officer,
        enterprise=make_enterprise(),
        diagnosed_on=date(2026, 5, 1),
        provider="服务商",
        ratings=full,
        systems=["ERP", "MES"],
    )
    assert d.level == 2 and d.score == Decimal("2.50") and d.ratings["data"]["2"] == [1.0, 0.8]
    assert "GB/T 39117" in d.rule.name


@pytest.mark.parametrize(
    "ratings",
    [{"nonsense": {"1": [1]}}, {"data": {"6": [1]}}, {"data": {"1": [0.7]}}, {"data": {"1": []}}, ["data"]],
)
def test_bad_ratings_are_refused(officer: Any, make_enterprise: Any, ratings: Any) -> None:
    with pytest.raises(DomainError):
        services.diagnosis_create(
            actor=officer,
            enterprise=make_enterprise(),
            diagnosed_on=date(2026, 5, 1),
            provider="x",
            ratings=ratings,
        )


def test_profile_is_refused_when_the_precheck_refuses_it(officer: Any, make_enterprise: Any) -> None:
    from tests.enterprises.test_enterprises_precheck import TECHSME

    e = make_enterprise()
    with pytest.raises(DomainError) as exc:
        services.enterprise_set_profile(
            actor=officer, enterprise=e, kind="techsme", data={**TECHSME, "rd": -1}
        )
    assert exc.value.field == "rd"
    services.enterprise_set_profile(actor=officer, enterprise=e, kind="techsme", data=TECHSME)
    result, problem = selectors.run_precheck(Enterprise.objects.get(pk=e.pk), "techsme")
    assert result is not None and result.eligible and problem == ""


def test_a_partnership_follows_its_table(officer: Any, make_enterprise: Any) -> None:
    from zhenwu.enterprises.choices import PartnershipAction, PartnershipStatus

    p = services.partnership_create(
        actor=officer,
        enterprise=make_enterprise(),
        institution="常州大学",
        title="联合研发",
        amount_wan=Decimal("50"),
        signed_on=date(2026, 3, 1),
    )
    assert p.status == PartnershipStatus.SIGNED
    with pytest.raises(DomainError) as exc:
        services.partnership_transition(actor=officer, partnership=p, action=PartnershipAction.COMPLETE)
    assert "已签约" in exc.value.message
    with pytest.raises(DomainError):
        services.partnership_transition(actor=officer, partnership=p, action=PartnershipAction.TERMINATE)
    p = services.partnership_transition(actor=officer, partnership=p, action=PartnershipAction.START)
    p = services.partnership_transition(actor=officer, partnership=p, action=PartnershipAction.COMPLETE)
    assert p.status == PartnershipStatus.COMPLETED
    assert AuditEvent.objects.filter(action="partnership.complete", object_id=str(p.pk)).exists()


def test_city_filing_of_an_attraction(officer: Any, make_enterprise: Any) -> None:
    a = services.attraction_create(actor=officer, enterprise=make_enterprise(), attracted_on=date(2026, 3, 1))
    with pytest.raises(DomainError):
        services.attraction_file(actor=officer, attraction=a, filed_on=date(2026, 2, 1))
    with pytest.raises(DomainError):
        services.attraction_file(actor=officer, attraction=a, filed_on=date(2026, 12, 1))
    services.attraction_file(actor=officer, attraction=a, filed_on=date(2026, 6, 1))
    assert selectors.year_figures(2026).count("sme_city_filed") == 1
    with pytest.raises(DomainError):
        services.attraction_file(actor=officer, attraction=a, filed_on=date(2026, 7, 1))


def test_a_node_is_done_once(officer: Any, make_enterprise: Any) -> None:
    project = services.project_create(
        actor=officer, enterprise=make_enterprise(), title="x", deadline=date(2031, 3, 3), nodes=[("验收", 0)]
    )
    node = project.nodes.get()
    services.project_node_done(actor=officer, node=node, done_on=date(2026, 11, 10))
    with pytest.raises(DomainError) as exc:
        services.project_node_done(actor=officer, node=node, done_on=date(2026, 11, 10))
    assert "已完成" in exc.value.message


def test_visits_are_recorded_by_the_visitor(officer: Any, make_enterprise: Any) -> None:
    e = make_enterprise()
    v = services.visit_create(
        actor=officer, enterprise=e, visited_on=date(2026, 11, 9), purpose="高企培育辅导"
    )
    assert v.visitor == officer and list(selectors.enterprise_history(e)["visits"]) == [v]
    with pytest.raises(DomainError):
        services.visit_create(actor=officer, enterprise=e, visited_on=date(2026, 11, 11), purpose="未来")


def test_metrics_are_registered_and_count_per_unit(cast: Any, officer: Any, make_enterprise: Any) -> None:
    from zhenwu.core.parts import metrics

    found = metrics()
    for key in ("enterprises.hightech_valid", "enterprises.techsme_registered", "enterprises.diagnoses"):
        assert key in found
    a, b = make_enterprise(), make_enterprise(unit=cast.lujiaxiang)
    for e in (a, b):
        services.techsme_register(
            actor=officer, enterprise=e, year=2026, reg_no=f"R{e.pk}", registered_on=date(2026, 4, 1)
        )
    values = found["enterprises.techsme_registered"].compute(
        [cast.town, cast.yahe, cast.lujiaxiang], date(2026, 1, 1), date(2026, 12, 31)
    )
    assert values == {cast.town.pk: 2.0, cast.yahe.pk: 1.0, cast.lujiaxiang.pk: 1.0}


def test_the_nav_section_follows_the_capabilities(cast: Any) -> None:
    from zhenwu.enterprises.nav import section

    s = section(cast.town_admin)
    assert s is not None and any(i.label == "导入企业" for i in s.items)
    cadre = section(cast.yahe_cadre)
    assert cadre is not None and not any(i.label == "导入企业" for i in cadre.items)
    assert section(cast.citizen) is None

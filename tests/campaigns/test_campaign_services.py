"""专项行动 services: milestones, progress reports, RAG, scope, reminders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tests.campaigns.conftest import World, make_campaign

from zhenwu.campaigns import selectors, services
from zhenwu.campaigns.models import ProgressReport
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError


def _report(world: World, actor: Any = None, **progress: int) -> Any:
    ms = {m.title: m.pk for m in world.milestones()}
    return services.report_submit(
        actor=actor or world.cast.yahe_cadre,
        campaign=world.campaign,
        text="背街小巷线缆已全部规整，拆除废弃线缆 3.2 公里。",
        milestone_progress={ms[k]: v for k, v in progress.items()},
    )


def _set_progress(world: World, values: list[int]) -> None:
    for m, v in zip(world.milestones(), values, strict=True):
        m.progress = v
        m.save()


def test_weights_that_do_not_sum_to_100_are_refused(world: World) -> None:
    c = make_campaign(world.cast, title="集贸市场治理", start=False)
    with pytest.raises(DomainError, match="合计为 90%"):
        services.milestones_replace(
            actor=world.cast.town_admin,
            campaign=c,
            rows=[
                services.MilestoneRow("a", date(2026, 5, 1), 50),
                services.MilestoneRow("b", date(2026, 6, 1), 40),
            ],
        )
    assert c.milestones.count() == 5  # nothing lost


def test_milestones_are_locked_once_the_campaign_runs(world: World) -> None:
    with pytest.raises(DomainError, match="推进中"):
        services.milestones_replace(
            actor=world.cast.town_admin,
            campaign=world.campaign,
            rows=[services.MilestoneRow("a", date(2026, 5, 1), 100)],
        )


def test_a_campaign_cannot_start_without_full_weights(world: World) -> None:
    c = make_campaign(world.cast, title="集贸市场治理", start=False)
    c.milestones.all().delete()
    with pytest.raises(DomainError, match="须为 100%"):
        services.campaign_transition(actor=world.cast.town_admin, campaign=c, action="start")


def test_progress_is_the_weighted_progress_of_the_milestones(world: World) -> None:
    report = _report(world, 摸底排查=100, 制定清单=100, 主干道整治=50)
    assert report.progress_after == Decimal("50.0")  # 20 + 15 + 30 × 0.5
    world.campaign.refresh_from_db()
    assert world.campaign.progress == Decimal("50.0")
    assert ProgressReport.objects.get().unit == world.cast.yahe


def test_a_report_turns_the_campaign_from_amber_to_green(world: World) -> None:
    _set_progress(world, [100, 100, 100, 80, 0])  # 背街小巷 was due yesterday, at 80%
    world.campaign.refresh_from_db()
    before = selectors.campaign_rag(world.campaign)
    assert before.colour == "amber" and "背街小巷整治" in before.reason
    _report(world, 背街小巷整治=100)
    world.campaign.refresh_from_db()
    after = selectors.campaign_rag(world.campaign)
    assert after.colour == "green", after.reason
    assert after.actual == Decimal("85.0")


def test_far_behind_plan_is_red(world: World) -> None:
    _set_progress(world, [100, 50, 0, 0, 0])
    rag = selectors.campaign_rag(world.campaign)
    assert rag.colour == "red" and "超过 15" in rag.reason


def test_a_report_on_a_closed_campaign_is_refused(world: World) -> None:
    services.campaign_transition(actor=world.cast.town_admin, campaign=world.campaign, action="close")
    world.campaign.refresh_from_db()
    with pytest.raises(DomainError, match="已结束"):
        _report(world, 摸底排查=100)
    assert not ProgressReport.objects.exists()


def test_closing_twice_names_the_current_state(world: World) -> None:
    services.campaign_transition(actor=world.cast.town_admin, campaign=world.campaign, action="close")
    with pytest.raises(DomainError, match="“已结束”"):
        services.campaign_transition(actor=world.cast.town_admin, campaign=world.campaign, action="close")


def test_progress_cannot_go_backwards(world: World) -> None:
    _report(world, 摸底排查=100)
    with pytest.raises(DomainError, match="不能低于"):
        _report(world, 摸底排查=60)


def test_a_resubmitted_form_is_one_report(world: World) -> None:
    kwargs = dict(
        actor=world.cast.yahe_cadre,
        campaign=world.campaign,
        text="本期进展情况说明十个字以上",
        milestone_progress={},
    )
    a = services.report_submit(client_token="tok-1", **kwargs)
    b = services.report_submit(client_token="tok-1", **kwargs)
    assert a.pk == b.pk and ProgressReport.objects.count() == 1


def test_a_third_unit_cannot_report_on_another_units_campaign(world: World) -> None:
    with pytest.raises(NotFoundError):
        _report(world, actor=world.cast.ljx_cadre, 摸底排查=100)


def test_a_read_only_member_cannot_report(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        _report(world, actor=world.cast.yahe_viewer, 摸底排查=100)


def test_a_third_unit_cannot_change_the_plan(world: World) -> None:
    from zhenwu.orgs.models import Role
    from zhenwu.testing import make_user

    role = Role.objects.create(code="ljx_mgr", name="卢家巷管理", data_scope="unit_and_below", can_write=True,
                               capabilities=["campaigns.manage"])  # fmt: skip
    outsider = make_user("ljx_mgr", unit=world.cast.lujiaxiang, role=role.code)
    with pytest.raises(NotFoundError):
        services.campaign_update(actor=outsider, campaign=world.campaign, title="改名")
    world.campaign.refresh_from_db()
    assert world.campaign.title == "空中线缆治理"


def test_the_leader_reviews_a_report_and_the_unit_is_told(world: World) -> None:
    from zhenwu.core.models import Notification

    report = _report(world, 摸底排查=100)
    services.report_review(actor=world.cast.leader, report=report, text="进展较好，继续推进。")
    report.refresh_from_db()
    assert report.status == "reviewed"
    assert Notification.objects.filter(recipient_unit=world.cast.yahe, subject__contains="领导批示").exists()


def test_a_cadre_cannot_review(world: World) -> None:
    report = _report(world, 摸底排查=100)
    with pytest.raises(PermissionDeniedError):
        services.report_review(actor=world.cast.yahe_cadre, report=report, text="好")


def test_late_reports_are_reminded_once_a_day(world: World) -> None:
    from zhenwu.core.models import Notification

    today = date(2026, 11, 27)
    assert services.remind_late_reports(today=today) == 1  # never reported since 2 March, cycle 14 days
    assert services.remind_late_reports(today=today) == 0
    assert (
        Notification.objects.filter(
            recipient_unit=world.cast.department, subject__contains="逾期未报"
        ).count()
        == 1
    )
    _report(world, 摸底排查=100)
    assert services.remind_late_reports(today=today + timedelta(days=1)) == 0


def test_a_member_sees_the_campaign_and_an_outsider_does_not(world: World) -> None:
    assert [c.pk for c in selectors.campaign_list(user=world.cast.yahe_cadre)] == [world.campaign.pk]
    assert selectors.campaign_list(user=world.cast.ljx_cadre) == []


def test_the_roadmap_is_planned_backward_from_the_deadline(world: World) -> None:
    steps = services.roadmap_replace(
        actor=world.cast.town_admin,
        campaign=world.campaign,
        rows=[services.StepRow("整治", 5, "张三"), services.StepRow("验收", 3, "李四")],
    )
    assert steps[1].finish == date(2026, 12, 31) and steps[1].start == date(2026, 12, 29)
    assert steps[0].finish == date(2026, 12, 28) and steps[0].start == date(2026, 12, 22)


def test_a_roadmap_step_of_zero_days_is_refused(world: World) -> None:
    with pytest.raises(DomainError, match="不少于 1"):
        services.roadmap_replace(
            actor=world.cast.town_admin, campaign=world.campaign, rows=[services.StepRow("整治", 0)]
        )
    assert not world.campaign.steps.exists()


def test_a_roadmap_into_an_unknown_year_is_refused(world: World) -> None:
    services.campaign_update(actor=world.cast.town_admin, campaign=world.campaign, end_date=date(2031, 6, 30))
    with pytest.raises(DomainError, match="2031"):
        services.roadmap_replace(
            actor=world.cast.town_admin, campaign=world.campaign, rows=[services.StepRow("整治", 2)]
        )

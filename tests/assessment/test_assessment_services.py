"""Scheme, weights, findings, objections, monthly close, awards: the rules of the assessment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhenwu.assessment import services
from zhenwu.assessment.choices import (
    AwardKind,
    Board,
    FindingStatus,
    ObjectionAction,
    ObjectionStatus,
    RectificationStatus,
    ResultCategory,
)
from zhenwu.assessment.models import AssessmentMonth, Indicator, MonthlyResult, WeightProfile
from zhenwu.audit.models import AuditEvent
from zhenwu.core.actors import SYSTEM
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError

# Closing happens after the findings' objection window (3 working days from 2026-11-10).
AFTER_WINDOW = date(2026, 11, 16)

EQUAL = {"cml": "0.2", "wmcs": "0.2", "rjhj": "0.2", "lhgh": "0.2", "xqwy": "0.2"}


def ind(scheme: Any, code: str) -> Indicator:
    return Indicator.objects.get(item__scheme=scheme, code=code)


def record(staff: Any, unit: Any, indicator: Indicator, count: int = 1, day: date = date(2026, 11, 9)) -> Any:
    return services.finding_record(
        actor=staff.inspector, unit=unit, indicator=indicator, count=count, found_on=day, place="河桥北侧"
    )


def results(month: AssessmentMonth) -> dict[str, MonthlyResult]:
    return {r.unit.code: r for r in month.results.filter(category=ResultCategory.AREA).select_related("unit")}


class TestScheme:
    def test_next_year_is_copied_with_items_indicators_and_weights(
        self, cast: Any, staff: Any, scheme: Any
    ) -> None:
        services.weight_profile_set(
            actor=cast.town_admin, scheme=scheme, unit=cast.yahe, weights=EQUAL, valid_from=date(2026, 3, 1)
        )
        copy = services.scheme_copy(actor=cast.town_admin, source=scheme, year=2027)
        assert list(copy.items.values_list("name", flat=True)) == [
            "城市长效管理",
            "文明城市",
            "农村人居环境",
            "绿化管护",
            "小区物业管理",
        ]
        assert (
            Indicator.objects.filter(item__scheme=copy).count()
            == Indicator.objects.filter(item__scheme=scheme).count()
        )
        profile = copy.weight_profiles.get()
        assert profile.unit == cast.yahe and profile.valid_from == date(2027, 1, 1)
        with pytest.raises(DomainError, match="已存在"):
            services.scheme_copy(actor=cast.town_admin, source=scheme, year=2027)

    def test_a_village_cadre_cannot_manage_the_scheme(self, cast: Any, staff: Any, scheme: Any) -> None:
        with pytest.raises(PermissionDeniedError):
            services.scheme_copy(actor=cast.yahe_cadre, source=scheme, year=2027)

    def test_computed_indicator_needs_a_known_metric_and_a_formula(
        self, cast: Any, staff: Any, scheme: Any
    ) -> None:
        item = scheme.items.get(code="cml")
        with pytest.raises(DomainError, match="数据指标"):
            services.indicator_create(
                actor=cast.town_admin, item=item, code="x", name="x", source="computed", metric_key="nope"
            )
        with pytest.raises(DomainError, match="至少需要两行"):
            services.indicator_create(
                actor=cast.town_admin,
                item=item,
                code="x",
                name="x",
                source="computed",
                metric_key="workorders.on_time_rate",
                formula=[[0.5, 1]],
            )


class TestWeights:
    def test_weights_must_sum_to_one(self, cast: Any, staff: Any, scheme: Any) -> None:
        bad = dict(EQUAL, cml="0.3")
        with pytest.raises(DomainError, match="之和应为 1，当前为 1.1") as exc:
            services.weight_profile_set(
                actor=cast.town_admin, scheme=scheme, unit=cast.yahe, weights=bad, valid_from=date(2026, 1, 1)
            )
        assert exc.value.field == "weights"

    def test_weights_must_cover_every_item(self, cast: Any, staff: Any, scheme: Any) -> None:
        with pytest.raises(DomainError, match="缺少：xqwy"):
            services.weight_profile_set(
                actor=cast.town_admin,
                scheme=scheme,
                unit=cast.yahe,
                weights={"cml": "0.25", "wmcs": "0.25", "rjhj": "0.25", "lhgh": "0.25"},
                valid_from=date(2026, 1, 1),
            )

    def test_history_is_kept_and_the_latest_profile_applies(self, cast: Any, staff: Any, scheme: Any) -> None:
        from zhenwu.assessment.scoring import weights_for_units

        services.weight_profile_set(
            actor=cast.town_admin,
            scheme=scheme,
            unit_kind="village",
            weights=EQUAL,
            valid_from=date(2026, 1, 1),
        )
        own = {"cml": "0.4", "wmcs": "0.1", "rjhj": "0.3", "lhgh": "0.1", "xqwy": "0.1"}
        services.weight_profile_set(
            actor=cast.town_admin, scheme=scheme, unit=cast.yahe, weights=own, valid_from=date(2026, 6, 1)
        )
        assert WeightProfile.objects.count() == 2
        may = weights_for_units(scheme, [cast.yahe, cast.lujiaxiang], date(2026, 5, 1))
        june = weights_for_units(scheme, [cast.yahe, cast.lujiaxiang], date(2026, 6, 1))
        assert may[cast.yahe.pk][0]["cml"] == 0.2
        assert june[cast.yahe.pk][0]["cml"] == 0.4 and "一村一策" in june[cast.yahe.pk][1]
        assert june[cast.lujiaxiang.pk][0]["cml"] == 0.2


class TestFindings:
    def test_a_finding_becomes_a_deduction_with_deadlines(self, cast: Any, staff: Any, scheme: Any) -> None:
        f = record(staff, cast.lujiaxiang, ind(scheme, "ljlf"), count=4)
        assert f.points == Decimal("4.00") and f.number.startswith("KH-20261110-")
        assert f.objection_deadline == date(2026, 11, 13)  # 3 working days after Tuesday
        assert f.rectification == RectificationStatus.REQUIRED and f.rectify_deadline == date(2026, 11, 17)
        assert AuditEvent.objects.filter(action="assessment.finding_record", object_id=str(f.pk)).exists()

    def test_no_finding_in_a_closed_month(self, cast: Any, staff: Any, scheme: Any) -> None:
        record(staff, cast.yahe, ind(scheme, "ljlf"), day=date(2026, 10, 20))
        month = AssessmentMonth.objects.get(month=date(2026, 10, 1))
        services.month_close(actor=staff.leader, month=month, today=AFTER_WINDOW)
        with pytest.raises(DomainError, match="2026年10月已关账") as exc:
            record(staff, cast.yahe, ind(scheme, "ljlf"), day=date(2026, 10, 21))
        assert exc.value.field == "found_on"

    def test_veto_and_bonus_on_the_same_item_are_refused(self, cast: Any, staff: Any, scheme: Any) -> None:
        wmcs = scheme.items.get(code="wmcs")
        services.indicator_create(
            actor=cast.town_admin, item=wmcs, code="veto", name="重大负面舆情", kind="veto"
        )
        record(staff, cast.yahe, ind(scheme, "wmby"))  # a bonus on 文明城市
        with pytest.raises(DomainError, match="已有加分记录，同一项目不能既否决又加分") as exc:
            record(staff, cast.yahe, ind(scheme, "veto"))
        assert exc.value.field == "indicator"
        record(staff, cast.lujiaxiang, ind(scheme, "veto"))
        with pytest.raises(DomainError, match="已有一票否决记录"):
            record(staff, cast.lujiaxiang, ind(scheme, "wmby"))

    def test_inspectors_only(self, cast: Any, staff: Any, scheme: Any) -> None:
        with pytest.raises(PermissionDeniedError):
            services.finding_record(
                actor=cast.yahe_cadre,
                unit=cast.yahe,
                indicator=ind(scheme, "ljlf"),
                count=1,
                found_on=date(2026, 11, 9),
            )

    def test_rectification_is_verified_by_the_inspector(self, cast: Any, staff: Any, scheme: Any) -> None:
        f = record(staff, cast.yahe, ind(scheme, "ljlf"))
        with pytest.raises(NotFoundError):
            services.finding_rectify(actor=cast.ljx_cadre, finding=f, note="已清理")
        with pytest.raises(PermissionDeniedError):
            services.finding_rectify(actor=cast.yahe_viewer, finding=f, note="已清理")
        services.finding_rectify(actor=cast.yahe_cadre, finding=f, note="已清理")
        with pytest.raises(DomainError, match="写明原因"):
            services.finding_verify(actor=staff.inspector, finding=f, accepted=False)
        services.finding_verify(actor=staff.inspector, finding=f, accepted=True)
        f.refresh_from_db()
        assert f.rectification == RectificationStatus.VERIFIED and f.verified_by == staff.inspector


class TestObjections:
    def test_upheld_objection_cancels_the_deduction_and_the_score_is_recomputed(
        self, cast: Any, staff: Any, scheme: Any
    ) -> None:
        f = record(staff, cast.yahe, ind(scheme, "ljlf"), count=3)
        o = services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="该处属于县道养护范围")
        with pytest.raises(PermissionDeniedError):
            services.objection_transition(
                actor=cast.yahe_cadre, objection=o, action=ObjectionAction.UPHOLD, reason="x"
            )
        with pytest.raises(DomainError, match="审核意见"):
            services.objection_transition(actor=cast.town_admin, objection=o, action=ObjectionAction.UPHOLD)
        services.objection_transition(
            actor=cast.town_admin, objection=o, action=ObjectionAction.UPHOLD, reason="经核实属实"
        )
        o.refresh_from_db()
        f.refresh_from_db()
        assert o.status == ObjectionStatus.UPHELD and f.status == FindingStatus.CANCELLED
        with pytest.raises(DomainError, match="不能驳回申诉"):
            services.objection_transition(
                actor=cast.town_admin, objection=o, action=ObjectionAction.REJECT, reason="x"
            )
        month = services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
        assert results(month)["NT-YH"].items["rjhj"]["deductions"] == "0.00"
        assert AuditEvent.objects.filter(action="assessment.objection_uphold").exists()

    def test_rejected_objection_keeps_the_deduction(self, cast: Any, staff: Any, scheme: Any) -> None:
        f = record(staff, cast.yahe, ind(scheme, "ljlf"), count=3)
        o = services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="已当场清理")
        services.objection_transition(
            actor=cast.town_admin, objection=o, action=ObjectionAction.REJECT, reason="照片显示未清理"
        )
        month = services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)
        assert results(month)["NT-YH"].items["rjhj"]["deductions"] == "3.00"

    def test_no_objection_after_the_deadline(self, cast: Any, staff: Any, scheme: Any) -> None:
        f = record(staff, cast.yahe, ind(scheme, "ljlf"))
        with pytest.raises(DomainError, match="申诉期已过：申诉截止日为 2026-11-13"):
            services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="x", today=date(2026, 11, 16))

    def test_another_village_cannot_object(self, cast: Any, staff: Any, scheme: Any) -> None:
        f = record(staff, cast.yahe, ind(scheme, "ljlf"))
        with pytest.raises(NotFoundError):
            services.objection_submit(actor=cast.ljx_cadre, finding=f, reason="x")

    def test_month_with_pending_objections_cannot_close(self, cast: Any, staff: Any, scheme: Any) -> None:
        f = record(staff, cast.yahe, ind(scheme, "ljlf"))
        services.objection_submit(actor=cast.yahe_cadre, finding=f, reason="x")
        with pytest.raises(DomainError, match="1 件申诉未审核"):
            services.month_close(actor=staff.leader, month=f.month, today=AFTER_WINDOW)


class TestMonthlyClose:
    def test_scores_weights_ranks_and_ties(self, cast: Any, staff: Any, scheme: Any) -> None:
        services.weight_profile_set(
            actor=cast.town_admin,
            scheme=scheme,
            unit_kind="village",
            weights=EQUAL,
            valid_from=date(2026, 1, 1),
        )
        own = {"cml": "0.1", "wmcs": "0.1", "rjhj": "0.6", "lhgh": "0.1", "xqwy": "0.1"}
        services.weight_profile_set(
            actor=cast.town_admin,
            scheme=scheme,
            unit=cast.lujiaxiang,
            weights=own,
            valid_from=date(2026, 1, 1),
        )
        record(staff, cast.lujiaxiang, ind(scheme, "ljlf"), count=5)  # rjhj -5
        record(staff, cast.lujiaxiang, ind(scheme, "htpf"), count=30)  # capped at 15
        record(staff, staff.dongtang, ind(scheme, "ltfs"))  # veto: rjhj = 0
        record(
            staff, cast.yahe, ind(scheme, "wmby"), count=5
        )  # bonus 10 -> indicator cap 5 -> item bonus cap 5
        month = services.month_close(
            actor=staff.leader, month=AssessmentMonth.objects.get(), today=AFTER_WINDOW
        )
        r = results(month)
        assert r["NT-LJX"].items["rjhj"]["score"] == "80.00"  # 100 - 5 - min(30, 15)
        assert r["NT-LJX"].total == Decimal("88.00")  # 0.6 × 80 + 0.4 × 100
        assert r["NT-DT"].items["rjhj"]["veto"] is True and r["NT-DT"].total == Decimal("80.00")
        assert r["NT-YH"].items["wmcs"]["score"] == "105.00" and r["NT-YH"].total == Decimal("101.00")
        # 南庄社区 has no profile for communities: equal weights, full marks, same as nobody else
        assert r["NT-NZ"].total == Decimal("100.00") and r["NT-NZ"].weights["source"].startswith("等权")
        assert [r[c].rank for c in ("NT-YH", "NT-NZ", "NT-LJX", "NT-DT")] == [1, 2, 3, 4]
        assert month.rules_snapshot["notes"] == []  # the work-order source answers (no orders: no points)
        dept = month.results.get(category=ResultCategory.DEPARTMENT, unit=cast.department)
        # 城市管理办公室 leads 城市长效管理 only, where nobody lost points this month.
        assert list(dept.items) == ["cml"] and dept.total == Decimal("100.00")

    def test_ties_share_a_rank_and_the_next_rank_is_skipped(self, cast: Any, staff: Any, scheme: Any) -> None:
        record(staff, cast.lujiaxiang, ind(scheme, "ljlf"), count=5)
        month = services.month_close(
            actor=staff.leader, month=AssessmentMonth.objects.get(), today=AFTER_WINDOW
        )
        ranks = sorted(r.rank for r in results(month).values())
        assert ranks == [1, 1, 1, 4]

    def test_change_against_last_month_and_awards(self, cast: Any, staff: Any, scheme: Any) -> None:
        record(staff, cast.yahe, ind(scheme, "ljlf"), count=10, day=date(2026, 10, 5))
        record(staff, staff.dongtang, ind(scheme, "ljlf"), count=12, day=date(2026, 10, 5))
        oct_ = services.month_close(
            actor=staff.leader, month=AssessmentMonth.objects.get(month=date(2026, 10, 1)), today=AFTER_WINDOW
        )
        record(staff, staff.dongtang, ind(scheme, "ljlf"), count=15)
        record(staff, cast.lujiaxiang, ind(scheme, "ljlf"), count=2)
        nov = services.month_close(
            actor=staff.leader,
            month=AssessmentMonth.objects.get(month=date(2026, 11, 1)),
            today=AFTER_WINDOW,
        )
        r = results(nov)
        assert r["NT-YH"].previous_total == results(oct_)["NT-YH"].total and r[
            "NT-YH"
        ].score_change == Decimal("2.00")
        awards = {(a.kind, a.unit.code) for a in nov.awards.all()}
        assert (AwardKind.RED_FLAG, "NT-NZ") in awards
        assert (AwardKind.STEED, "NT-YH") in awards
        assert (AwardKind.SNAIL, "NT-DT") in awards  # last two months running
        boards = {(h.board, h.unit.code) for h in nov.honour_rolls.all()}
        assert (Board.BLACK, "NT-DT") in boards and (Board.RED, "NT-NZ") in boards

    def test_a_closed_month_keeps_its_rules(self, cast: Any, staff: Any, scheme: Any) -> None:
        record(staff, cast.yahe, ind(scheme, "ljlf"), count=2, day=date(2026, 10, 5))
        month = services.month_close(
            actor=staff.leader, month=AssessmentMonth.objects.get(month=date(2026, 10, 1)), today=AFTER_WINDOW
        )
        Indicator.objects.filter(code="ljlf").update(points_per_finding=Decimal("5"))
        month.refresh_from_db()
        snap = {i["code"]: i for item in month.rules_snapshot["items"] for i in item["indicators"]}
        assert snap["ljlf"]["points_per_finding"] == "1.00"

    def test_reopen_needs_a_leader_and_a_reason_and_is_audited(
        self, cast: Any, staff: Any, scheme: Any
    ) -> None:
        record(staff, cast.yahe, ind(scheme, "ljlf"), day=date(2026, 10, 5))
        month = services.month_close(
            actor=cast.town_admin,
            month=AssessmentMonth.objects.get(month=date(2026, 10, 1)),
            today=AFTER_WINDOW,
        )
        with pytest.raises(PermissionDeniedError):
            services.month_reopen(actor=cast.town_admin, month=month, reason="补录")
        with pytest.raises(DomainError, match="原因"):
            services.month_reopen(actor=staff.leader, month=month, reason=" ")
        services.month_reopen(actor=staff.leader, month=month, reason="补录漏记问题")
        month.refresh_from_db()
        assert not month.is_closed and month.reopen_count == 1
        event = AuditEvent.objects.get(action="assessment.month_reopen")
        assert event.message == "补录漏记问题" and event.actor == staff.leader

    def test_village_cadre_cannot_close(self, cast: Any, staff: Any, scheme: Any) -> None:
        record(staff, cast.yahe, ind(scheme, "ljlf"))
        with pytest.raises(PermissionDeniedError):
            services.month_close(
                actor=cast.yahe_cadre, month=AssessmentMonth.objects.get(), today=AFTER_WINDOW
            )


class TestMeetings:
    def test_a_decision_becomes_a_task_of_the_unit(self, cast: Any, staff: Any, scheme: Any) -> None:
        from zhenwu.assessment import selectors

        services.meeting_create(
            actor=staff.leader,
            held_on=date(2026, 11, 6),
            title="10月点评会",
            attendees="镇长、各村书记",
            decisions=[{"text": "清理河塘", "unit": cast.yahe, "deadline": date(2026, 11, 30)}],
        )
        tasks = list(selectors.open_tasks(user=cast.yahe_cadre))
        assert [t.text for t in tasks] == ["清理河塘"]
        assert not selectors.open_tasks(user=cast.ljx_cadre).exists()
        with pytest.raises(NotFoundError):
            services.decision_complete(actor=cast.ljx_cadre, decision=tasks[0], note="x")
        services.decision_complete(actor=cast.yahe_cadre, decision=tasks[0], note="已清理完毕")
        assert not selectors.open_tasks(user=cast.yahe_cadre).exists()


class TestComputedIndicators:
    def test_work_order_rates_score_through_the_formula_from_the_metrics_hook(
        self, cast: Any, staff: Any, scheme: Any, monkeypatch: Any
    ) -> None:
        calls: list[tuple[Any, Any]] = []

        def unit_metrics(*, units: Any, start: date, end: date) -> dict[int, dict[str, float]]:
            calls.append((start, end))
            return {
                cast.yahe.pk: {"on_time_close_rate": 0.95, "satisfaction_rate": 0.84},
                cast.lujiaxiang.pk: {"on_time_close_rate": 0.775},
            }

        monkeypatch.setattr("zhenwu.workorders.metrics.unit_metrics", unit_metrics)
        record(staff, cast.yahe, ind(scheme, "ljlf"))
        month = services.month_close(
            actor=staff.leader, month=AssessmentMonth.objects.get(), today=AFTER_WINDOW
        )
        r = results(month)
        assert calls[0] == (date(2026, 11, 1), date(2026, 11, 30))
        assert r["NT-YH"].items["cml"]["computed"] == "5.00"  # 95% → full 5 points
        assert r["NT-YH"].items["wmcs"]["computed"] == "2.50"  # 84% is halfway between 70% and 98%
        assert r["NT-LJX"].items["cml"]["computed"] == "2.50"  # halfway between 60% and 95%
        assert r["NT-DT"].items["cml"]["computed"] == "0.00"  # no orders: nothing, not a guess
        assert month.rules_snapshot["notes"] == []

    def test_real_work_orders_feed_the_computed_indicator(self, cast: Any, staff: Any, scheme: Any) -> None:
        """丫河村 answers its one November order on time: 按期办结率 100% → the full 5 points."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        import time_machine

        from zhenwu.workorders.choices import Action, Channel
        from zhenwu.workorders.services import category_save, workorder_create, workorder_transition

        category = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=3)
        with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
            order = workorder_create(
                actor=cast.operator, channel=Channel.PHONE, category=category, description="路灯不亮"
            )
            order = workorder_transition(
                actor=cast.operator, order=order, action=Action.DISPATCH, unit=cast.yahe
            )
            order = workorder_transition(actor=cast.yahe_cadre, order=order, action=Action.SIGN)
            workorder_transition(actor=cast.yahe_cadre, order=order, action=Action.REPLY, note="已修复")
        record(staff, cast.yahe, ind(scheme, "ljlf"))
        month = services.month_close(
            actor=staff.leader, month=AssessmentMonth.objects.get(), today=AFTER_WINDOW
        )
        r = results(month)
        assert r["NT-YH"].items["cml"]["computed"] == "5.00"
        assert r["NT-LJX"].items["cml"]["computed"] == "0.00"  # no orders: nothing, not a guess
        assert not any("数据源未就绪" in n for n in month.rules_snapshot["notes"])

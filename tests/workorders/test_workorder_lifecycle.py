"""The work-order lifecycle: one transition table, every step checked for actor, scope and state."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.models import Notification
from zhenwu.workorders.choices import Action, Channel, Status
from zhenwu.workorders.models import WorkOrder
from zhenwu.workorders.services import sla_scan, workorder_create, workorder_transition

SH = ZoneInfo("Asia/Shanghai")
# Tuesday 2026-11-24 09:00 Shanghai: a plain working week.
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SH)


def _new(cast: Any, cats: dict[str, Any], **kw: Any) -> WorkOrder:
    args = {
        "actor": None,
        "channel": Channel.H5,
        "category": cats["light"],
        "description": "丫河村村口路灯不亮已经三天了，晚上走路很不安全。",
        "reporter_name": "王女士",
        "reporter_phone": "13912345678",
        "address": "丫河村村口",
        "grid": cast.yahe_grid,
    }
    args.update(kw)
    return workorder_create(**args)


def _go(order: WorkOrder, actor: Any, action: str, **kw: Any) -> WorkOrder:
    return workorder_transition(actor=actor, order=order, action=action, **kw)


@time_machine.travel(T0, tick=False)
def test_it_runs_the_whole_loop_and_keeps_a_timeline(cast: Any, cats: dict[str, Any]) -> None:
    order = _new(cast, cats)
    assert order.number == "NT-20261124-0001"
    assert len(order.query_code) == 6 and order.status == Status.NEW
    order = _go(order, cast.operator, Action.DISPATCH, unit=cast.yahe)
    assert order.status == Status.DISPATCHED and order.lead_unit == cast.yahe
    # Sign within 2 working hours, handle within 3 working days (7.5 h a day).
    assert order.sign_deadline.astimezone(SH) == datetime(2026, 11, 24, 11, 0, tzinfo=SH)
    assert order.deadline.astimezone(SH) == datetime(2026, 11, 27, 9, 0, tzinfo=SH)
    order = _go(order, cast.yahe_cadre, Action.SIGN)
    order = _go(order, cast.yahe_cadre, Action.REPLY, note="已联系电工更换灯泡，路灯恢复。")
    assert order.status == Status.REPLIED and order.handling_hours == 0.0
    order = _go(order, None, Action.RATE, satisfaction="satisfied", query_code=order_code(order))
    assert order.status == Status.CLOSED and order.closed_at is not None
    actions = list(order.events.values_list("action", flat=True))
    assert actions == ["create", "dispatch", "sign", "reply", "rate"]
    assert AuditEvent.objects.filter(object_type="workorders.workorder", object_id=str(order.pk)).count() == 5


_codes: dict[int, str] = {}


def order_code(order: WorkOrder) -> str:
    return _codes[order.pk]


@pytest.fixture(autouse=True)
def _remember_codes(monkeypatch: Any) -> None:
    import zhenwu.workorders.services as services

    original = services.workorder_create

    def wrapped(**kw: Any) -> WorkOrder:
        order = original(**kw)
        _codes[order.pk] = order.query_code  # type: ignore[attr-defined]
        return order

    monkeypatch.setattr(services, "workorder_create", wrapped)
    globals()["workorder_create"] = wrapped


@time_machine.travel(T0, tick=False)
def test_unsatisfied_sends_it_back_for_rework_once(cast: Any, cats: dict[str, Any]) -> None:
    order = _new(cast, cats)
    for actor, action, kw in [
        (cast.operator, Action.DISPATCH, {"unit": cast.yahe}),
        (cast.yahe_cadre, Action.SIGN, {}),
        (cast.yahe_cadre, Action.REPLY, {"note": "已处理"}),
    ]:
        order = _go(order, actor, action, **kw)
    order = _go(order, cast.operator, Action.CALLBACK, satisfaction="unsatisfied")
    assert order.status == Status.HANDLING and order.rework_count == 1
    order = _go(order, cast.yahe_cadre, Action.REPLY, note="再次处理，已更换整套灯具")
    order = _go(order, cast.operator, Action.CALLBACK, satisfaction="unsatisfied")
    # The second 不满意 closes the order as unsatisfied: rework is allowed once.
    assert order.status == Status.CLOSED and order.satisfaction == "unsatisfied" and order.rework_count == 1


@time_machine.travel(T0, tick=False)
def test_return_then_reassign_and_extension_moves_the_deadline(cast: Any, cats: dict[str, Any]) -> None:
    order = _go(_new(cast, cats), cast.operator, Action.DISPATCH, unit=cast.yahe)
    with pytest.raises(DomainError, match="退单的说明"):
        _go(order, cast.yahe_cadre, Action.RETURN)
    order = _go(order, cast.yahe_cadre, Action.RETURN, note="该路段属县道，由公路站管理")
    assert order.status == Status.RETURNED and order.return_count == 1
    with pytest.raises(DomainError, match="另一个单位"):
        _go(order, cast.operator, Action.REASSIGN, unit=cast.yahe)
    order = _go(order, cast.operator, Action.REASSIGN, unit=cast.department)
    assert order.lead_unit == cast.department and order.status == Status.DISPATCHED
    order = _go(order, cast.town_admin, Action.SIGN)
    old = order.deadline
    order = _go(order, cast.town_admin, Action.EXTEND, note="需要采购灯具", days=2)
    assert order.status == Status.EXTENSION
    order = _go(order, cast.leader, Action.APPROVE_EXTENSION)
    assert order.status == Status.HANDLING and order.extension_count == 1
    # Two working days after Friday 09:00 is Tuesday 09:00: the weekend does not count.
    assert old.astimezone(SH) == datetime(2026, 11, 27, 9, 0, tzinfo=SH)
    assert order.deadline.astimezone(SH) == datetime(2026, 12, 1, 9, 0, tzinfo=SH)


@time_machine.travel(T0, tick=False)
def test_direct_answer_closes_at_once(cast: Any, cats: dict[str, Any]) -> None:
    order = workorder_create(
        actor=cast.operator, channel=Channel.PHONE, category=cats["light"], description="小牛办几点上班？"
    )
    assert order.status == Status.ACCEPTED
    order = _go(order, cast.operator, Action.ANSWER, note="工作日 8:30-17:30。")
    assert order.status == Status.CLOSED and order.reply == "工作日 8:30-17:30。"


@time_machine.travel(T0, tick=False)
def test_illegal_transitions_are_refused_with_the_current_state(cast: Any, cats: dict[str, Any]) -> None:
    order = _new(cast, cats)
    with pytest.raises(DomainError, match="当前状态为“待受理”，不能签收"):
        _go(order, cast.town_admin, Action.SIGN)
    order = _go(order, cast.operator, Action.DISPATCH, unit=cast.yahe)
    with pytest.raises(DomainError, match="不能回复"):
        _go(order, cast.yahe_cadre, Action.REPLY, note="x")
    with pytest.raises(DomainError, match="未知的操作"):
        _go(order, cast.yahe_cadre, "fly")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED


@time_machine.travel(T0, tick=False)
def test_other_village_cannot_see_and_viewer_cannot_act(cast: Any, cats: dict[str, Any]) -> None:
    order = _go(_new(cast, cats), cast.operator, Action.DISPATCH, unit=cast.yahe)
    with pytest.raises(NotFoundError):
        _go(order, cast.ljx_cadre, Action.SIGN)
    with pytest.raises(PermissionDeniedError):
        _go(order, cast.yahe_viewer, Action.SIGN)
    with pytest.raises(PermissionDeniedError):
        _go(order, cast.yahe_cadre, Action.DISPATCH, unit=cast.lujiaxiang)


@time_machine.travel(T0, tick=False)
def test_wrong_query_code_is_not_found(cast: Any, cats: dict[str, Any]) -> None:
    order = _go(_new(cast, cats), cast.operator, Action.DISPATCH, unit=cast.yahe)
    order = _go(order, cast.yahe_cadre, Action.SIGN)
    order = _go(order, cast.yahe_cadre, Action.REPLY, note="好了")
    with pytest.raises(NotFoundError, match="编号或查询码不正确"):
        _go(order, None, Action.RATE, satisfaction="satisfied", query_code="AAAAAA")


@time_machine.travel(T0, tick=False)
def test_merge_makes_children_follow_and_every_reporter_gets_the_reply(
    cast: Any, cats: dict[str, Any]
) -> None:
    parent = _new(cast, cats)
    child = _new(cast, cats, reporter_phone="13700001111", description="村口的路灯坏了，晚上一片漆黑")
    child = _go(child, cast.operator, Action.MERGE, parent=parent, note="同一路灯")
    assert child.status == Status.MERGED and child.parent == parent
    with pytest.raises(DomainError, match="另一件未办结的主工单"):
        _go(_new(cast, cats), cast.operator, Action.MERGE, parent=child)
    parent = _go(parent, cast.operator, Action.DISPATCH, unit=cast.yahe)
    parent = _go(parent, cast.yahe_cadre, Action.SIGN)
    _go(parent, cast.yahe_cadre, Action.REPLY, note="已修复")
    child.refresh_from_db()
    assert child.reply == "已修复"
    sms = [n for n in Notification.objects.filter(channel="sms") if "已答复" in n.subject]
    assert {n.recipient_phone for n in sms} == {"13912345678", "13700001111"}


def test_double_submission_with_the_same_token_makes_one_order(cast: Any, cats: dict[str, Any]) -> None:
    with time_machine.travel(T0, tick=False):
        first = _new(cast, cats, client_token="tok-123")
        again = _new(cast, cats, client_token="tok-123")
    assert first.pk == again.pk and again.duplicate_submission  # type: ignore[attr-defined]
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"description": "x" * 4001}, "description", "不能超过 4000 字"),
        ({"description": "路灯<script>alert(1)</script>"}, "description", "HTML"),
        ({"description": "   "}, "description", "请填写诉求内容"),
        ({"lat": "91", "long": "120"}, "lat", "纬度超出范围"),
        ({"lat": "31.7", "long": "181"}, "long", "经度超出范围"),
        ({"lat": "abc", "long": "120"}, "lat", "纬度必须是数字"),
        ({"reporter_phone": "12345"}, "reporter_phone", "电话号码格式不正确"),
        ({"reporter_phone": ""}, "reporter_phone", "联系电话"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    cast: Any, cats: dict[str, Any], kw: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(DomainError, match=message) as info:
        _new(cast, cats, **kw)
    assert info.value.field == field
    assert WorkOrder.objects.count() == 0


def test_category_extra_fields_are_enforced(cast: Any, cats: dict[str, Any]) -> None:
    with pytest.raises(DomainError, match="发生时段"):
        _new(cast, cats, category=cats["noise"])
    order = _new(cast, cats, category=cats["noise"], extra={"period": "night", "junk": 1})
    assert order.extra == {"period": "night"}


def test_sla_scan_supervises_overdue_once_and_reminds_due_soon(cast: Any, cats: dict[str, Any]) -> None:
    with time_machine.travel(T0, tick=False):
        late = _go(_new(cast, cats), cast.operator, Action.DISPATCH, unit=cast.yahe)
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False):
        soon = _go(_new(cast, cats), cast.operator, Action.DISPATCH, unit=cast.yahe)
    # Friday 27th 10:00: `late` (due Fri 09:00) is overdue; `soon` (due Tue 10:00) is not yet in its last day.
    with time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=SH), tick=False):
        report = sla_scan()
        assert (report.supervised, report.reminded) == (1, 0)
        assert sla_scan().supervised == 0
    # Monday 30th 11:00: `soon` is within its last working day (warning from Mon 10:00).
    with time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=SH), tick=False):
        report = sla_scan()
        assert (report.supervised, report.reminded) == (0, 1)
        assert sla_scan().reminded == 0
    late.refresh_from_db()
    soon.refresh_from_db()
    assert late.supervised_at is not None and soon.supervised_at is None
    assert late.events.filter(action="supervise", data__auto=True).exists()


@time_machine.travel(T0, tick=False)
def test_each_dispatch_records_what_was_suggested_and_what_was_chosen(
    cast: Any, cats: dict[str, Any]
) -> None:
    from zhenwu.dispatch.models import DispatchDecision

    order = _go(_new(cast, cats), cast.operator, Action.DISPATCH, unit=cast.yahe)
    decision = DispatchDecision.objects.get(order_number=order.number)
    # The test cast has only two kinds of unit, so the suggestion offers two; 丫河村 (the place) first.
    assert decision.chosen_unit == cast.yahe and decision.suggestions[0]["unit"] == "丫河村"
    assert decision.chosen_rank == 1
    event = order.events.get(action="dispatch")
    assert event.data["suggested"][0] == "丫河村"


def test_a_landline_is_accepted_but_gets_no_sms(cast: Any, cats: dict[str, Any]) -> None:
    order = workorder_create(
        actor=cast.operator,
        channel=Channel.PHONE,
        category=cats["light"],
        description="座机来电：路灯不亮",
        reporter_phone="0519-86123456",
    )
    assert order.reporter_phone == "0519-86123456"
    assert not Notification.objects.filter(channel="sms").exists()

"""The core state-machine type: legal and illegal transitions, guards, and the buttons a person gets."""

from types import SimpleNamespace

import pytest

from zhenwu.core.errors import DomainError
from zhenwu.core.statemachine import StateMachine, Transition

MACHINE = StateMachine(
    name="办件",
    states=[("new", "待受理"), ("open", "办理中"), ("done", "已办结")],
    actions=[("accept", "受理"), ("finish", "办结"), ("note", "备注")],
    transitions=[
        Transition("accept", frozenset({"new"}), "open", actor="desk", capability="app.accept"),
        Transition(
            "finish",
            frozenset({"open"}),
            "done",
            actor="handler",
            guard=lambda obj: None if obj.materials_ok else "材料不齐，不能办结。",
        ),
        Transition("note", frozenset({"new", "open"}), None, actor="handler", needs_note=True),
    ],
)


def test_check_returns_target_of_a_legal_transition():
    assert MACHINE.check(SimpleNamespace(status="new"), "accept").target == "open"


def test_illegal_transition_names_the_state_and_the_action_in_chinese():
    with pytest.raises(DomainError) as exc:
        MACHINE.check(SimpleNamespace(status="done"), "accept")
    assert str(exc.value) == "办件当前状态为“已办结”，不能受理。"
    with pytest.raises(DomainError) as exc:
        MACHINE.check(SimpleNamespace(status="open", materials_ok=True), "accept")
    assert str(exc.value) == "办件当前状态为“办理中”，不能受理。当前可以：办结、备注。"


def test_unknown_action_is_a_domain_error_not_a_key_error():
    with pytest.raises(DomainError):
        MACHINE.check(SimpleNamespace(status="new"), "explode")


def test_guard_refuses_with_its_reason():
    with pytest.raises(DomainError, match="材料不齐"):
        MACHINE.check(SimpleNamespace(status="open", materials_ok=False), "finish")
    assert MACHINE.check(SimpleNamespace(status="open", materials_ok=True), "finish").target == "done"


def test_allowed_actions_filter_by_actor_kind_capability_and_guard():
    obj = SimpleNamespace(status="open", materials_ok=False)
    assert [t.action for t in MACHINE.allowed_actions(obj, actor_kinds={"handler"})] == ["note"]
    obj.materials_ok = True
    assert [t.action for t in MACHINE.allowed_actions(obj, actor_kinds={"handler"})] == ["finish", "note"]
    new = SimpleNamespace(status="new")
    assert [t.action for t in MACHINE.allowed_actions(new, actor_kinds={"desk"}, can=lambda c: False)] == []
    assert [t.action for t in MACHINE.allowed_actions(new, actor_kinds={"desk"})] == ["accept"]


def test_a_table_with_an_unknown_state_is_refused_at_import():
    with pytest.raises(ValueError):
        StateMachine(
            name="x",
            states=[("a", "甲")],
            actions=[("go", "走")],
            transitions=[Transition("go", frozenset({"a"}), "b")],
        )

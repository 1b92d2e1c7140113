"""The one state-machine type of zhenwu: a table of (state, action) -> target.

Every stateful object (work order, objection, episode, application, milestone …) declares one
``StateMachine`` in its part's ``choices.py``. The same table answers three questions:

- may this action be taken now? (``check``: an illegal transition is a ``DomainError`` whose
  Chinese message names the current state and the action);
- where does it lead? (``Transition.target``; ``None`` when the state does not change or depends
  on input, like a 回访 that closes or reopens);
- which buttons may this person press? (``allowed_actions``, given the actor kinds the person
  holds for the object and a capability test).

Core imports no part: the caller passes the actor kinds and the capability test.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from zhenwu.core.errors import DomainError

Guard = Callable[[Any], str | None]
"""Called with the object; returns a Chinese reason when the action is not possible, else None."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None
    actor: str = ""  # the kind of actor who takes it (desk, handler, leader, applicant …)
    capability: str | None = None  # a capability code the person must hold, if any
    needs_note: bool = False  # a reason or reply text is required
    guard: Guard | None = field(default=None, compare=False)


class StateMachine:
    """A transition table with Chinese labels for its states and actions."""

    def __init__(
        self,
        *,
        name: str,
        states: Iterable[tuple[str, str]],
        actions: Iterable[tuple[str, str]],
        transitions: Iterable[Transition],
        state_attr: str = "status",
    ) -> None:
        self.name = name
        self.state_labels = dict(states)
        self.action_labels = dict(actions)
        self.state_attr = state_attr
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self.transitions:
                raise ValueError(f"{name}: action {t.action!r} declared twice")
            unknown = {s for s in t.sources if s not in self.state_labels}
            if t.target is not None and t.target not in self.state_labels:
                unknown.add(t.target)
            if unknown or t.action not in self.action_labels:
                raise ValueError(f"{name}: unknown state or action in {t!r}")
            self.transitions[t.action] = t

    # --- labels -------------------------------------------------------------------------------
    def state_label(self, state: str) -> str:
        return self.state_labels.get(state, "未知状态")

    def action_label(self, action: str) -> str:
        return self.action_labels.get(action, "未知操作")

    # --- questions ----------------------------------------------------------------------------
    def get(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise DomainError(
                f"未知的操作：{self.name}没有这一步。", field="action", code="unknown_action"
            ) from None

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_attr))

    def check(self, obj: Any, action: str) -> Transition:
        """The transition for ``action`` from the object's state, or a DomainError naming both."""
        t = self.get(action)
        state = self.state_of(obj)
        if state not in t.sources:
            possible = "、".join(self.action_label(a.action) for a in self.available(state))
            hint = f"当前可以：{possible}。" if possible else ""
            raise DomainError(
                f"{self.name}当前状态为“{self.state_label(state)}”，不能{self.action_label(action)}。{hint}",
                code="illegal_transition",
            )
        if t.guard is not None:
            reason = t.guard(obj)
            if reason:
                raise DomainError(reason, code="guard")
        return t

    def available(self, state: str) -> list[Transition]:
        """Transitions leaving ``state``, in table order."""
        return [t for t in self.transitions.values() if state in t.sources]

    def allowed_actions(
        self,
        obj: Any,
        *,
        actor_kinds: Collection[str],
        can: Callable[[str], bool] = lambda capability: True,
    ) -> list[Transition]:
        """What a person holding ``actor_kinds`` for ``obj`` may do now: the buttons to show."""
        allowed = []
        for t in self.available(self.state_of(obj)):
            if t.actor and t.actor not in actor_kinds:
                continue
            if t.capability and not can(t.capability):
                continue
            if t.guard is not None and t.guard(obj):
                continue
            allowed.append(t)
        return allowed

    def targets(self) -> set[str]:
        return {t.target for t in self.transitions.values() if t.target is not None}

"""Work-order vocabularies and the one transition table of the lifecycle.

受理 → 直接答复 → 办结; or 派单 → 签收 / 退单 → 改派·审定 → 办理 → 延期申请 ⇄ 审批 → 回复 →
回访 (满意 / 基本满意 → 办结; 不满意 → 重办) ; 并单 at any open stage. 督办 and 催办 are events on an
open order, not states.
"""

from __future__ import annotations

from django.db import models

from zhenwu.core.statemachine import StateMachine, Transition


class Channel(models.TextChoices):
    PHONE = "phone", "电话"
    WEB = "web", "网站"
    H5 = "h5", "移动端H5"
    OPEN311 = "open311", "Open311应用"
    ON_AIR = "on_air", "政风热线(直播)"
    SMS = "sms", "短信导入"
    INSPECTOR = "inspector", "巡查发现"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class Status(models.TextChoices):
    NEW = "new", "待受理"
    ACCEPTED = "accepted", "待派单"
    DISPATCHED = "dispatched", "待签收"
    RETURNED = "returned", "已退单待审定"
    HANDLING = "handling", "办理中"
    EXTENSION = "extension", "延期待审批"
    REPLIED = "replied", "已回复待回访"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已并单"
    INVALID = "invalid", "不予受理"


CLOSED_STATES = frozenset({Status.CLOSED, Status.MERGED, Status.INVALID})
OPEN_STATES = frozenset(s for s in Status if s not in CLOSED_STATES)
# States in which the lead unit is working against the handling deadline.
IN_HANDS_STATES = frozenset({Status.HANDLING, Status.EXTENSION})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Action(models.TextChoices):
    CREATE = "create", "登记"
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    ANSWER = "answer", "直接答复"
    DISPATCH = "dispatch", "派单"
    SIGN = "sign", "签收"
    RETURN = "return", "退单"
    REASSIGN = "reassign", "改派"
    KEEP = "keep", "审定维持原派"
    EXTEND = "extend", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "批准延期"
    DENY_EXTENSION = "deny_extension", "驳回延期"
    REPLY = "reply", "回复"
    CALLBACK = "callback", "回访"
    RATE = "rate", "评价"
    REWORK = "rework", "重办"
    MERGE = "merge", "并单"
    SUPERVISE = "supervise", "督办"
    REMIND = "remind", "催办"
    NOTE = "note", "备注"
    RECALC = "recalc", "时限重算"


class Actor(models.TextChoices):
    """Who may take an action: the dispatch desk, the lead unit's handlers, a leader, or the reporter."""

    DESK = "desk", "受理派单员"
    HANDLER = "handler", "承办单位"
    APPROVER = "approver", "延期审批人"
    CALLBACK = "callback", "回访员"
    REPORTER = "reporter", "诉求人"
    LEADER = "leader", "督办领导"


S = Status
# target None: the state does not change (督办, 催办, 备注) or depends on input (回访: 办结 or 重办).
WORKORDER_MACHINE = StateMachine(
    name="工单",
    states=Status.choices,
    actions=Action.choices,
    transitions=[
        Transition(Action.ACCEPT, frozenset({S.NEW}), S.ACCEPTED, Actor.DESK),
        Transition(Action.REJECT, frozenset({S.NEW, S.ACCEPTED}), S.INVALID, Actor.DESK, needs_note=True),
        Transition(Action.ANSWER, frozenset({S.NEW, S.ACCEPTED}), S.CLOSED, Actor.DESK, needs_note=True),
        Transition(Action.DISPATCH, frozenset({S.NEW, S.ACCEPTED}), S.DISPATCHED, Actor.DESK),
        Transition(Action.SIGN, frozenset({S.DISPATCHED}), S.HANDLING, Actor.HANDLER),
        Transition(Action.RETURN, frozenset({S.DISPATCHED}), S.RETURNED, Actor.HANDLER, needs_note=True),
        Transition(Action.REASSIGN, frozenset({S.RETURNED}), S.DISPATCHED, Actor.DESK),
        Transition(Action.KEEP, frozenset({S.RETURNED}), S.DISPATCHED, Actor.DESK, needs_note=True),
        Transition(Action.EXTEND, frozenset({S.HANDLING}), S.EXTENSION, Actor.HANDLER, needs_note=True),
        Transition(Action.APPROVE_EXTENSION, frozenset({S.EXTENSION}), S.HANDLING, Actor.APPROVER),
        Transition(
            Action.DENY_EXTENSION, frozenset({S.EXTENSION}), S.HANDLING, Actor.APPROVER, needs_note=True
        ),
        Transition(Action.REPLY, frozenset({S.HANDLING}), S.REPLIED, Actor.HANDLER, needs_note=True),
        Transition(Action.CALLBACK, frozenset({S.REPLIED}), None, Actor.CALLBACK),
        Transition(Action.RATE, frozenset({S.REPLIED}), None, Actor.REPORTER),
        Transition(
            Action.MERGE,
            frozenset({S.NEW, S.ACCEPTED, S.DISPATCHED, S.RETURNED, S.HANDLING}),
            S.MERGED,
            Actor.DESK,
        ),
        Transition(
            Action.SUPERVISE,
            frozenset({S.DISPATCHED, S.RETURNED, S.HANDLING, S.EXTENSION}),
            None,
            Actor.LEADER,
            needs_note=True,
        ),
        Transition(Action.REMIND, frozenset({S.DISPATCHED, S.HANDLING, S.EXTENSION}), None, Actor.DESK),
        Transition(Action.NOTE, frozenset(OPEN_STATES), None, Actor.HANDLER, needs_note=True),
    ],
)

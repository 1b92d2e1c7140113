"""A year of sample work orders (示例数据): the demo's history, written by a fast path.

Running thousands of orders through ``workorder_create``/``workorder_transition`` one step at a
time takes minutes. This loader plays each order's life (受理, 派单, 签收, 退单/改派, 延期, 催办,
督办, 回复, 回访, 重办, 办结) against the working-day calendar, the way the services and the SLA
timer would have moved it, and writes the rows they write — the order, its timeline
(``OrderEvent``), its 协办 units, the dispatch decision with the suggestions offered, and one
audit row per step built by ``audit_build`` and sealed into the chain — with ``bulk_create``.
The deadlines come from the services' own helpers (``_handling_deadline``, ``_warn_before``).

Every order is ``is_sample``. Dates lie in the ``months`` before now; a step that would fall after
now has not happened yet, so recent orders are open in every state and older ones closed — a
closed order never has a date in the future. Seeded: the same seed gives the same history.
Not written: the SMS and inbox notices of past steps (nobody is to be told about last year now).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhenwu.core.actors import SYSTEM
from zhenwu.workorders import demo_texts as texts
from zhenwu.workorders.choices import Action, Channel, Satisfaction, Status, Urgency
from zhenwu.workorders.search import search_text

HISTORY_SEED = 20261129
ORDERS_PER_WORKDAY = 13.0  # about 330 a month: a town of some 60,000 people
ORDERS_PER_RESTDAY = 3.0  # web and phone-app requests only

# How often each category is asked about (relative weights); a parent category is a request the
# desk could not place more precisely.
CATEGORY_WEIGHTS: dict[str, float] = {
    "municipal": 0.6,
    "municipal.streetlight": 7,
    "municipal.road": 6,
    "municipal.manhole": 3,
    "appearance": 0.6,
    "appearance.rubbish": 11,
    "appearance.construction": 3,
    "appearance.stall": 6,
    "appearance.ads": 2,
    "ecology": 0.6,
    "ecology.noise": 7,
    "ecology.pollution": 4,
    "ecology.burning": 2,
    "water": 6,
    "power": 4,
    "telecom": 2,
    "market": 4,
    "traffic": 5,
    "housing": 7,
    "labour": 4,
    "health": 2,
    "education": 2,
    "security": 2.5,
    "land": 1.5,
    "agriculture": 2,
    "civil": 3,
    "govservice": 4,
    "village": 3,
    "other": 2,
}
# Who leads a request of each category: a unit code, or the place's "@village" (village or
# community), "@grid", "@station" (便民服务站), "@community" (a community, else 建设局).
ROUTES: dict[str, list[tuple[str, float]]] = {
    "municipal": [("NT-CGB", 3), ("NT-JSJ", 1)],
    "municipal.streetlight": [("@village", 5), ("NT-CGB", 5)],
    "municipal.road": [("NT-JTS", 4), ("NT-JSJ", 3), ("@village", 3)],
    "municipal.manhole": [("NT-SWZ", 5), ("NT-CGB", 3), ("NT-ZLS", 2)],
    "appearance": [("NT-CGB", 3), ("@village", 2)],
    "appearance.rubbish": [("@village", 6), ("NT-CGB", 3), ("@grid", 1.5)],
    "appearance.construction": [("NT-CGB", 7), ("NT-ZRZY", 3)],
    "appearance.stall": [("NT-CGB", 6), ("@village", 3), ("@grid", 1)],
    "appearance.ads": [("NT-CGB", 1)],
    "ecology": [("NT-HBB", 1)],
    "ecology.noise": [("NT-HBB", 6), ("NT-PCS", 2), ("@village", 2)],
    "ecology.pollution": [("NT-HBB", 1)],
    "ecology.burning": [("NT-HBB", 5), ("NT-NYB", 3), ("@village", 2)],
    "water": [("NT-ZLS", 7), ("NT-SWZ", 3)],
    "power": [("NT-GDS", 1)],
    "telecom": [("NT-DX", 1)],
    "market": [("NT-SCJG", 1)],
    "traffic": [("NT-JTS", 6), ("NT-PCS", 4)],
    "housing": [("NT-JSJ", 6), ("@community", 4)],
    "labour": [("NT-LDBZ", 7), ("NT-SSJ", 3)],
    "health": [("NT-WSY", 6), ("NT-SSJ", 4)],
    "education": [("NT-JYB", 1)],
    "security": [("NT-PCS", 1)],
    "land": [("NT-ZRZY", 7), ("NT-JSJ", 3)],
    "agriculture": [("NT-NYB", 7), ("@village", 3)],
    "civil": [("NT-SSJ", 7), ("@village", 3)],
    "govservice": [("NT-BMFW", 5), ("NT-ZWB", 1.5), ("@station", 4)],
    "village": [("@village", 8), ("@grid", 2)],
    "other": [("NT-ZWB", 4), ("NT-JFJ", 3), ("@village", 3)],
}
CHANNELS_WORKDAY = [
    (Channel.PHONE, 45),
    (Channel.H5, 20),
    (Channel.WEB, 12),
    (Channel.OPEN311, 5),
    (Channel.SMS, 5),
    (Channel.INSPECTOR, 13),
]
CHANNELS_RESTDAY = [(Channel.H5, 60), (Channel.WEB, 30), (Channel.OPEN311, 10)]
STAFF_CHANNELS = {Channel.PHONE, Channel.SMS, Channel.INSPECTOR}
# Where the town's units are: 牛塘镇 lies around 31.72 N, 119.90 E (WGS84).
LAT, LONG = 31.72, 119.90


def _pick(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class _Step:
    at: datetime
    action: str
    actor: Any
    before: str
    after: str
    lead_unit: Any  # the order's lead unit after the step (the audit row names it)
    note: str = ""
    unit: Any = None  # the unit the timeline entry names
    data: dict[str, Any] = field(default_factory=dict)
    is_public: bool = True
    audited: bool = True  # a follow-up entry (重办 after 不满意) has no audit row of its own
    decision: bool = False  # 派单/改派: a dispatch decision is recorded (and audited) first


@dataclass
class _Life:
    order: Any
    place: Any  # the village/community or grid the request is about (dispatch suggestions)
    created_status: str = ""
    steps: list[_Step] = field(default_factory=list)
    assisting: list[Any] = field(default_factory=list)


class _Town:
    """What the simulation needs to know about the demo town, read once."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        from zhenwu.accounts.models import User
        from zhenwu.core.selectors import get_work_calendar
        from zhenwu.orgs.models import Unit
        from zhenwu.workorders.models import Category, Open311App

        self.rng = rng
        self.now = now
        self.calendar = get_work_calendar()
        self.hours_per_day = self.calendar.hours_per_day
        self.units = {
            u.code: u for u in Unit.objects.filter(handles_requests=True, is_active=True).order_by("path")
        }
        self.categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        self.users = {u.username: u for u in User.objects.filter(is_demo=True)}
        self.app = Open311App.objects.filter(is_sample=True).first()
        self.max_rework = settings.ZHENWU_MAX_REWORK
        self.moods: dict[str, float] = {}

    def user(self, name: str) -> Any:
        return self.users.get(name) or self.users.get("town_admin")

    def handler(self, unit: Any) -> Any:
        """A demo account of the lead unit (or of its village) if there is one, else the town's admin."""
        from zhenwu.accounts.town_demo import demo_handler

        return self.user(demo_handler(unit.code))

    def mood(self, moment: datetime) -> float:
        """A factor on the month's share of 不满意 (0.6 to 1.6), the same for every order of the month."""
        month = timezone.localtime(moment).strftime("%Y-%m")
        if month not in self.moods:
            self.moods[month] = random.Random(f"{HISTORY_SEED}-{month}").uniform(0.6, 1.6)
        return self.moods[month]

    def after(self, start: datetime, hours: float) -> datetime:
        return self.calendar.add_working_hours(start, max(0.0, hours))


# --------------------------------------------------------------------------- the plan


def _arrivals(town: _Town, start: date, end: date) -> list[tuple[datetime, str]]:
    """(moment, channel) of every request from start to end: working hours on working days,
    web and phone-app requests also in the evening and on rest days; a little more in summer."""
    rng, cal = town.rng, town.calendar
    tz = timezone.get_current_timezone()
    out: list[tuple[datetime, str]] = []
    day = start
    while day <= end:
        season = 1.0 + 0.15 * math.sin((day.timetuple().tm_yday - 100) / 365 * 2 * math.pi)
        workday = cal.is_workday(day)
        count = _poisson(rng, (ORDERS_PER_WORKDAY if workday else ORDERS_PER_RESTDAY) * season)
        for _ in range(count):
            channel = _pick(rng, CHANNELS_WORKDAY if workday else CHANNELS_RESTDAY)
            if channel in STAFF_CHANNELS:
                minute = rng.choice(
                    [rng.randint(510, 715), rng.randint(810, 1045)]
                )  # 8:30-11:55, 13:30-17:25
            else:
                minute = rng.randint(420, 1379)  # 7:00-22:59
            moment = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)), tz)
            out.append((moment, channel))
        day += timedelta(days=1)
    out.sort()
    return out


def _place(rng: random.Random, code: str) -> tuple[str, str]:
    """(village code, place) of a request of the category: many matters are in the villages."""
    if code in {"govservice", "education", "labour", "health"} and rng.random() < 0.4:
        village = ""
    elif code in {"housing"}:
        village = rng.choice(["NT-NZ", "NT-XC", "NT-NZ", "NT-XC", ""])
    else:
        village = rng.choice(["NT-YH", "NT-LJX", "NT-DT", "NT-XH", "NT-NZ", "NT-XC", "", ""])
    return village, rng.choice(texts.PLACES[village])


def _lead(town: _Town, code: str, village: str, grid: Any) -> Any:
    rng, units = town.rng, town.units
    for _ in range(6):
        target = _pick(rng, ROUTES.get(code, ROUTES["other"]))
        if target == "@village" and village:
            return units.get(village)
        if target == "@grid" and grid is not None:
            return grid
        if target == "@station" and village in texts.STATIONS:
            return units.get(texts.STATIONS[village])
        if target == "@community" and village in {"NT-NZ", "NT-XC"}:
            return units.get(village)
        if not target.startswith("@") and target in units:
            return units[target]
    return units.get("NT-ZWB") or next(iter(units.values()))


# --------------------------------------------------------------------------- one order's life


class _Run:
    """Moves one unsaved order through its steps, stopping at the first step after now."""

    def __init__(self, town: _Town, life: _Life) -> None:
        self.town = town
        self.life = life
        self.order = life.order
        self.last_at = life.order.created_at

    def happens(self, at: datetime) -> bool:
        return at <= self.town.now

    def record(self, at: datetime, action: str, actor: Any, before: str, **kw: Any) -> None:
        self.order.updated_at = self.last_at = at
        self.life.steps.append(
            _Step(at, action, actor, before, self.order.status, self.order.lead_unit, **kw)
        )

    def timers(self, until: datetime) -> bool:
        """The SLA timer's automatic 催办 and 督办 (every five minutes) before ``until``; False if
        one of them would fire after now (the order's life stops there)."""
        o, rng = self.order, self.town.rng
        if (
            o.reminded_at is None
            and o.status in {Status.DISPATCHED, Status.HANDLING}
            and o.warn_at is not None
            and o.deadline is not None
        ):
            # the timer runs every five minutes and sees the order as it is then
            at = max(o.warn_at, self.last_at) + timedelta(seconds=rng.randint(1, 300))
            if at < until and at <= o.deadline:
                if not self.happens(at):
                    return False
                o.reminded_at = at
                self.record(
                    at,
                    Action.REMIND,
                    SYSTEM,
                    o.status,
                    note="即将超期，系统自动催办。",
                    unit=o.lead_unit,
                    data={"auto": True},
                    is_public=False,
                )
        if (
            o.supervised_at is None
            and o.status in {Status.DISPATCHED, Status.HANDLING, Status.EXTENSION, Status.RETURNED}
            and o.deadline is not None
        ):
            at = max(o.deadline, self.last_at) + timedelta(seconds=rng.randint(1, 300))
            if at < until:
                if not self.happens(at):
                    return False
                o.supervised_at = at
                self.record(
                    at,
                    Action.SUPERVISE,
                    SYSTEM,
                    o.status,
                    note="已超过办结时限，系统自动督办。",
                    unit=o.lead_unit,
                    data={"auto": True},
                    is_public=False,
                )
        return True

    def step_at(self, at: datetime) -> bool:
        """Fire the timers due before ``at``; True if the step at ``at`` happens."""
        return self.timers(at) and self.happens(at)

    # -- the steps, each as the service's step function does it

    def dispatch(self, at: datetime, unit: Any, action: str = Action.DISPATCH) -> None:
        from zhenwu.workorders.services import _handling_deadline

        o = self.order
        before = o.status
        o.accepted_at = o.accepted_at or at
        o.lead_unit = unit
        o.dispatched_at = at
        o.sign_deadline = self.town.after(at, o.category.sign_limit_hours)
        o.signed_at = None
        o.deadline, o.warn_at = _handling_deadline(at, o.category.time_limit_days)
        o.status = Status.DISPATCHED
        if action == Action.REASSIGN:
            self.life.assisting = []  # 改派 sets the 协办 units anew (none here)
        data: dict[str, Any] = {"assisting": [u.name for u in self.life.assisting]}
        self.record(at, action, self.town.user("operator"), before, unit=unit, data=data, decision=True)


def _live(town: _Town, life: _Life, created: datetime, channel: str, village: str, lead: Any = None) -> None:
    """The order's life after registration, as far as it has come by now."""
    from zhenwu.workorders.services import _handling_deadline

    rng, o = town.rng, life.order
    run = _Run(town, life)
    operator, leader = town.user("operator"), town.user("leader")
    code = o.category.code
    root = code.split(".", 1)[0]
    # 受理 at the desk: a web request is accepted first half of the time.
    t = created
    if o.status == Status.NEW and rng.random() < 0.5:
        t = town.after(t, rng.uniform(0.05, 1.0))
        if not run.happens(t):
            return
        o.accepted_at = t
        o.status = Status.ACCEPTED
        run.record(t, Action.ACCEPT, operator, Status.NEW)
    # 不予受理 / 直接答复
    desk = 1.0 if lead is not None else rng.random()
    if desk < 0.025 or (root in texts.CONSULTATIONS and desk < 0.35):
        t = town.after(t, rng.uniform(0.1, 2.0))
        if not run.happens(t):
            return
        before = o.status
        action = Action.REJECT if desk < 0.025 else Action.ANSWER
        note = rng.choice(texts.REJECT_NOTES if action == Action.REJECT else texts.DESK_ANSWERS)
        o.accepted_at = o.accepted_at or t
        o.reply = note
        o.replied_at = o.closed_at = t
        o.status = Status.INVALID if action == Action.REJECT else Status.CLOSED
        run.record(t, action, operator, before, note=note)
        return
    # 派单, sometimes to the wrong unit first (then 退单 → 改派 or 审定维持原派)
    right = lead or _lead(town, code, village, o.grid)
    misrouted = lead is None and rng.random() < 0.045
    first = right
    if misrouted:
        others = [u for u in town.units.values() if u.pk != right.pk and u.kind == "department"]
        first = rng.choice(others) if others else right
    if rng.random() < 0.08:
        life.assisting = rng.sample(
            [u for u in town.units.values() if u.pk != first.pk and u.kind in {"department", "village"}], 1
        )
    t = town.after(t, rng.uniform(0.1, 3.0))
    if not run.step_at(t):
        return
    run.dispatch(t, first)
    if misrouted and first.pk != right.pk:
        t = town.after(t, rng.uniform(0.2, min(1.5, o.category.sign_limit_hours)))
        if not run.step_at(t):
            return
        o.return_count += 1
        o.status = Status.RETURNED
        run.record(
            t,
            Action.RETURN,
            town.handler(first),
            Status.DISPATCHED,
            note=texts.RETURN_NOTES.format(unit=right.name),
            unit=first,
        )
        t = town.after(t, rng.uniform(0.3, 4.0))
        if not run.step_at(t):
            return
        if rng.random() < 0.2:  # 审定维持原派: the desk keeps the first unit
            right = first
            before = o.status
            o.dispatched_at = t
            o.sign_deadline = town.after(t, o.category.sign_limit_hours)
            o.deadline, o.warn_at = _handling_deadline(t, o.category.time_limit_days)
            o.status = Status.DISPATCHED
            run.record(t, Action.KEEP, operator, before, note=texts.KEEP_NOTES, unit=first)
        else:
            run.dispatch(t, right, Action.REASSIGN)
    handler = town.handler(right)
    # 签收: mostly within the 签收时限
    sign_hours = o.category.sign_limit_hours
    late_sign = rng.random() < 0.1
    t = town.after(
        t, rng.uniform(sign_hours, sign_hours + 6) if late_sign else rng.uniform(0.05, 0.9) * sign_hours
    )
    if not run.step_at(t):
        return
    o.signed_at = t
    o.status = Status.HANDLING
    run.record(t, Action.SIGN, handler, Status.DISPATCHED, unit=right)
    for round_no in range(town.max_rework + 1):
        replied = _handle_round(town, run, t, handler, leader, round_no)
        if replied is None:
            return
        t = replied
        # 回访 by the desk, or the citizen rates with the query code
        t = town.after(t, rng.uniform(1.0, 12.0))
        if not run.step_at(t):
            return
        late = o.replied_at is not None and o.deadline is not None and o.replied_at > o.deadline
        # How demanding the month's callers are varies a little (a hot summer, a festival).
        mood = town.mood(t)
        table = [
            (Satisfaction.SATISFIED, 58 if late else 76),
            (Satisfaction.BASIC, 22 if late else 14),
            (Satisfaction.UNSATISFIED, (24 if late else 10) * mood),
        ]
        if round_no:  # after 重办 some stay unsatisfied: the order closes as 不满意
            table = [
                (Satisfaction.SATISFIED, 40),
                (Satisfaction.BASIC, 25),
                (Satisfaction.UNSATISFIED, 35 * mood),
            ]
        satisfaction = _pick(rng, table)
        by_desk = o.channel in STAFF_CHANNELS or rng.random() < 0.6
        action = Action.CALLBACK if by_desk else Action.RATE
        actor = operator if by_desk else None
        note = rng.choice(texts.CALLBACK_NOTES[satisfaction]) if by_desk else ""
        before = o.status
        o.satisfaction = satisfaction
        o.rated_at = t
        data: dict[str, Any] = {"satisfaction": satisfaction}
        if satisfaction == Satisfaction.UNSATISFIED and o.rework_count < town.max_rework:
            o.rework_count += 1
            o.signed_at = o.signed_at or t
            o.deadline, o.warn_at = _handling_deadline(t, o.category.time_limit_days)
            o.supervised_at = None
            o.reminded_at = None
            o.status = Status.HANDLING
            data["rework"] = o.rework_count
            run.record(t, action, actor, before, note=note, data=data)
            run.record(
                t + timedelta(milliseconds=1),
                Action.REWORK,
                actor,
                before,
                note=note,
                unit=o.lead_unit,
                data={
                    "round": o.rework_count,
                    "deadline": timezone.localtime(o.deadline).strftime("%Y-%m-%d %H:%M"),
                },
                audited=False,
            )
            continue
        o.status = Status.CLOSED
        o.closed_at = t
        run.record(t, action, actor, before, note=note, data=data)
        return


def _handle_round(
    town: _Town, run: _Run, t: datetime, handler: Any, leader: Any, round_no: int
) -> datetime | None:
    """办理 to 回复 (one round; a 重办 is a second): notes, 延期, 督办 along the way. None if not replied yet."""
    from zhenwu.workorders.services import _warn_before

    rng, o, cal = town.rng, run.order, town.calendar
    assert o.deadline is not None
    available = max(0.5, cal.working_hours_between(t, o.deadline))
    limit = o.category.time_limit_days * town.hours_per_day
    # 延期 (first round only): asked for partway through, approved mostly.
    if round_no == 0 and rng.random() < 0.08:
        t_ask = town.after(t, available * rng.uniform(0.3, 0.75))
        if not run.step_at(t_ask):
            return None
        days = rng.choice([2, 3, 3, 5, 5, 7, 10])
        o.pending_extension_days = days
        o.status = Status.EXTENSION
        run.record(
            t_ask,
            Action.EXTEND,
            handler,
            Status.HANDLING,
            note=rng.choice(texts.EXTEND_NOTES),
            data={"days": days},
        )
        t = town.after(t_ask, rng.uniform(0.5, 6.0))
        if not run.step_at(t):
            return None
        o.status = Status.HANDLING
        o.pending_extension_days = None
        if rng.random() < 0.85:
            o.deadline = cal.add_working_hours(o.deadline, days * town.hours_per_day)
            o.warn_at = _warn_before(o.deadline)
            o.extension_count += 1
            data = {"days": days, "deadline": timezone.localtime(o.deadline).strftime("%Y-%m-%d %H:%M")}
            run.record(t, Action.APPROVE_EXTENSION, leader, Status.EXTENSION, data=data)
        else:
            run.record(t, Action.DENY_EXTENSION, leader, Status.EXTENSION, note=texts.DENY_NOTES)
        available = max(0.5, cal.working_hours_between(t, o.deadline))
    if rng.random() < 0.12:  # the handler keeps a note in the timeline
        t_note = town.after(t, min(available * 0.3, rng.uniform(0.5, 4.0)))
        if not run.step_at(t_note):
            return None
        run.record(
            t_note, Action.NOTE, handler, o.status, note=rng.choice(texts.HANDLER_NOTES), is_public=False
        )
        t = t_note
        available = max(0.5, cal.working_hours_between(t, o.deadline))
    # 回复: on time mostly; late by up to a time limit; a few drag on for weeks.
    roll = rng.random()
    if roll < 0.84:
        hours = available * (0.08 + 0.89 * rng.random() ** 1.6)  # most well before the deadline
    elif roll < 0.97:
        hours = available + limit * rng.uniform(0.05, 1.0)
    else:
        hours = available + town.hours_per_day * rng.uniform(10, 45)
    if rng.random() < 0.02:  # a leader 督办 by hand partway
        t_sup = town.after(t, hours * rng.uniform(0.3, 0.8))
        if run.step_at(t_sup) and o.supervised_at is None:
            o.supervised_at = t_sup
            run.record(
                t_sup,
                Action.SUPERVISE,
                leader,
                o.status,
                note=texts.SUPERVISE_NOTES,
                unit=o.lead_unit,
                is_public=False,
            )
    t = town.after(t, hours)
    if not run.step_at(t):
        return None
    o.reply = (
        rng.choice(texts.REWORK_REPLIES) if round_no else texts.reply(rng, o.category.code, o.lead_unit.name)
    )
    o.replied_at = t
    if o.dispatched_at:
        o.handling_hours = round(cal.working_hours_between(o.dispatched_at, t), 2)
    o.status = Status.REPLIED
    run.record(t, Action.REPLY, handler, Status.HANDLING, note=o.reply, unit=o.lead_unit)
    return t


# --------------------------------------------------------------------------- building the orders


class _Numbers:
    """Order numbers as ``document_number`` gives them: per local day, after any already issued."""

    def __init__(self, prefix: str) -> None:
        from zhenwu.core.models import NumberSequence

        self.prefix = prefix
        self.last = dict(NumberSequence.objects.filter(key=prefix).values_list("day", "last_value"))
        self.used: set[date] = set()

    def next(self, day: date) -> str:
        value = self.last.get(day, 0) + 1
        self.last[day] = value
        self.used.add(day)
        return f"{self.prefix}-{day:%Y%m%d}-{value:04d}"

    def save(self) -> None:
        from zhenwu.core.models import NumberSequence

        existing = set(
            NumberSequence.objects.filter(key=self.prefix, day__in=self.used).values_list("day", flat=True)
        )
        for day in existing:
            NumberSequence.objects.filter(key=self.prefix, day=day).update(last_value=self.last[day])
        NumberSequence.objects.bulk_create(
            [NumberSequence(key=self.prefix, day=d, last_value=self.last[d]) for d in self.used - existing]
        )


def _village_of(unit: Any) -> str | None:
    """The village/community code a unit lies in (itself, or its parent for a grid or 便民服务站)."""
    for code in (unit.code, unit.code.rsplit("-", 1)[0]):
        if code in texts.GRIDS:
            return code
    return None


def _coverage(town: _Town) -> list[tuple[Any, str]]:
    """(lead unit, category) for one request of each unit that handles requests, then (None, category)
    for each category no unit's request used: a history of any length has them all."""
    rng = town.rng
    plan: list[tuple[Any, str]] = []
    for unit in town.units.values():
        if unit.kind == "town":
            continue
        targets = {unit.code}
        if unit.kind in {"village", "community"}:
            targets |= {"@village"} | ({"@community"} if unit.kind == "community" else set())
        elif unit.kind == "grid":
            targets = {"@grid"}
        elif unit.kind == "station":
            targets = {"@station"}
        handled = [
            c for c, routes in ROUTES.items() if c in town.categories and any(t in targets for t, _ in routes)
        ]
        plan.append((unit, rng.choice(handled or ["other"])))
    used = {code for _, code in plan}
    plan.extend((None, code) for code in CATEGORY_WEIGHTS if code in town.categories and code not in used)
    rng.shuffle(plan)
    return plan


QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _order(
    town: _Town, numbers: _Numbers, created: datetime, channel: str, cover: tuple[Any, str] | None = None
) -> tuple[Any, str]:
    """A registered request as ``workorder_create`` stores it (unsaved), and its village code."""
    from zhenwu.workorders.models import WorkOrder
    from zhenwu.workorders.services import query_code_digest

    rng = town.rng
    categories = [c for c in CATEGORY_WEIGHTS if c in town.categories]
    code = rng.choices(categories, weights=[CATEGORY_WEIGHTS[c] for c in categories])[0]
    if cover is not None:
        code = cover[1]
    category = town.categories[code]
    village, place = _place(rng, code)
    home = _village_of(cover[0]) if cover is not None and cover[0] is not None else None
    if home is not None:
        village, place = home, rng.choice(texts.PLACES[home])
    grid = None
    if village:
        codes = texts.GRIDS.get(village, [])
        grid = town.units.get(rng.choice(codes)) if codes and rng.random() < 0.7 else town.units.get(village)
    description = texts.complaint(rng, code, place, texts.VILLAGE_NAMES[village])
    public = channel not in STAFF_CHANNELS
    anonymous = public and rng.random() < 0.08
    phone = "" if anonymous and rng.random() < 0.5 else f"1390000{rng.randint(0, 9999):04d}"
    located = channel in {Channel.H5, Channel.OPEN311, Channel.INSPECTOR} and rng.random() < 0.7
    extra: dict[str, Any] = {}
    if code == "ecology.noise":
        extra["period"] = "night" if any(w in description for w in ("晚上", "半夜", "睡不着")) else "day"
    staff: dict[str, str] = {
        Channel.PHONE: "operator",
        Channel.SMS: "operator",
        Channel.INSPECTOR: "inspector",
    }
    creator = town.user(staff[channel]) if channel in staff else None
    number = numbers.next(timezone.localdate(created))
    order = WorkOrder(
        number=number,
        channel=channel,
        category=category,
        description=description,
        urgency=_pick(rng, [(Urgency.NORMAL, 92), (Urgency.URGENT, 6.5), (Urgency.CRITICAL, 1.5)]),
        address=place if village or rng.random() < 0.8 else "",
        lat=round(LAT + rng.uniform(-0.03, 0.03), 6) if located else None,
        long=round(LONG + rng.uniform(-0.04, 0.04), 6) if located else None,
        grid=grid,
        extra=extra,
        reporter_name="" if anonymous else texts.reporter_name(rng),
        reporter_phone=phone,
        anonymous=anonymous,
        confidential=rng.random() < 0.01,
        status=Status.NEW if public else Status.ACCEPTED,
        accepted_at=None if public else created,
        open311_app=town.app if channel == Channel.OPEN311 else None,
        created_by=creator,
        is_sample=True,
        created_at=created,
        updated_at=created,
    )
    query_code = "".join(rng.choice(QUERY_ALPHABET) for _ in range(6))
    order.query_code_hash = query_code_digest(number, query_code)
    return order, village


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if it has fewer)."""
    import calendar

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def simulate(*, months: int, now: datetime, seed: int = HISTORY_SEED) -> tuple[list[_Life], _Numbers]:
    """Every order of the ``months`` before ``now`` and its life so far (nothing written yet)."""
    rng = random.Random(seed)
    town = _Town(rng, now)
    numbers = _Numbers(settings.ZHENWU_TOWN_CODE)
    today = timezone.localdate(now)
    lives = []
    # The first requests cover every unit that handles requests and every category, then chance rules.
    cover = _coverage(town)
    for i, (created, channel) in enumerate(_arrivals(town, months_before(today, months), today)):
        if created >= now - timedelta(minutes=30):
            break
        plan = cover[i] if i < len(cover) else None
        order, village = _order(town, numbers, created, channel, plan)
        if plan is not None and plan[0] is not None and plan[0].kind == "grid":
            order.grid = plan[0]
        life = _Life(order, order.grid, created_status=order.status)
        _live(town, life, created, channel, village, plan[0] if plan is not None else None)
        lives.append(life)
    return lives, numbers


# --------------------------------------------------------------------------- writing


def _suggestions(life: _Life) -> list[Any]:
    from zhenwu.core.errors import DomainError
    from zhenwu.workorders.dispatching import suggest
    from zhenwu.workorders.selectors import place_of

    try:
        return suggest(
            text=life.order.description, category=life.order.category, place_unit=place_of(life.order)
        )
    except DomainError:
        return []


def _audit_after(step: _Step) -> dict[str, Any]:
    return {"status": step.after, "lead_unit": step.lead_unit.name if step.lead_unit else ""}


@transaction.atomic
def write(lives: list[_Life], numbers: _Numbers) -> dict[str, int]:
    """Insert the orders, their timelines, 协办 units, dispatch decisions and audit rows; seal the chain."""
    from zhenwu.audit.services import audit_build, audit_record, audit_seal
    from zhenwu.core.demodata import historic_timestamps
    from zhenwu.dispatch.models import DispatchDecision
    from zhenwu.dispatch.services import decision_audit_after, decision_build
    from zhenwu.workorders.models import OrderEvent, WorkOrder
    from zhenwu.workorders.selectors import counts_changed

    with historic_timestamps(WorkOrder, OrderEvent, DispatchDecision):
        for life in lives:  # bulk_create skips WorkOrder.save(), which keeps the search column
            o = life.order
            o.search_text = search_text(o.number, o.title, o.description, o.address)
        WorkOrder.objects.bulk_create([life.order for life in lives], batch_size=500)
        numbers.save()
        through = WorkOrder.assisting_units.through
        through.objects.bulk_create(
            [through(workorder_id=life.order.pk, unit_id=u.pk) for life in lives for u in life.assisting]
        )
        # Dispatch decisions: what the suggester offers for the text, next to the unit chosen.
        decisions: dict[int, Any] = {}
        for life in lives:
            offered: list[Any] | None = None
            for step in life.steps:
                if not step.decision:
                    continue
                if offered is None:
                    offered = _suggestions(life)
                decision = decision_build(
                    actor=step.actor,
                    order_number=life.order.number,
                    order_id=life.order.pk,
                    text=life.order.description,
                    suggestions=offered,
                    chosen_unit=step.lead_unit,
                )
                decision.created_at = decision.updated_at = step.at
                step.data["suggested"] = [s.unit.name for s in offered]
                decisions[id(step)] = decision
        DispatchDecision.objects.bulk_create(list(decisions.values()), batch_size=500)
        events = []
        audits: list[tuple[datetime, int, Any]] = []
        for life in lives:
            o = life.order
            created = o.created_at
            events.append(
                OrderEvent(
                    order=o,
                    action=Action.CREATE,
                    to_status=life.created_status,
                    actor=o.created_by,
                    actor_name=o.created_by.display_name if o.created_by else "",
                    note=f"来源：{o.get_channel_display()}",
                    created_at=created,
                )
            )
            audits.append(
                (
                    created,
                    len(audits),
                    audit_build(
                        actor=o.created_by,
                        action="workorders.create",
                        obj=o,
                        after={
                            "channel": o.channel,
                            "category": o.category.code,
                            "status": life.created_status,
                        },
                        at=created,
                    ),
                )
            )
            for step in life.steps:
                user = step.actor if getattr(step.actor, "is_authenticated", False) else None
                events.append(
                    OrderEvent(
                        order=o,
                        action=step.action,
                        from_status=step.before,
                        to_status=step.after,
                        actor=user,
                        actor_name=user.display_name if user else "",
                        unit=step.unit,
                        note=step.note,
                        data=step.data,
                        is_public=step.is_public,
                        created_at=step.at,
                    )
                )
                if id(step) in decisions:
                    decision = decisions[id(step)]
                    audits.append(
                        (
                            step.at,
                            len(audits),
                            audit_build(
                                actor=step.actor,
                                action="dispatch.decision",
                                obj=decision,
                                after=decision_audit_after(decision),
                                at=step.at,
                            ),
                        )
                    )
                if step.audited:
                    audits.append(
                        (
                            step.at,
                            len(audits),
                            audit_build(
                                actor=step.actor,
                                action=f"workorders.{step.action}",
                                obj=o,
                                before={"status": step.before},
                                after=_audit_after(step),
                                message=step.note[:200],
                                at=step.at,
                            ),
                        )
                    )
        OrderEvent.objects.bulk_create(events, batch_size=1000)
    from zhenwu.audit.models import AuditEvent

    audits.sort(key=lambda row: (row[0], row[1]))
    AuditEvent.objects.bulk_create([row[2] for row in audits], batch_size=1000)
    while audit_seal(batch=5000):
        pass
    outcomes = Counter(life.order.status for life in lives)
    audit_record(
        actor=SYSTEM,
        action="workorders.demo_history",
        object_type="workorders.workorder",
        message=f"载入示例历史工单 {len(lives)} 件（示例数据）",
        extra={"orders": len(lives), "events": len(events), "audit_rows": len(audits)},
    )
    transaction.on_commit(counts_changed)
    return {
        "history_orders": len(lives),
        "history_events": len(events),
        "history_audit_rows": len(audits),
        "history_closed": outcomes[Status.CLOSED],
        "history_open": sum(n for s, n in outcomes.items() if s not in {Status.CLOSED, Status.INVALID}),
    }


def load_history(*, months: int, now: datetime | None = None, seed: int = HISTORY_SEED) -> dict[str, int]:
    """Write ``months`` of sample orders before now, once: the load is audited, and a database whose
    audit log records it is left alone."""
    from zhenwu.audit.models import AuditEvent

    if months <= 0 or AuditEvent.objects.filter(action="workorders.demo_history").exists():
        return {"history_orders": 0}
    now = now or timezone.now()
    lives, numbers = simulate(months=months, now=now, seed=seed)
    return write(lives, numbers)

"""A year of sample 政风热线 episodes (示例数据), written through the hotline and work-order services.

One unit goes on air each month: its slot is scheduled, the episode prepared, web questions screened,
the show goes on air, callers' questions are answered on air, turned into work orders or made
commitments, the episode closes, its article is approved and published, and the next episode's
追踪反馈 is compiled. Afterwards the responsible units report progress on their commitments, complete
them with evidence, and the programme office verifies them (or sends one back); the work orders are
signed, replied to and called back.

Each step is a service call made at the moment it happened (``core.demodata.frozen_now``), run in
time order from an agenda, so every row, timeline entry and audit row is the one the service writes,
dated then. Steps that would fall after now have not happened: the latest commitments are open, in
progress or awaiting verification. Seeded: the same seed gives the same history.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenwu.core.demodata import frozen_now, sample_photo

HISTORY_SEED = 20261130
TITLE_MARK = "（示例）"  # every history episode's title starts with it and names its month
# The units that go on air, in turn (their 一把手's title).
ON_AIR: list[tuple[str, str]] = [
    ("NT-CGB", "主任"),
    ("NT-JSJ", "局长"),
    ("NT-HBB", "主任"),
    ("NT-SSJ", "局长"),
    ("NT-YH", "党总支书记"),
    ("NT-NYB", "主任"),
    ("NT-BMFW", "主任"),
    ("NT-LJX", "党总支书记"),
    ("NT-JFJ", "局长"),
    ("NT-SCJG", "分局局长"),
    ("NT-ZWB", "主任"),
    ("NT-GDS", "所长"),
]
PROBLEMS: dict[str, str] = {
    "municipal": "市政设施破损",
    "municipal.streetlight": "路灯不亮",
    "municipal.road": "道路坑洼",
    "municipal.manhole": "排水不畅",
    "appearance": "环境脏乱",
    "appearance.rubbish": "垃圾清运不及时",
    "appearance.construction": "违法搭建",
    "appearance.stall": "占道经营",
    "appearance.ads": "广告招牌破损",
    "ecology": "环境问题",
    "ecology.noise": "噪声扰民",
    "ecology.pollution": "异味污染",
    "ecology.burning": "露天焚烧",
    "housing": "物业服务",
    "civil": "困难群众帮扶",
    "agriculture": "农田灌溉",
    "govservice": "办事不便",
    "village": "村务管理",
    "market": "食品安全",
    "power": "供电不稳",
    "other": "群众反映",
    "labour": "欠薪",
    "health": "卫生服务",
}
ANSWERS = [
    "（示例）{unit}负责人现场答复：{n}个工作日内安排人员到现场处理，处理结果将回复来电群众。",
    "（示例）{unit}负责人解读了相关政策，并告知具体办理渠道。",
    "（示例）{unit}负责人表示，该问题已列入本月整治计划，将加强日常巡查。",
]
REPORTS = [
    "（示例）已完成现场勘查，制定整改方案。",
    "（示例）已落实施工队伍和资金，正在组织实施。",
    "（示例）整改已完成大部分工作量，正在收尾。",
]


@dataclass(order=True)
class _Item:
    at: datetime
    n: int
    run: Callable[[], None] = field(compare=False)


class _Agenda:
    """Service calls to make at given moments, made in time order; later ones may add more."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.items: list[_Item] = []
        self.count = 0

    def at(self, when: datetime, run: Callable[[], None]) -> None:
        if when <= self.now:  # a step after now has not happened yet
            self.count += 1
            heapq.heappush(self.items, _Item(when, self.count, run))

    def run(self) -> None:
        while self.items:
            item = heapq.heappop(self.items)
            with frozen_now(item.at):
                item.run()


class _History:
    def __init__(self, *, months: int, now: datetime, seed: int) -> None:
        from zhenwu.accounts.models import User
        from zhenwu.core.selectors import get_work_calendar
        from zhenwu.orgs.models import Unit
        from zhenwu.workorders.models import Category

        self.rng = random.Random(seed)
        self.now = now
        self.today = timezone.localdate(now)
        self.months = months
        self.calendar = get_work_calendar()
        self.tz = timezone.get_current_timezone()
        self.agenda = _Agenda(now)
        self.users = {u.username: u for u in User.objects.filter(is_demo=True)}
        self.staff, self.leader = self.users["town_admin"], self.users["leader"]
        self.operator = self.users.get("operator", self.staff)
        self.units = {u.code: u for u in Unit.objects.filter(is_active=True)}
        self.categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        self.episodes = 0
        self.photo = 0
        self.places: dict[str, str] = {}

    # -- time

    def moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.tz)

    def workday(self, day: date, *, back: bool = False) -> date:
        while not self.calendar.is_workday(day):
            day += timedelta(days=-1 if back else 1)
        return day

    def later(self, start: datetime, hours: float) -> datetime:
        return self.calendar.add_working_hours(start, hours)

    def user_for(self, unit: Any) -> Any:
        from zhenwu.accounts.town_demo import demo_handler

        return self.users.get(demo_handler(unit.code), self.staff)

    def evidence(self, actor: Any, title: str) -> Any:
        from zhenwu.core.services import attachment_create

        self.photo += 1
        upload = SimpleUploadedFile(
            f"示例佐证-{self.photo}.png", sample_photo(7000 + self.photo), content_type="image/png"
        )
        return attachment_create(actor=actor, upload=upload)

    # -- the plan

    def plan(self) -> int:
        from zhenwu.workorders.demo_history import months_before

        latest = self.today - timedelta(days=21)  # the current month's sample episode is the demo's own
        shows: list[tuple[date, str, str]] = []
        for back in range(self.months, 0, -1):
            first = months_before(self.today, back).replace(day=1)
            air = self.workday(first + timedelta(days=self.rng.randint(13, 19)))
            if air > latest:
                continue
            code, title = ON_AIR[(first.year * 12 + first.month) % len(ON_AIR)]
            if code in self.units:
                shows.append((air, code, title))
        for i, (air, code, title) in enumerate(shows):
            self.schedule_show(air, code, title, last=i == len(shows) - 1, with_leave=i == len(shows) // 2)
        self.agenda.run()
        return self.episodes

    def schedule_show(self, air: date, code: str, title: str, *, last: bool, with_leave: bool) -> None:
        from zhenwu.hotline import services
        from zhenwu.hotline.choices import Channel
        from zhenwu.hotline.models import AnnualPlan

        unit = self.units[code]
        head = f"{TITLE_MARK}{unit.name}{title}"
        state: dict[str, Any] = {}

        def make_slot() -> None:
            plan = AnnualPlan.objects.filter(year=air.year).first() or services.plan_create(
                actor=self.staff,
                year=air.year,
                title=f"{air.year}年政风热线上线计划（示例）",
                owner_unit=self.units["NT-ZWB"],
                reminder_working_days=10,
                is_sample=True,
            )
            state["slot"] = services.slot_create(
                actor=self.staff,
                plan=plan,
                date=air,
                start_time=time(9, 0),
                end_time=time(10, 0),
                channel=Channel.RADIO,
                unit=unit,
                head_name=head,
                head_title=title,
                contact_name="（示例）联络员",
                contact_phone="13800138100",
                note="示例数据：电视当晚22:20重播",
                is_sample=True,
            )

        def leave() -> None:
            request = services.leave_request_create(
                actor=self.staff,
                slot=state["slot"],
                substitute_name=f"{TITLE_MARK}{unit.name}副职",
                substitute_title="副" + title.removeprefix("分局").removeprefix("党总支"),
                reason="（示例）当日参加区级专题会议",
            )
            with frozen_now(self.later(timezone.now(), 2)):
                services.leave_decide(actor=self.leader, leave=request, approve=True, note="（示例）同意")

        def prepare() -> None:
            slot = state["slot"]
            slot.refresh_from_db()
            guest = (
                (title, head)
                if slot.status == "scheduled"
                else ("副" + title, f"{TITLE_MARK}{unit.name}副职")
            )
            topics = self.topics(code)
            state["episode"] = services.episode_create(
                actor=self.staff,
                unit=unit,
                slot=slot,
                title=f"{TITLE_MARK}{air.year}年{air.month}月 {unit.name}上线政风热线",
                host="（示例）主持人",
                guests=[guest],
                topics=[self.categories[c].name.split("/")[0] for c in topics[:2]],
                is_sample=True,
            )
            self.episodes += 1

        def web_questions() -> None:
            from zhenwu.hotline.choices import QuestionSource

            state["web"] = [
                services.issue_create(
                    actor=None,
                    episode=state["episode"],
                    source=QuestionSource.WEB,
                    caller_name=self.caller(),
                    text=self.question(code),
                )
                for _ in range(self.rng.randint(1, 3))
            ]

        def screen() -> None:
            from zhenwu.hotline.choices import Screening

            for i, issue in enumerate(state.get("web", [])):
                screening = Screening.SET_ASIDE if i == 2 else Screening.SELECTED
                services.issue_screen(actor=self.staff, issue=issue, screening=screening)

        def followup() -> None:
            services.followup_compile(actor=self.staff, episode=state["episode"])

        start = self.moment(air, 9)
        created = self.moment(self.workday(air - timedelta(days=28)), 10)
        self.agenda.at(created, make_slot)
        if with_leave:
            self.agenda.at(self.moment(self.workday(air - timedelta(days=12)), 15), leave)
        self.agenda.at(self.moment(self.workday(air - timedelta(days=9)), 10), prepare)
        self.agenda.at(self.moment(self.workday(air - timedelta(days=6)), 20, 30), web_questions)
        self.agenda.at(self.moment(self.workday(air - timedelta(days=2), back=True), 9, 30), screen)
        self.agenda.at(self.moment(self.workday(air - timedelta(days=2), back=True), 10), followup)
        self.agenda.at(start, lambda: self.show(state, unit, air, last=last))

    def topics(self, code: str) -> list[str]:
        from zhenwu.workorders.demo_history import ROUTES

        handled = [c for c, routes in ROUTES.items() if any(t == code for t, _ in routes)]
        if not handled:  # villages: what villages lead
            handled = [c for c, routes in ROUTES.items() if any(t == "@village" for t, _ in routes)]
        return [c for c in handled if c in self.categories and c in PROBLEMS] or ["other"]

    def caller(self) -> str:
        from zhenwu.workorders import demo_texts

        return demo_texts.reporter_name(self.rng)

    def question(self, code: str, category: str | None = None) -> str:
        """A caller's question in the citizens' words; the place it names is kept for a commitment."""
        from zhenwu.workorders import demo_texts

        category = category or self.rng.choice(self.topics(code))
        village = code if code in demo_texts.PLACES else self.rng.choice(list(demo_texts.PLACES))
        place = self.rng.choice(demo_texts.PLACES[village])
        text = TITLE_MARK + demo_texts.complaint(self.rng, category, place, demo_texts.VILLAGE_NAMES[village])
        self.places[text] = place
        return text

    # -- on air

    def show(self, state: dict[str, Any], unit: Any, air: date, *, last: bool) -> None:
        from zhenwu.hotline import services
        from zhenwu.hotline.choices import QuestionSource

        episode = state["episode"]
        services.episode_transition(actor=self.staff, episode=episode, action="go_live")
        clock = timezone.now()
        pending = [i for i in state.get("web", []) if i.screening == "selected"]
        pending = [type(i).objects.get(pk=i.pk) for i in pending]
        taken = len(pending)
        calls = self.rng.randint(5, 8)
        questions: list[tuple[Any, str]] = []
        for issue in pending:
            questions.append((issue, self.rng.choice(self.topics(unit.code))))
        for _ in range(calls):
            clock += timedelta(minutes=self.rng.randint(4, 7))
            category = self.rng.choice(self.topics(unit.code))
            with frozen_now(clock):
                issue = services.issue_create(
                    actor=self.operator,
                    episode=episode,
                    source=self.rng.choice([QuestionSource.PHONE] * 4 + [QuestionSource.SMS]),
                    during_show=True,
                    caller_name=self.caller(),
                    caller_phone=f"1390000{self.rng.randint(0, 9999):04d}",
                    text=self.question(unit.code, category),
                )
            questions.append((issue, category))
        outcomes = ["commitment"] * 4 if last else []
        for n, (issue, category) in enumerate(questions):
            clock += timedelta(minutes=2)
            if n < len(outcomes):
                outcome = outcomes[n]
            elif n < taken:
                outcome = "answer"
            else:
                outcome = self.rng.choices(["answer", "work_order", "commitment"], weights=[45, 25, 30])[0]
            with frozen_now(clock):
                if outcome == "answer":
                    summary = self.rng.choice(ANSWERS).format(unit=unit.name, n=self.rng.choice([3, 5, 7]))
                    services.issue_answer(actor=self.staff, issue=issue, summary=summary)
                elif outcome == "work_order":
                    self.work_order(issue, category, unit)
                else:
                    self.commitment(episode, issue, category, unit, kind=n if last and n < 4 else None)
        with frozen_now(clock + timedelta(minutes=3)):
            services.episode_transition(actor=self.staff, episode=episode, action="close")
        self.article(episode, air, pending_approval=last)

    def work_order(self, issue: Any, category: str, unit: Any) -> None:
        from zhenwu.hotline.workorder_link import issue_to_workorder

        order = issue_to_workorder(
            actor=self.staff,
            issue=issue,
            category=self.categories[category],
            unit=unit if unit.handles_requests else self.units["NT-ZWB"],
            note=f"（示例）请{unit.name}按时限办理并答复来电群众",
            is_sample=True,
        )
        self.order_life(order, timezone.now())

    def order_life(self, order: Any, start: datetime) -> None:
        from zhenwu.workorders.choices import Action, Satisfaction
        from zhenwu.workorders.services import workorder_transition

        handler = self.user_for(order.lead_unit)
        t_sign = self.later(start, self.rng.uniform(0.3, 1.8))
        t_reply = self.later(t_sign, self.rng.uniform(4, 25))
        t_call = self.later(t_reply, self.rng.uniform(2, 8))
        unhappy = self.rng.random() < 0.15

        def step(action: str, actor: Any, **kw: Any) -> Callable[[], None]:
            def run() -> None:
                workorder_transition(actor=actor, order=order, action=action, **kw)

            return run

        self.agenda.at(t_sign, step(Action.SIGN, handler))
        self.agenda.at(
            t_reply,
            step(
                Action.REPLY,
                handler,
                note=f"（示例）{order.lead_unit.name}已按节目中的答复办理完毕，并回复来电群众。",
            ),
        )
        satisfaction = (
            Satisfaction.UNSATISFIED if unhappy else self.rng.choice(["satisfied", "satisfied", "basic"])
        )
        self.agenda.at(t_call, step(Action.CALLBACK, self.operator, satisfaction=satisfaction))
        if unhappy:
            t_again = self.later(t_call, self.rng.uniform(6, 20))
            self.agenda.at(
                t_again, step(Action.REPLY, handler, note="（示例）重办：再次到现场处理，问题已解决。")
            )
            self.agenda.at(
                self.later(t_again, 4), step(Action.CALLBACK, self.operator, satisfaction=Satisfaction.BASIC)
            )

    def commitment(self, episode: Any, issue: Any, category: str, unit: Any, *, kind: int | None) -> None:
        from zhenwu.hotline import services

        rng = self.rng
        today = timezone.localdate()
        span = rng.choice([10, 15, 20, 30, 30, 45, 60])
        deadline = today + timedelta(days=span)
        responsible = unit
        milestones = [("现场勘查、制定方案", today + timedelta(days=max(2, span // 4)))]
        place = self.places.get(issue.text, "")
        problem = PROBLEMS.get(category, "群众反映")
        if place and place in issue.text:
            title = f"（示例）{span}天内解决{place}{problem}问题"
        else:
            title = f"（示例）{span}天内研究解决来电反映的{problem}问题并答复"
        commitment = services.commitment_create(
            actor=self.staff,
            episode=episode,
            issue=issue,
            title=title,
            responsible_unit=responsible,
            responsible_person=f"{TITLE_MARK}{unit.name}负责人",
            deadline=deadline,
            milestones=milestones,
            is_sample=True,
        )
        self.commitment_life(commitment, timezone.now(), deadline, span, kind)

    def commitment_life(
        self, commitment: Any, start: datetime, deadline: date, span: int, kind: int | None
    ) -> None:
        """Reports, completion with evidence, verification; ``kind`` fixes the latest episode's
        commitments in each state: 0 verified, 1 awaiting verification, 2 in progress, 3 open."""
        from zhenwu.hotline import services

        rng = self.rng
        reporter = self.user_for(commitment.responsible_unit)

        def report(progress: int, text: str, milestone: bool = False) -> Callable[[], None]:
            def run() -> None:
                done = list(commitment.milestones.values_list("pk", flat=True)) if milestone else None
                services.commitment_report(
                    actor=reporter, commitment=commitment, progress=progress, text=text, milestones_done=done
                )

            return run

        def complete() -> None:
            services.commitment_report(
                actor=reporter,
                commitment=commitment,
                progress=100,
                text="（示例）已全部整改到位，附现场照片。",
                evidence=self.evidence(reporter, commitment.title),
                completed=True,
            )

        def verify(action: str) -> Callable[[], None]:
            note = (
                "（示例）现场核验，整改到位。"
                if action == "verify"
                else "（示例）核验发现仍有问题，退回重办。"
            )

            def run() -> None:
                services.commitment_transition(
                    actor=self.staff, commitment=commitment, action=action, note=note
                )

            return run

        if kind == 3:
            return  # no progress reported yet
        first = self.later(start, rng.uniform(1, 4) * 7.5)
        self.agenda.at(first, report(rng.randint(20, 40), rng.choice(REPORTS[:2]), milestone=True))
        if kind == 2:
            return
        due = datetime.combine(deadline, time(17, 0), self.tz)
        if kind in (0, 1):
            done_at = self.later(first, rng.uniform(2, 4) * 7.5)
        elif rng.random() < 0.8:  # on time
            done_at = due - timedelta(days=rng.uniform(0.5, span * 0.35))
        else:
            done_at = due + timedelta(days=rng.uniform(3, 20))
        done_at = max(done_at, self.later(first, 7.5))
        middle = first + (done_at - first) / 2
        self.agenda.at(middle, report(rng.randint(55, 85), REPORTS[2]))
        self.agenda.at(done_at, complete)
        if kind == 1:
            return  # awaiting the programme office's verification
        checked = self.later(done_at, rng.uniform(1, 4) * 7.5)
        if kind is None and rng.random() < 0.1:
            self.agenda.at(checked, verify("reopen"))
            again = self.later(checked, rng.uniform(2, 5) * 7.5)
            self.agenda.at(again, complete)
            checked = self.later(again, rng.uniform(1, 2) * 7.5)
        self.agenda.at(checked, verify("verify"))

    def article(self, episode: Any, air: date, *, pending_approval: bool) -> None:
        from zhenwu.hotline import services

        day = self.workday(air + timedelta(days=1))

        def prepare() -> None:
            article = services.article_prepare(actor=self.staff, episode=episode)
            services.article_transition(actor=self.staff, article=article, action="submit")
            if pending_approval:
                return  # waits on the leader's workbench
            with frozen_now(self.moment(self.workday(day + timedelta(days=1)), 9, 40)):
                services.article_transition(actor=self.leader, article=article, action="approve")
            with frozen_now(self.moment(self.workday(day + timedelta(days=1)), 15)):
                services.article_transition(actor=self.staff, article=article, action="publish")

        self.agenda.at(self.moment(day, 10), prepare)


def load_history(*, months: int, now: datetime | None = None, seed: int = HISTORY_SEED) -> int:
    """Write the episodes of the ``months`` before now, once; returns how many were written."""
    from zhenwu.hotline.models import Episode

    if months <= 0:
        return 0
    now = now or timezone.now()
    if Episode.objects.filter(is_sample=True, title__startswith=TITLE_MARK, title__contains="月 ").exists():
        return 0
    episodes = _History(months=months, now=now, seed=seed).plan()
    from zhenwu.audit.services import audit_record
    from zhenwu.core.actors import SYSTEM

    audit_record(
        actor=SYSTEM,
        action="hotline.demo_history",
        object_type="hotline.episode",
        message=f"载入示例历史节目 {episodes} 期（示例数据）",
    )
    return episodes

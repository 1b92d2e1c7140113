"""政风热线 demo: the source episode exactly as published, plus a sample schedule and follow-up (示例数据).

Idempotent; every write goes through the services, acting as the demo 政务办 administrator and leader.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

SOURCE_TITLE = "牛塘镇上线“政风热线”"
SOURCE_FILE = Path(__file__).parent / "data" / "niutang_episode.txt"
SAMPLE_EARLIER = "（示例）城市管理办公室上线政风热线"
SAMPLE_NEXT = "（示例）经济发展局上线政风热线"
TOPICS = ["科技创新", "智改数转", "“典范之城”建设", "政务服务“小牛办”"]


def parse_source(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(intro, [(question, answer)]) from the seed text; an answer without a question gets question ''."""
    lines = [ln.strip() for ln in text.strip().rstrip("|").splitlines() if ln.strip()]
    intro = lines[0]
    pairs: list[list[str]] = []
    for line in lines[1:]:
        if line.startswith("问:") or line.startswith("问："):
            pairs.append([line[2:].strip(), ""])
        elif line.startswith("答:") or line.startswith("答："):
            if not pairs or pairs[-1][1]:
                pairs.append(["", ""])  # an answer whose question the source did not publish
            pairs[-1][1] = line[2:].strip()
        elif pairs:
            pairs[-1][1] += "\n" + line
    return intro, [(q, a) for q, a in pairs]


def _users() -> tuple[Any, Any]:
    from zhenwu.accounts.models import User

    return User.objects.get(username="town_admin"), User.objects.get(username="leader")


def _unit(code: str) -> Any:
    from zhenwu.orgs.models import Unit

    return Unit.objects.get(code=code)


def _source_episode(staff: Any, leader: Any) -> int:
    from zhenwu.hotline import services
    from zhenwu.hotline.choices import Channel
    from zhenwu.hotline.models import Episode

    if Episode.objects.filter(title=SOURCE_TITLE, is_sample=False).exists():
        return 0
    intro, pairs = parse_source(SOURCE_FILE.read_text(encoding="utf-8"))
    episode = services.episode_create(
        actor=staff,
        unit=_unit("NT"),
        title=SOURCE_TITLE,
        air_date=None,
        air_date_note="原稿为“近日”，未载明播出日期",
        channel=Channel.UNSTATED,
        guests=[("镇长", "汤枫"), ("副镇长", "沈超")],
        topics=TOPICS,
    )
    topics = list(episode.topics.order_by("order"))
    for n, (question, answer) in enumerate(pairs, start=1):
        services.issue_record_published(
            actor=staff,
            episode=episode,
            topic=topics[n - 1] if n <= len(topics) else None,
            text=question,
            answer_text=answer,
            show_order=n,
        )
    services.episode_transition(actor=staff, episode=episode, action="close")
    article = services.article_prepare(actor=staff, episode=episode, title=SOURCE_TITLE, intro=intro)
    services.article_transition(actor=staff, article=article, action="submit")
    services.article_transition(actor=leader, article=article, action="approve")
    services.article_transition(actor=staff, article=article, action="publish")
    return 1


def _sample(staff: Any, leader: Any) -> int:
    """A sample plan, an earlier sample episode with commitments, and the next one's follow-up."""
    from zhenwu.core.selectors import get_work_calendar
    from zhenwu.hotline import services
    from zhenwu.hotline.choices import Channel, QuestionSource
    from zhenwu.hotline.models import AnnualPlan, Episode, OnAirSlot

    today = timezone.localdate()
    year = today.year
    calendar = get_work_calendar()
    if year not in calendar.known_years or Episode.objects.filter(title=SAMPLE_NEXT).exists():
        return 0
    plan = AnnualPlan.objects.filter(year=year).first() or services.plan_create(
        actor=staff,
        year=year,
        title=f"{year}年政风热线上线计划（示例）",
        owner_unit=_unit("NT-ZWB"),
        reminder_working_days=10,
        is_sample=True,
    )

    def workday_near(d: date) -> date:
        """The nearest working day on or after d, kept inside the plan's year."""
        d = min(max(d, date(year, 1, 5)), date(year, 12, 24))
        while not calendar.is_workday(d):
            d += timedelta(days=1)
        return d

    specs = [
        ("NT-CGB", "主任", "（示例）城管办主任", workday_near(today - timedelta(days=16))),
        ("NT-JFJ", "局长", "（示例）经发局局长", workday_near(today + timedelta(days=12))),
        ("NT-BMFW", "主任", "（示例）便民服务中心主任", workday_near(today + timedelta(days=19))),
    ]
    slots = []
    for code, title, name, day in specs:
        unit = _unit(code)
        slot = OnAirSlot.objects.filter(unit=unit, date=day).first() or services.slot_create(
            actor=staff,
            plan=plan,
            date=day,
            start_time=time(9, 0),
            end_time=time(10, 0),
            channel=Channel.RADIO,
            unit=unit,
            head_name=name,
            head_title=title,
            contact_name="（示例）联络员",
            contact_phone="13800138100",
            note="示例数据：电视当晚22:20重播",
            is_sample=True,
        )
        slots.append(slot)
    earlier = services.episode_create(
        actor=staff,
        unit=slots[0].unit,
        slot=slots[0],
        title=SAMPLE_EARLIER,
        host="（示例）主持人",
        guests=[(specs[0][1], specs[0][2])],
        topics=["市容环境", "路灯"],
        is_sample=True,
    )
    services.episode_transition(
        actor=staff, episode=earlier, action="go_live", reason="示例数据：补录往期节目"
    )
    q1 = services.issue_create(
        actor=staff,
        episode=earlier,
        source=QuestionSource.PHONE,
        during_show=True,
        caller_name="王女士",
        caller_phone="13900001111",
        text="（示例）丫河村村口路灯坏了两个多月，晚上出行不方便，什么时候能修好？",
    )
    q2 = services.issue_create(
        actor=staff,
        episode=earlier,
        source=QuestionSource.PHONE,
        during_show=True,
        caller_phone="13900002222",
        text="（示例）卢家巷菜场周边占道经营严重，早高峰车辆无法通行。",
    )
    q3 = services.issue_create(
        actor=staff,
        episode=earlier,
        source=QuestionSource.SMS,
        caller_phone="13900003333",
        text="（示例）垃圾分类投放点的开放时间是什么？",
    )
    services.issue_answer(actor=staff, issue=q3, summary="（示例）投放点每天 6:30–8:30、18:00–20:00 开放。")
    c1 = services.commitment_create(
        actor=staff,
        episode=earlier,
        issue=q1,
        title="（示例）两周内修复丫河村村口路灯",
        responsible_unit=_unit("NT-CGB"),
        responsible_person="（示例）城管办主任",
        deadline=today + timedelta(days=14),
        milestones=[("现场勘查", today + timedelta(days=3))],
        is_sample=True,
    )
    services.commitment_create(
        actor=staff,
        episode=earlier,
        issue=q2,
        title="（示例）一个月内整治卢家巷菜场周边占道经营",
        responsible_unit=_unit("NT-LJX"),
        responsible_person="（示例）卢家巷村书记",
        deadline=today + timedelta(days=30),
        is_sample=True,
    )
    services.episode_transition(actor=staff, episode=earlier, action="close")
    services.commitment_report(
        actor=staff,
        commitment=c1,
        progress=40,
        text="（示例）已完成现场勘查，灯具已采购，待安装。",
    )
    nxt = services.episode_create(
        actor=staff,
        unit=slots[1].unit,
        slot=slots[1],
        title=SAMPLE_NEXT,
        host="（示例）主持人",
        guests=[(specs[1][1], specs[1][2])],
        topics=["科技创新", "企业服务"],
        is_sample=True,
    )
    services.followup_compile(actor=staff, episode=nxt)  # items from sample commitments carry is_sample
    services.reminders_queue()  # the sample slots within the plan's reminder window
    return 1


@transaction.atomic
def load_demo(admin: Any) -> dict[str, int]:
    staff, leader = _users()
    return {
        "hotline_source_episode": _source_episode(staff, leader),
        "hotline_sample": _sample(staff, leader),
    }


def load_history(admin: Any, *, months: int) -> dict[str, int]:
    """A monthly episode for ``months`` before today, with its questions, work orders and
    commitments (see demo_history); then the upcoming sample episode's 追踪反馈 is compiled anew so
    that it lists the history's open commitments."""
    from zhenwu.hotline import services
    from zhenwu.hotline.demo_history import load_history as load_episodes
    from zhenwu.hotline.models import Episode

    staff, _leader = _users()
    episodes = load_episodes(months=months)
    upcoming = Episode.objects.filter(title=SAMPLE_NEXT).first()
    if episodes and upcoming is not None:
        services.followup_compile(actor=staff, episode=upcoming)
    return {"hotline_history_episodes": episodes}


def describe() -> list[str]:
    from zhenwu.hotline.demo_history import TITLE_MARK
    from zhenwu.hotline.models import Commitment, Episode

    lines = [
        "政风热线：已发布原稿《牛塘镇上线“政风热线”》；示例上线计划与追踪反馈标注为示例数据。公开页面 /public/hotline/"
    ]
    history = Episode.objects.filter(is_sample=True, title__startswith=TITLE_MARK, title__contains="月 ")
    if history.exists():
        commitments = Commitment.objects.filter(episode__in=history).count()
        lines.append(
            f"  示例历史：{history.count()} 期节目，{commitments} 项承诺事项（已承诺、推进中、待核验、已办结）"
        )
    return lines

"""牛塘镇 专项行动 and 目标任务 demo.

From the source text: the 18 task forces of the 文明典范城市 攻坚行动 under "领导挂钩、部门牵头、条块结合、
统筹推进", three of them named (城乡公益广告提升, 空中线缆治理, 集贸市场治理); the 2022 targets
(科技型中小企业认定 110 of 100; 科技型中小微企业招引 6 of 5, 4 备案). Everything else — the other 15
actions, milestones, reports, progress — is generated and marked sample data (is_sample=True).
Dates are relative to today so every colour is current. Idempotent; written through services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zhenwu.campaigns import services
from zhenwu.campaigns.choices import CampaignAction, Direction, ReportCycle, TargetSource
from zhenwu.campaigns.models import AnnualTarget, Campaign, ProgressReport
from zhenwu.core import parts
from zhenwu.core.exports import Column, build_xlsx
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.services import DOCUMENT_TYPES, attachment_create

SOURCE_ACTIONS = ["城乡公益广告提升", "空中线缆治理", "集贸市场治理"]
JOURNEY_ACTION = "空中线缆治理"
# (title, lead unit code, other unit codes, kind of progress): generated, sample.
GENERATED_ACTIONS = [
    ("背街小巷环境整治", "NT-CGB", ["NT-YH", "NT-LJX"], "green"),
    ("农贸市场周边秩序提升", "NT-CGB", ["NT-SCJG"], "amber"),
    ("老旧小区改造提升", "NT-JSJ", ["NT-NZ", "NT-XC"], "green"),
    ("非机动车停放秩序整治", "NT-CGB", ["NT-PCS"], "red"),
    ("餐饮油烟污染治理", "NT-HBB", ["NT-SCJG"], "green"),
    ("河塘水环境综合治理", "NT-NYB", ["NT-DT", "NT-XH"], "amber"),
    ("建筑工地扬尘管控", "NT-JSJ", ["NT-HBB"], "green"),
    ("违法建设治理", "NT-CGB", ["NT-JSJ", "NT-YH"], "red"),
    ("生活垃圾分类提升", "NT-HBB", ["NT-NZ", "NT-XC", "NT-YH"], "green"),
    ("道路交通秩序整治", "NT-PCS", ["NT-CGB"], "amber"),
    ("文明养犬专项整治", "NT-PCS", ["NT-NZ"], "closed"),
    ("公共厕所提档升级", "NT-CGB", ["NT-JSJ"], "closed"),
    ("占道经营专项整治", "NT-CGB", ["NT-LJX"], "green"),
    ("志愿服务质效提升", "NT-DZB", ["NT-SSJ"], "planning"),
    ("窗口单位文明服务提升", "NT-ZWB", ["NT-BMFW"], "planning"),
]
SOURCE_SPEC = {
    "城乡公益广告提升": ("NT-DZB", ["NT-CGB", "NT-YH", "NT-LJX", "NT-NZ"], "green"),
    "空中线缆治理": ("NT-CGB", ["NT-GDS", "NT-JSJ", "NT-YH"], "journey"),
    "集贸市场治理": ("NT-CGB", ["NT-SCJG", "NT-LJX"], "amber"),
}
MILESTONE_TITLES = [
    "摸底排查、建立问题清单",
    "制定整治方案并动员部署",
    "集中整治攻坚",
    "查漏补缺、巩固提升",
    "长效管护与验收",
]
WEIGHTS = [15, 15, 35, 20, 15]
STEP_SPEC = [("摸底排查", 15), ("方案制定与动员", 10), ("集中整治", 40), ("巩固提升", 20), ("检查验收", 10)]
REPORT_TEXTS = [
    "本期完成重点区域摸底，建立问题清单，已交办责任单位限期整改。",
    "组织联合执法检查，整改问题点位，群众反映的突出问题已逐项销号。",
    "对照方案推进集中整治，完成阶段目标，形成前后对比照片台账。",
    "开展回头看，对反弹点位再次整治，建立网格巡查长效机制。",
]


def _user(username: str) -> Any:
    from zhenwu.accounts.models import User

    return User.objects.filter(username=username).first()


def _last_working_day_before(day: date) -> date:
    return get_work_calendar().previous_workday(day)


def _progress_plan(kind: str, due: list[date], today: date) -> list[int]:
    """Milestone progress giving the intended colour at ``today``."""
    done = [100 if d < today else 0 for d in due]
    current = next((i for i, d in enumerate(due) if d >= today), len(due) - 1)
    if kind == "green":
        done[current] = 100
        if current + 1 < len(due):
            done[current + 1] = 10
    elif kind == "amber":
        done[current] = 60
    elif kind == "red":
        if current > 0:
            done[current - 1] = 30
        if current > 1:
            done[current - 2] = 60
    elif kind == "closed":
        done = [100] * len(due)
    return done


def _campaign(
    title: str,
    spec: tuple[str, list[str], str],
    *,
    admin: Any,
    leader: Any,
    units: dict[str, Any],
    today: date,
    rng: random.Random,
) -> Campaign:
    lead, others, kind = spec
    sample = title not in SOURCE_ACTIONS
    if kind == "closed":
        start, end = today - timedelta(days=330), today - timedelta(days=40)
    elif kind == "planning":
        start, end = today + timedelta(days=20), today + timedelta(days=200)
    else:
        start, end = today - timedelta(days=240), today + timedelta(days=60)
    campaign = services.campaign_create(
        actor=admin,
        title=title,
        year=start.year,
        lead_unit=units[lead],
        units=[units[c] for c in others if c in units],
        owner_name=f"{units[lead].name}负责人（示例）",
        start_date=start,
        end_date=end,
        leader=leader,
        leader_title="镇党委副书记（示例）",
        members="\n".join(f"{units[c].name}联络员（示例）" for c in [lead, *others] if c in units),
        summary=(
            "按照“领导挂钩、部门牵头、条块结合、统筹推进”的原则，由牵头部门制定实施方案，明确目标值、时间表、"
            "路线图、责任人，逐项落实，引导全镇群众积极参与。"
            + ("（时间表、进度与报告为示例数据）" if not sample else "（方案要点为示例数据）")
        ),
        report_cycle=ReportCycle.BIWEEKLY,
        is_public=kind != "planning",
        is_sample=sample,  # the three named task forces are in the source; the other fifteen are generated
    )
    span = (end - start).days
    due = [start + timedelta(days=span * k // 5) for k in range(1, 6)]
    due[-1] = end
    if kind == "journey":
        # 空中线缆治理: the milestone was due on the last working day before today and is not reported yet.
        due[3] = _last_working_day_before(today)
        due[2] = min(due[2], due[3] - timedelta(days=30))
    services.milestones_replace(
        actor=admin,
        campaign=campaign,
        rows=[services.MilestoneRow(t, d, w) for t, d, w in zip(MILESTONE_TITLES, due, WEIGHTS, strict=True)],
    )
    services.objectives_replace(
        actor=admin,
        campaign=campaign,
        rows=[
            services.ObjectiveRow(
                "问题点位整改销号", "处", Decimal(0), Decimal(rng.choice([60, 80, 120, 150]))
            ),
            services.ObjectiveRow("群众满意度", "%", Decimal(80), Decimal(95)),
        ],
    )
    services.roadmap_replace(
        actor=admin, campaign=campaign, rows=[services.StepRow(n, d, "专班联络员") for n, d in STEP_SPEC]
    )
    if kind == "planning":
        return campaign
    services.campaign_transition(actor=admin, campaign=campaign, action=CampaignAction.START)
    target = [100, 100, 100, 80, 0] if kind == "journey" else _progress_plan(kind, due, today)
    # Reports spread over the past months, each moving the milestones that were due by then.
    reports = []
    steps = sorted({i for i, p in enumerate(target) if p > 0})
    for n, i in enumerate(steps):
        progress = {
            m.pk: target[j] for j, m in enumerate(campaign.milestones.order_by("due_date", "id")) if j <= i
        }
        report = services.report_submit(
            actor=admin,
            campaign=campaign,
            text=REPORT_TEXTS[n % len(REPORT_TEXTS)] + "（示例数据）",
            problems="个别点位权属复杂，需协调产权单位配合。（示例数据）" if n % 2 else "",
            milestone_progress=progress,
            is_sample=True,
        )
        reports.append((report, due[i] - timedelta(days=rng.randint(0, 5))))
    moments = []
    for report, when in reports:
        when = min(when, today - timedelta(days=rng.randint(1, 6)))
        moment = timezone.make_aware(datetime.combine(when, time(10, 0)))
        ProgressReport.objects.filter(pk=report.pk).update(created_at=moment)  # demo history: back-date
        moments.append(moment)
    if reports:
        Campaign.objects.filter(pk=campaign.pk).update(last_report_at=max(moments))
        if leader is not None and len(reports) > 1:
            services.report_review(
                actor=leader, report=reports[0][0], text="进展较好，继续按节点推进，注意长效管护。（示例）"
            )
    if kind == "closed":
        campaign.refresh_from_db()
        services.campaign_transition(actor=admin, campaign=campaign, action=CampaignAction.CLOSE)
    return campaign


def _evidence(admin: Any, title: str, lines: list[str]) -> Any:
    data = build_xlsx(
        title="佐证",
        columns=[Column("佐证内容", lambda r: r, width=80)],
        rows=lines,
        note="来源：牛塘镇“政风热线”节目文字实录（2022 年工作回顾）。",
    )
    upload = SimpleUploadedFile(f"{title}-佐证.xlsx", data)
    return attachment_create(actor=admin, upload=upload, allowed_types=DOCUMENT_TYPES)


def _metric_key(*words: str) -> str:
    """A registered metric whose label names the figure (the enterprises part registers these when merged)."""
    for key, m in parts.metrics().items():
        if all(w in m.label for w in words):
            return key
    return ""


def _targets(admin: Any, units: dict[str, Any]) -> int:
    town = units["NT"]
    jfj = units.get("NT-JFJ", town)
    made = 0
    source_targets = [
        (
            "科技型中小企业认定",
            "科技创新",
            "家",
            100,
            110,
            ("科技型中小企业",),
            "全年完成科技型中小科技企业认定110家，超额完成100家目标任务。",
        ),
        (
            "科技型中小微企业招引",
            "科技创新",
            "家",
            5,
            6,
            ("招引",),
            "科技型中小微企业招引目标5家，完成招引6家，通过市科技局备案认定4家。",
        ),
    ]
    for title, category, measure, goal, actual, words, quote in source_targets:
        key = _metric_key(*words)
        target = services.target_create(
            actor=admin,
            unit=jfj,
            year=2022,
            title=title,
            category=category,
            measure_unit=measure,
            target_value=Decimal(goal),
            source=TargetSource.METRIC if key else TargetSource.MANUAL,
            metric_key=key,
            note="目标值与完成值来自节目文字实录" if not key else "完成值由企业库实时读取",
        )
        if not key:
            services.target_enter_actual(
                actor=admin,
                target=target,
                value=Decimal(actual),
                note=quote,
                evidence=[_evidence(admin, title, [quote])],
            )
        made += 1
    year = timezone.localdate().year
    live = [
        ("工单按期办结率", "为民服务", "%", 95, "workorders.on_time_rate", Direction.UP),
        ("工单满意率", "为民服务", "%", 95, "workorders.satisfaction_rate", Direction.UP),
    ]
    registered = parts.metrics()
    for title, category, measure, goal, key, direction in live:
        if key not in registered:
            continue
        services.target_create(
            actor=admin, unit=units.get("NT-CGB", town), year=year, title=title, category=category, measure_unit=measure,
            target_value=Decimal(goal), source=TargetSource.METRIC, metric_key=key, direction=direction,
            note="示例目标值", is_sample=True,
        )  # fmt: skip
        made += 1
    manual = [
        ("NT-CGB", "城市管理问题整改销号", "城市管理", "处", 600, 640),
        ("NT-NYB", "农村人居环境整治村", "乡村振兴", "个", 6, 5),
        ("NT-JSJ", "老旧小区改造", "城乡建设", "个", 4, 4),
        ("NT-HBB", "河塘清淤整治", "生态环境", "条", 12, 9),
    ]
    for code, title, category, measure, goal, actual in manual:
        if code not in units:
            continue
        target = services.target_create(
            actor=admin, unit=units[code], year=year, title=title, category=category, measure_unit=measure,
            target_value=Decimal(goal), note="示例数据", is_sample=True,
        )  # fmt: skip
        services.target_enter_actual(
            actor=admin, target=target, value=Decimal(actual), note="示例数据：按月度台账汇总。",
            evidence=[_evidence(admin, title, [f"{title}台账（示例数据）"])],
        )  # fmt: skip
        made += 1
    for code in ("NT-YH", "NT-LJX", "NT-DT", "NT-XH"):
        if code in units and "assessment.rank" in registered:
            services.target_create(
                actor=admin, unit=units[code], year=year, title="融合考核名次进入前三", category="城市管理",
                measure_unit="名", target_value=Decimal(3), source=TargetSource.METRIC, metric_key="assessment.rank",
                direction=Direction.DOWN, note="示例目标值", is_sample=True,
            )  # fmt: skip
            made += 1
    services.snapshots_freeze()
    return made


@transaction.atomic
def load_demo(admin: Any) -> dict[str, int]:
    if Campaign.objects.exists() or AnnualTarget.objects.exists():
        return {"campaigns": 0, "targets": 0}
    from zhenwu.orgs.models import Unit

    manager = _user("town_admin") or admin
    leader = _user("leader")
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    if "NT" not in units or "NT-CGB" not in units:
        return {"campaigns": 0, "targets": 0}
    today = timezone.localdate()
    rng = random.Random(2026)
    made = 0
    for title in SOURCE_ACTIONS:
        _campaign(title, SOURCE_SPEC[title], admin=manager, leader=leader, units=units, today=today, rng=rng)
        made += 1
    for title, lead, others, kind in GENERATED_ACTIONS:
        if lead not in units:
            lead = "NT-CGB"
        _campaign(
            title, (lead, others, kind), admin=manager, leader=leader, units=units, today=today, rng=rng
        )
        made += 1
    return {"campaigns": made, "targets": _targets(manager, units)}


def describe() -> list[str]:
    return [
        "专项行动：18 个专项行动工作专班（城乡公益广告提升、空中线缆治理、集贸市场治理见于节目实录，其余为示例），"
        "公开进度 /public/campaigns/；2022 年目标任务（科技型中小企业认定 110/100、招引 6/5）及本年度示例目标 /targets/"
    ]

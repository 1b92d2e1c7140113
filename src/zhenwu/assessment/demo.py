"""牛塘镇 assessment demo: the five items of the source text; weights, findings and results are
generated sample data (is_sample=True), never real figures. Idempotent; written through services."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhenwu.assessment import services
from zhenwu.assessment.choices import IndicatorKind, IndicatorSource, RectificationStatus
from zhenwu.assessment.models import AssessmentMonth, Finding, Indicator, Scheme
from zhenwu.core.demodata import sample_photo
from zhenwu.core.selectors import get_work_calendar

D = Decimal
# The five items named in the source text, with responsible departments and sample rubrics.
ITEMS: list[dict[str, Any]] = [
    {
        "code": "cml",
        "name": "城市长效管理",
        "dept": "NT-CGB",
        "indicators": [
            ("zdjy", "占道经营、出店经营", IndicatorKind.DEDUCTION, D("1"), D("20")),
            ("ldlf", "乱堆乱放、乱拉乱挂", IndicatorKind.DEDUCTION, D("1"), D("20")),
            ("wggg", "违规设置户外广告", IndicatorKind.DEDUCTION, D("0.5"), D("10")),
            ("wfjs", "新增违法建设未及时制止", IndicatorKind.VETO, D("1"), D("1")),
        ],
        "computed": [("asbj", "工单按期办结率", "workorders.on_time_rate", [[0.6, 0], [0.95, 5]], D("5"))],
    },
    {
        "code": "wmcs",
        "name": "文明城市",
        "dept": "NT-DZB",
        "indicators": [
            ("gygg", "公益广告缺失、破损", IndicatorKind.DEDUCTION, D("1"), D("10")),
            ("bjxx", "背街小巷脏乱差", IndicatorKind.DEDUCTION, D("2"), D("20")),
            ("wmby", "文明创建工作获上级表扬", IndicatorKind.BONUS, D("2"), D("5")),
        ],
        "computed": [("myl", "工单满意率", "workorders.satisfaction_rate", [[0.7, 0], [0.98, 5]], D("5"))],
    },
    {
        "code": "rjhj",
        "name": "农村人居环境",
        "dept": "NT-NYB",
        "indicators": [
            ("ljlf", "垃圾乱堆乱放", IndicatorKind.DEDUCTION, D("1"), D("20")),
            ("htpf", "河塘漂浮物、岸坡垃圾", IndicatorKind.DEDUCTION, D("1"), D("15")),
            ("ltfs", "露天焚烧", IndicatorKind.VETO, D("1"), D("1")),
        ],
        "computed": [],
    },
    {
        "code": "lhgh",
        "name": "绿化管护",
        "dept": "NT-JSJ",
        "indicators": [
            ("htlu", "绿地黄土裸露、杂草丛生", IndicatorKind.DEDUCTION, D("1"), D("15")),
            ("hlzc", "毁绿种菜", IndicatorKind.DEDUCTION, D("2"), D("20")),
        ],
        "computed": [],
    },
    {
        "code": "xqwy",
        "name": "小区物业管理",
        "dept": "NT-JSJ",
        "indicators": [
            ("ldtw", "楼道堆物", IndicatorKind.DEDUCTION, D("1"), D("15")),
            ("fxcd", "电动车飞线充电", IndicatorKind.DEDUCTION, D("2"), D("20")),
            ("wyfw", "物业服务获评示范小区", IndicatorKind.BONUS, D("2"), D("4")),
        ],
        "computed": [],
    },
]
KIND_WEIGHTS_2025 = {
    "village": {"cml": "0.25", "wmcs": "0.2", "rjhj": "0.3", "lhgh": "0.15", "xqwy": "0.1"},
    "community": {"cml": "0.25", "wmcs": "0.25", "rjhj": "0.1", "lhgh": "0.15", "xqwy": "0.25"},
}
# 2026 re-weighted the items, village by village (一村一策). Sample values.
UNIT_WEIGHTS_2026 = {
    "NT-YH": {"cml": "0.3", "wmcs": "0.2", "rjhj": "0.3", "lhgh": "0.1", "xqwy": "0.1"},
    "NT-LJX": {"cml": "0.25", "wmcs": "0.2", "rjhj": "0.35", "lhgh": "0.1", "xqwy": "0.1"},
    "NT-DT": {"cml": "0.2", "wmcs": "0.2", "rjhj": "0.4", "lhgh": "0.15", "xqwy": "0.05"},
    "NT-XH": {"cml": "0.25", "wmcs": "0.15", "rjhj": "0.35", "lhgh": "0.2", "xqwy": "0.05"},
    "NT-NZ": {"cml": "0.3", "wmcs": "0.25", "rjhj": "0.05", "lhgh": "0.1", "xqwy": "0.3"},
    "NT-XC": {"cml": "0.3", "wmcs": "0.2", "rjhj": "0.05", "lhgh": "0.15", "xqwy": "0.3"},
}
UNITS = ["NT-YH", "NT-LJX", "NT-DT", "NT-XH", "NT-NZ", "NT-XC"]
# How untidy each unit tends to be in the sample (findings per month on average).
TENDENCY = {"NT-YH": 2.5, "NT-LJX": 5.5, "NT-DT": 4.0, "NT-XH": 6.5, "NT-NZ": 3.5, "NT-XC": 4.5}
PLACES = [
    "村委会东侧道路",
    "河桥北侧",
    "农贸市场门口",
    "小区3号楼楼道",
    "主干道沿线",
    "文化广场",
    "河塘西岸",
    "老街巷口",
]


def build_scheme(*, actor: Any, year: int, is_sample: bool = False) -> Scheme:
    """A scheme with the five items and their rubrics (used by the demo and the tests)."""
    from zhenwu.orgs.models import Unit

    scheme = services.scheme_create(actor=actor, year=year, is_sample=is_sample)
    for order, spec in enumerate(ITEMS, start=1):
        dept = Unit.objects.filter(code=spec["dept"]).first()
        item = services.item_create(
            actor=actor,
            scheme=scheme,
            code=spec["code"],
            name=spec["name"],
            responsible_unit=dept,
            sort_order=order,
        )
        for i, (code, name, kind, per, cap) in enumerate(spec["indicators"], start=1):
            services.indicator_create(
                actor=actor,
                item=item,
                code=code,
                name=name,
                kind=kind,
                points_per_finding=per,
                max_score=cap,
                sort_order=i,
            )
        for code, name, key, formula, cap in spec["computed"]:
            services.indicator_create(
                actor=actor,
                item=item,
                code=code,
                name=name,
                source=IndicatorSource.COMPUTED,
                metric_key=key,
                formula=formula,
                max_score=cap,
                sort_order=90,
            )
    return scheme


def _user(username: str) -> Any:
    from zhenwu.accounts.models import User

    return User.objects.get(username=username)


def _generate_month(
    rng: random.Random,
    inspector: Any,
    month: AssessmentMonth,
    units: dict[str, Any],
    indicators: list[Indicator],
    last_day: date,
) -> int:
    manual = [
        i for i in indicators if i.kind == IndicatorKind.DEDUCTION and i.source == IndicatorSource.MANUAL
    ]
    bonus = [i for i in indicators if i.kind == IndicatorKind.BONUS]
    created = 0
    for code, unit in units.items():
        n = max(0, int(rng.gauss(TENDENCY[code], 1.5)))
        for _ in range(n):
            ind = rng.choice(manual)
            if unit.kind == "village" and ind.item.code == "xqwy" and rng.random() < 0.7:
                continue  # few residential compounds in villages
            day = month.month + timedelta(days=rng.randrange(0, max(1, (last_day - month.month).days + 1)))
            services._finding_create(
                actor=inspector,
                month=month,
                unit=unit,
                indicator=ind,
                count=rng.choice([1, 1, 1, 2, 2, 3]),
                found_on=day,
                place=rng.choice(PLACES),
                note="示例数据：巡查发现",
                is_sample=True,
                today=day,
            )
            created += 1
        if rng.random() < 0.15 and bonus:
            ind = rng.choice(bonus)
            services._finding_create(
                actor=inspector,
                month=month,
                unit=unit,
                indicator=ind,
                count=1,
                found_on=month.month + timedelta(days=10),
                place="",
                note="示例数据：获上级表扬",
                is_sample=True,
                today=month.month + timedelta(days=10),
            )
            created += 1
    return created


@transaction.atomic
def load_demo(admin: Any) -> dict[str, int]:
    if Scheme.objects.filter(year=2026).exists():
        return {"assessment_findings": 0}
    from zhenwu.orgs.models import Unit

    manager, inspector, leader = _user("town_admin"), _user("inspector"), _user("leader")
    rng = random.Random(2026)
    units = {code: Unit.objects.get(code=code) for code in UNITS}
    s2025 = build_scheme(actor=manager, year=2025)
    for kind, weights in KIND_WEIGHTS_2025.items():
        services.weight_profile_set(
            actor=manager,
            scheme=s2025,
            unit_kind=kind,
            weights=weights,
            valid_from=date(2025, 1, 1),
            note="示例数据：按村、社区分类设定",
            is_sample=True,
        )
    s2026 = services.scheme_copy(actor=manager, source=s2025, year=2026)
    for code, weights in UNIT_WEIGHTS_2026.items():
        services.weight_profile_set(
            actor=manager,
            scheme=s2026,
            unit=units[code],
            weights=weights,
            valid_from=date(2026, 1, 1),
            note="示例数据：一村一策",
            is_sample=True,
        )
    findings = 0
    month_start = date(2025, 11, 1)
    closed = []
    while month_start <= date(2026, 11, 1):
        scheme = s2025 if month_start.year == 2025 else s2026
        month = services.month_for(scheme=scheme, day=month_start, is_sample=True)
        indicators = list(Indicator.objects.filter(item__scheme=scheme).select_related("item"))
        next_start = date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
        last_day = min(next_start - timedelta(days=1), date(2026, 11, 20))
        findings += _generate_month(rng, inspector, month, units, indicators, last_day)
        if month_start < date(2026, 11, 1):
            closed.append(month)
        month_start = next_start
    # Rectifications were verified, except three of 卢家巷村's in October (late: 蜗牛奖) and its two latest
    # findings of the open month, which get fresh deadlines so the demo can object and rectify today.
    late = list(
        Finding.objects.filter(
            month=closed[-1], unit=units["NT-LJX"], rectification=RectificationStatus.REQUIRED
        )
        .order_by("found_on")
        .values_list("pk", flat=True)[:3]
    )
    open_month = AssessmentMonth.objects.get(month=date(2026, 11, 1))
    fresh = list(
        Finding.objects.filter(
            month=open_month, unit=units["NT-LJX"], rectification=RectificationStatus.REQUIRED
        )
        .order_by("-found_on", "-id")
        .values_list("pk", flat=True)[:2]
    )
    Finding.objects.filter(rectification=RectificationStatus.REQUIRED, is_sample=True).exclude(
        pk__in=late + fresh
    ).update(rectification=RectificationStatus.VERIFIED, verified_by=inspector)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhenwu.core.services import attachment_create

    for n, finding in enumerate(
        Finding.objects.filter(unit=units["NT-LJX"], month__in=[closed[-1], open_month])
    ):
        photo = SimpleUploadedFile(
            f"示例照片-{finding.number}.png", sample_photo(n), content_type="image/png"
        )
        finding.photos.add(attachment_create(actor=inspector, upload=photo))
    cal = get_work_calendar()
    today = timezone.localdate()
    Finding.objects.filter(pk__in=fresh).update(
        objection_deadline=cal.add_working_days(today, s2026.objection_days),
        rectify_deadline=cal.add_working_days(today, s2026.rectify_days),
    )
    for i, month in enumerate(closed):
        close_day = date(month.month.year + (month.month.month == 12), month.month.month % 12 + 1, 5)
        # closed once every finding's objection window has run out (a holiday can push it past the 5th)
        last_window = month.findings.aggregate(last=Max("objection_deadline"))["last"]
        if last_window is not None and last_window >= close_day:
            close_day = last_window + timedelta(days=1)
        closed[i] = services.month_close(actor=leader, month=month, today=close_day)
    last = closed[-1]
    bulletin = services.bulletin_generate(actor=manager, month=last)
    services.bulletin_approve(actor=leader, bulletin=bulletin)
    ranked = list(last.results.filter(category="area").order_by("rank"))
    services.meeting_create(
        actor=manager,
        month=last,
        held_on=date(2026, 11, 6),
        title="2026年10月份城市管理融合考核点评会",
        attendees="镇党委书记、镇长、分管副镇长，各村（社区）书记，城管办、建设局、农业农村办负责人（示例数据）",
        summary="通报10月份考核结果，末位单位作表态发言。（示例数据）",
        decisions=[
            {
                "text": f"{ranked[-1].unit.name}对河塘漂浮物问题开展专项整治，11月底前完成",
                "unit": ranked[-1].unit,
                "deadline": date(2026, 11, 30),
            },
            {
                "text": f"{ranked[-2].unit.name}清理背街小巷积存垃圾，建立保洁台账",
                "unit": ranked[-2].unit,
                "deadline": date(2026, 12, 4),
            },
        ],
        is_sample=True,
    )
    return {"assessment_findings": findings, "assessment_months": len(closed)}


def describe() -> list[str]:
    return [
        "融合考核：2025、2026 年度方案（五个考核项目），近 12 个月示例考核结果；2026年10月通报已审批，公开红黑榜 /public/assessment/"
    ]

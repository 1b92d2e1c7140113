"""牛塘镇 科技创新 and 智改数转 demo, written through services so every figure is computed from records.

From the source text (2022): 高企 申报 52 (含武进绿建区), 认定 38, 净增 31, 有效 突破 90; 科技型中小企业
110 (target 100); 招引 6 (target 5), 4 备案; 龙城英才计划 创业类 5, 市领军型 1, 武进英才计划 倍增工程 1;
产学研 20余项 超1000万元; 57 diagnoses; 康普瑞汽车空调有限公司 (ERP, MES, WMS, SRM and its honours).
Every other enterprise, person, code, amount and rating is generated and marked 示例 (is_sample).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhenwu.enterprises import services
from zhenwu.enterprises.choices import (
    EventKind,
    HighTechAction,
    HonourLevel,
    PartnershipAction,
    System,
    TalentProgramme,
    TargetKey,
)
from zhenwu.enterprises.maturity import DOMAIN_CODES
from zhenwu.enterprises.models import Enterprise

KANGPURUI = "常州康普瑞汽车空调有限公司"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VILLAGES = {
    "NT-YH": ["NT-YH-G01", "NT-YH-G02"],
    "NT-LJX": ["NT-LJX-G01", "NT-LJX-G02"],
    "NT-DT": ["NT-DT-G01"],
    "NT-XH": ["NT-XH-G01"],
    "NT-NZ": ["NT-NZ-G01"],
    "NT-XC": ["NT-XC-G01"],
}
INDUSTRIES = [
    ("C3670", "汽车零部件及配件制造", "汽车部件"),
    ("C3484", "机械零部件加工", "精密机械"),
    ("C3819", "其他电机制造", "电机"),
    ("C3985", "电子专用材料制造", "电子材料"),
    ("C2929", "塑料零件及其他塑料制品制造", "塑业"),
    ("C3311", "金属结构制造", "钢结构"),
    ("C3441", "泵及真空设备制造", "泵业"),
    ("I6513", "应用软件开发", "软件"),
    ("C2669", "其他专用化学产品制造", "新材料"),
    ("C3599", "其他专用设备制造", "智能装备"),
]
NAME_HEADS = list("华瑞恒泰博远新锐嘉诚鼎盛宏达金腾卓越天勤伟业永正")
INSTITUTIONS = [
    "江南大学",
    "常州大学",
    "河海大学常州校区",
    "江苏理工学院",
    "南京航空航天大学",
    "东南大学",
    "中国科学院常州先进制造技术研究所",
]
TALENTS_2022 = [
    (TalentProgramme.LONGCHENG_STARTUP, "创业类", 5),
    (TalentProgramme.CITY_LEADING, "领军型创新人才", 1),
    (TalentProgramme.WUJIN_DOUBLING, "领军型创新人才“倍增工程”", 1),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def uscc_with_check(body17: str) -> str:
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(body17, weights, strict=True))
    return body17 + USCC_CHARSET[(31 - total % 31) % 31]


def sample_uscc(rng: random.Random) -> str:
    return uscc_with_check("91320412" + "".join(rng.choice(USCC_CHARSET[:10] + "MA") for _ in range(9)))


def _user(username: str) -> Any:
    from zhenwu.accounts.models import User

    return User.objects.get(username=username)


def _units() -> dict[str, Any]:
    from zhenwu.orgs.models import Unit

    return {u.code: u for u in Unit.objects.filter(code__in=[*VILLAGES, *sum(VILLAGES.values(), []), "NT"])}


class _Maker:
    def __init__(self, actor: Any, rng: random.Random) -> None:
        self.actor = actor
        self.rng = rng
        self.units = _units()
        self.names: set[str] = set()

    def enterprise(
        self, *, above_scale: bool, registered_before: int = 2019, green: bool = False
    ) -> Enterprise:
        rng = self.rng
        code, industry, word = rng.choice(INDUSTRIES)
        while True:
            name = f"常州{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{word}有限公司"
            if name not in self.names:
                self.names.add(name)
                break
        village = rng.choice(list(VILLAGES))
        grid = rng.choice(VILLAGES[village])
        return services.enterprise_create(
            actor=self.actor,
            data=services.EnterpriseInput(
                uscc=sample_uscc(rng),
                name=name,
                unit=self.units[village],
                grid=self.units.get(grid),
                industry_code=code,
                industry_name=industry,
                address=f"牛塘镇{self.units[village].name}（示例地址）",
                above_scale=above_scale,
                in_green_zone=green,
                registered_on=date(
                    rng.randint(2003, registered_before), rng.randint(1, 12), rng.randint(1, 28)
                ),
                staff=rng.randint(30, 420),
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                contact_phone=f"139{rng.randint(10000000, 99999999)}",
                is_sample=True,
            ),
        )

    def certify(
        self, enterprise: Enterprise, year: int, issued_on: date, *, applied_on: date | None = None
    ) -> None:
        record = services.hightech_add(actor=self.actor, enterprise=enterprise, year=year)
        services.hightech_transition(
            actor=self.actor,
            record=record,
            action=HighTechAction.APPLY,
            details=services.CertificateInput(applied_on=applied_on or date(year, 6, 20)),
        )
        services.hightech_transition(
            actor=self.actor,
            record=record,
            action=HighTechAction.CERTIFY,
            details=services.CertificateInput(
                certificate_no=f"GR{year}32{self.rng.randint(1000000, 9999999)}", issued_on=issued_on
            ),
        )

    def reject(self, enterprise: Enterprise, year: int) -> None:
        record = services.hightech_add(actor=self.actor, enterprise=enterprise, year=year)
        services.hightech_transition(
            actor=self.actor,
            record=record,
            action=HighTechAction.APPLY,
            details=services.CertificateInput(applied_on=date(year, 6, 20)),
        )
        services.hightech_transition(
            actor=self.actor,
            record=record,
            action=HighTechAction.REJECT,
            details=services.CertificateInput(note="示例：专家评审创新能力得分未达 71 分"),
        )


def ratings_for(rng: random.Random, target_level: int) -> dict[str, dict[str, list[float]]]:
    """Sample raw ratings: requirements up to ``target_level`` mostly met, the next level partly."""
    out: dict[str, dict[str, list[float]]] = {}
    for code in DOMAIN_CODES:
        out[code] = {}
        for level in range(1, min(target_level + 1, 5) + 1):
            n = rng.randint(2, 4)
            if level <= target_level:
                values = [rng.choice([1.0, 1.0, 0.8]) for _ in range(n)]
            else:
                values = [rng.choice([0.5, 0.0, 0.8]) for _ in range(n)]
            out[code][str(level)] = values
    return out


def profile_hightech(rng: random.Random, *, ready: bool, sales_latest: int) -> dict[str, Any]:
    sales = [round(sales_latest * 0.8), round(sales_latest * 0.9), sales_latest]
    needed = 0.05 if sales_latest <= 5000 else 0.04 if sales_latest <= 20000 else 0.03
    ratio = needed + 0.002 if ready else needed - 0.004  # lacking: e.g. 4.6% at 4,800万 (needs 5%)
    rd_total = round(sum(sales) * ratio, 2)
    rd = [round(rd_total / 3, 2)] * 2 + [round(rd_total - 2 * round(rd_total / 3, 2), 2)]
    return {
        "registered_on": "2015-04-10",
        "apply_on": "2026-06-15",
        "core_ip": True,
        "field_listed": True,
        "staff": 120,
        "tech_staff": 18,
        "sales": sales,
        "rd": rd,
        "rd_domestic": rd,
        "hightech_income": round(sales_latest * 0.72),
        "total_income": sales_latest + 60,
        "net_assets": [3000, 3600, 4300] if ready else [3000, 3300, 3600],
        "innovation_points": {
            "ip": rng.randint(25, 28),
            "conversion": rng.randint(24, 27),
            "rd_management": rng.randint(15, 17),
        },
        "major_violation": False,
    }


def load_demo(admin: Any) -> dict[str, int]:
    if Enterprise.objects.filter(name=KANGPURUI).exists():
        return {"enterprises": 0}
    actor = _user("town_admin")
    rng = random.Random(2022)
    make = _Maker(actor, rng)
    for key, value in ((TargetKey.TECHSME, 100), (TargetKey.SME_ATTRACTED, 5)):
        services.target_set(actor=actor, year=2022, key=key, value=value)

    kpr = services.enterprise_create(
        actor=actor,
        data=services.EnterpriseInput(
            uscc=uscc_with_check("91320412MA1KPRAC0"),
            name=KANGPURUI,
            unit=make.units["NT-YH"],
            grid=make.units.get("NT-YH-G01"),
            industry_code="C3670",
            industry_name="汽车零部件及配件制造",
            address="牛塘镇（示例地址）",
            above_scale=True,
            registered_on=date(2004, 3, 18),
            staff=380,
            contact_name="周明",
            contact_phone="13961234567",
            note="名称、智能化改造经历、在用系统与荣誉来自公开报道；信用代码、地址、联系人与诊断评分为示例数据。",
        ),
    )
    honours: list[tuple[str, str, int, str]] = [
        ("江苏省示范智能车间", HonourLevel.PROVINCIAL, 2020, "江苏省工业和信息化厅"),
        ("江苏省五星级“上云”企业", HonourLevel.PROVINCIAL, 2020, "江苏省工业和信息化厅"),
        ("常州市互联网标杆工厂", HonourLevel.CITY, 2021, "常州市工业和信息化局"),
        ("国家级专精特新“小巨人”企业", HonourLevel.NATIONAL, 2021, "工业和信息化部"),
    ]
    for title, level, year, issuer in honours:
        services.honour_create(
            actor=actor, enterprise=kpr, title=title, level=level, year=year, issuer=issuer
        )
    kpr_diag = services.diagnosis_create(
        actor=actor,
        enterprise=kpr,
        diagnosed_on=date(2022, 5, 12),
        provider="第三方智能制造诊断服务机构（示例）",
        ratings=ratings_for(rng, 3),
        systems=[System.ERP, System.MES, System.WMS, System.SRM],
        recommendations="2014 年起推进智能化改造：从销售接单到生产全流程集成在平台，交付周期缩短 50%。"
        "建议（示例）：打通 MES 与设备数据采集，建设能源管理，向四级（优化级）迈进。",
    )
    project = services.project_create(
        actor=actor,
        enterprise=kpr,
        diagnosis=kpr_diag,
        title="能源管理与设备联网改造（示例）",
        deadline=date(2026, 12, 31),
        nodes=[("方案评审", 40), ("设备采购招标", 30), ("安装调试", 15), ("试运行", 5), ("验收", 0)],
    )
    for node in project.nodes.filter(due_on__lt=timezone.localdate()):
        services.project_node_done(actor=actor, node=node, done_on=node.due_on)

    # 高企: 61 valid at the end of 2021 (7 issued 2019, 25 in 2020, 29 in 2021)
    issued_2019 = [make.enterprise(above_scale=True) for _ in range(7)]
    for e in issued_2019:
        make.certify(e, 2019, date(2019, 11, 22))
    for _ in range(25):
        make.certify(make.enterprise(above_scale=True), 2020, date(2020, 12, 2))
    for _ in range(29):
        make.certify(make.enterprise(above_scale=rng.random() < 0.8), 2021, date(2021, 11, 30))
    # 2022: 52 applied (6 in 武进绿建区); 38 certified = 5 re-certified + 33 new; 14 not passed;
    # 2 of the 2019 certificates lapse: 净增 = 33 − 2 = 31, 有效 = 61 + 31 = 92
    for e in issued_2019[:5]:
        make.certify(e, 2022, date(2022, 12, 12))
    new_2022 = [make.enterprise(above_scale=rng.random() < 0.7, green=i < 4) for i in range(33)]
    for e in new_2022:
        make.certify(e, 2022, date(2022, 12, 12))
    for i in range(14):
        make.reject(make.enterprise(above_scale=rng.random() < 0.5, green=i < 2), 2022)

    # 科技型中小企业 2022: 110 (of target 100)
    everyone = list(Enterprise.objects.filter(is_sample=True).order_by("pk"))
    others = [make.enterprise(above_scale=rng.random() < 0.4, registered_before=2021) for _ in range(45)]
    pool = rng.sample(everyone, 65) + others
    for i, e in enumerate(pool):
        services.techsme_register(
            actor=actor,
            enterprise=e,
            year=2022,
            reg_no=f"2022320412A{i + 1:07d}",
            registered_on=date(2022, 4 + i % 8, 1 + i % 27),
        )

    # 招引 6 (target 5), 4 备案 by the city 科技局
    for i in range(6):
        e = make.enterprise(above_scale=False, registered_before=2022)
        services.attraction_create(
            actor=actor,
            enterprise=e,
            attracted_on=date(2022, 3 + i, 10),
            source="科技招商（示例）",
            city_filed_on=date(2022, 9 + min(i, 3), 15) if i < 4 else None,
        )

    # talents 2022
    talent_hosts = rng.sample(everyone, 7)
    k = 0
    for programme, level, n in TALENTS_2022:
        for _ in range(n):
            services.talent_create(
                actor=actor,
                enterprise=talent_hosts[k],
                programme=programme,
                level=level,
                year=2022,
                person_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            )
            k += 1

    # 产学研 2022: 22 agreements, 1,086万元 in all
    amounts = [
        Decimal(a)
        for a in (80, 65, 50, 48, 45, 60, 40, 38, 55, 70, 36, 30, 42, 50, 35, 58, 44, 62, 52, 46, 40, 40)
    ]
    for i, amount in enumerate(amounts):
        p = services.partnership_create(
            actor=actor,
            enterprise=rng.choice(everyone),
            institution=rng.choice(INSTITUTIONS),
            title=f"产学研合作项目（示例）{i + 1:02d}",
            amount_wan=amount,
            signed_on=date(2022, 1 + i % 12, 5 + i),
            ends_on=date(2024, 1 + i % 12, 5),
        )
        services.partnership_transition(actor=actor, partnership=p, action=PartnershipAction.START)
        if i % 3 == 0:
            services.partnership_transition(actor=actor, partnership=p, action=PartnershipAction.COMPLETE)

    # 智改数转 diagnoses 2022: 57 规上 enterprises (康普瑞 and 56 more)
    above = [e for e in Enterprise.objects.filter(above_scale=True, is_sample=True).order_by("pk")]
    for e in rng.sample(above, 56):
        target_level = rng.choice([1, 1, 2, 2, 2, 3])
        systems = rng.sample(
            [System.ERP, System.MES, System.WMS, System.OA, System.QMS, System.PLM], rng.randint(1, 3)
        )
        services.diagnosis_create(
            actor=actor,
            enterprise=e,
            diagnosed_on=date(2022, rng.randint(4, 11), rng.randint(1, 28)),
            provider="第三方智能制造诊断服务机构（示例）",
            ratings=ratings_for(rng, target_level),
            systems=systems,
            recommendations="示例：先上 ERP 与 MES 打通计划与生产，再做设备联网与数据采集。",
        )

    # events of 2022 and 2026
    town = make.units["NT"]
    invited = rng.sample(above, 20)
    services.event_create(
        actor=actor,
        unit=town,
        title="“智改数转”政策宣讲暨直播解读会",
        kind=EventKind.BRIEFING,
        held_on=date(2022, 3, 18),
        place="牛塘镇政府会议中心（示例）",
        summary="解读江苏省、常州市“智能化改造、数字化转型”三年行动计划。",
        invited=invited,
        attended=invited[:16],
    )
    services.event_create(
        actor=actor,
        unit=town,
        title="示范游学：走进常州康普瑞汽车空调有限公司",
        kind=EventKind.STUDY_TOUR,
        held_on=date(2022, 4, 22),
        place=KANGPURUI,
        summary="实地参观智能车间与全流程信息化平台。",
        invited=[kpr, *invited[:12]],
        attended=[kpr, *invited[:10]],
    )
    services.event_create(
        actor=actor,
        unit=town,
        title="牛塘镇“智能化改造、数字化转型”创新联合体成立",
        kind=EventKind.ALLIANCE,
        held_on=date(2022, 6, 16),
        place="牛塘镇政府会议中心（示例）",
        summary="政府、企业、服务商、金融机构组成创新联合体（参加企业为示例）。",
        invited=[kpr, *invited[:8]],
        attended=[kpr, *invited[:8]],
    )
    services.event_create(
        actor=actor,
        unit=town,
        title="沙龙诊断：规上企业智改数转需求会诊（示例期次）",
        kind=EventKind.DIAGNOSIS_SALON,
        held_on=date(2022, 8, 25),
        place="牛塘镇智改数转创新联合体（示例）",
        summary="服务商现场会诊企业提出的改造需求。",
        invited=invited[8:20],
        attended=invited[8:18],
        is_sample=True,
    )
    services.event_create(
        actor=actor,
        unit=town,
        title="“智飨游塘营”主题沙龙·沙龙诊断（示例期次）",
        kind=EventKind.SALON,
        held_on=date(2026, 9, 24),
        place="牛塘镇智改数转创新联合体（示例）",
        summary="部门宣、机构诊、企业做：服务商与金融机构现场对接。",
        invited=invited[5:17],
        attended=invited[5:14],
        is_sample=True,
    )

    # visits over the last months (sample)
    for i, e in enumerate(rng.sample(above, 12)):
        services.visit_create(
            actor=actor,
            enterprise=e,
            visited_on=date(2026, 5 + i % 6, 3 + i),
            purpose=rng.choice(
                ["高企培育辅导（示例）", "智改数转需求摸底（示例）", "研发费用归集指导（示例）"]
            ),
            note="示例：了解企业研发投入与技术改造计划，讲解申报条件。",
        )

    # the 2026 培育库 with the figures its pre-check reads (about half ready)
    pool_2026 = [make.enterprise(above_scale=True, registered_before=2020) for _ in range(14)]
    for i, e in enumerate(pool_2026):
        services.hightech_add(actor=actor, enterprise=e, year=2026, note="示例：2026 年培育库")
        profile = profile_hightech(
            rng, ready=i % 2 == 0, sales_latest=4800 if i == 1 else rng.randint(3000, 15000)
        )
        services.enterprise_set_profile(actor=actor, enterprise=e, kind="hightech", data=profile)
    return {"enterprises": Enterprise.objects.count()}


def describe() -> list[str]:
    return [
        "科技创新：2022 年高企申报、认定、净增、有效数与科小、招引、人才、产学研、诊断数均由台账记录计算；"
        "康普瑞以外的企业均为示例数据。"
    ]

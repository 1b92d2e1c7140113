"""小牛办 demo: the bundles, stations and licences named in the source text; everything else is sample.

From the source text: 我要开服装店, 我要开宠物店, 市场主体 1+N 注销; 卫生许可证 and 劳务派遣经营许可证
as electronic licences; the 丫河 and 卢家巷 便民服务站; 36 high-frequency items delegated to grids.
Item details (codes, limits, materials), the 36 item names, applications, ratings and queue tickets
are generated sample data (is_sample=True). Idempotent; written through the services.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenwu.core.pii import _USCC_CHARSET, _USCC_VALUES, _USCC_WEIGHTS
from zhenwu.govservices import catalogue, services
from zhenwu.govservices.choices import Action, Channel, ServiceMode
from zhenwu.govservices.models import Bundle, Licence, ServiceItem, Ticket, Window

SH = ZoneInfo("Asia/Shanghai")
REGION = "320412103000"  # sample 12-digit 区划 of 牛塘镇


def make_uscc(body17: str) -> str:
    """A 统一社会信用代码 with a valid check character (sample codes only)."""
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return body17 + _USCC_CHARSET[(31 - total % 31) % 31]


AGENCIES = {
    "town": ("牛塘镇人民政府", make_uscc("11320412014129843")),
    "health": ("常州市武进区卫生健康局", make_uscc("11320412014130021")),
    "hr": ("常州市武进区人力资源和社会保障局", make_uscc("11320412014130039")),
    "market": ("常州市武进区市场监督管理局", make_uscc("11320412MB0215542")),
    "tax": ("国家税务总局常州市武进区税务局", make_uscc("11320412MB0215567")),
}
HALL = "牛塘镇便民服务中心（牛塘镇人民政府一楼）"
HOURS = "工作日 上午 8:30—12:00，下午 13:30—17:30（法定节假日除外）"
CONSULT = "0519-86000000（示例）"
COMPLAIN = "12345 政务服务便民热线"

M = {  # material library: key -> (name, source, standard)
    "id_card": ("经营者身份证明", "applicant", "有效期内的居民身份证，正反面"),
    "lease": ("经营场所使用证明（房屋租赁合同或产权证明）", "applicant", "租赁合同须在有效期内"),
    "apply_form": ("申请书", "applicant", "申请人签字"),
    "floor_plan": ("经营场所平面布局图", "applicant", "标明面积、功能分区"),
    "hygiene_rules": ("卫生管理制度", "applicant", "含清洁消毒、从业人员健康管理"),
    "health_cert": ("从业人员健康证明", "applicant", "有效期内"),
    "sign_design": ("招牌设计效果图", "applicant", "标明尺寸、材质、位置"),
    "business_licence": ("营业执照", "licence_library", "系统从证照库调取，无需提交"),
    "capital_proof": ("注册资本证明（不少于200万元）", "applicant", "验资报告或银行证明"),
    "dispatch_rules": ("劳务派遣管理制度", "applicant", "含劳动合同、工资支付、社保等制度"),
    "food_self_check": ("食品安全自查制度", "applicant", ""),
    "vet_cert": ("执业兽医资格证书", "applicant", "至少1名"),
    "tax_clearance": ("清税证明", "government", "由税务部门出具"),
    "cancel_decision": ("注销决定或申请", "applicant", "经营者签字"),
    "household": ("户口簿或居住证明", "applicant", ""),
    "bank_card": ("本人银行卡", "applicant", "用于发放补贴"),
}
SHOP_FIELDS = [
    {"key": "entity_name", "label": "店铺（个体工商户）名称", "kind": "text"},
    {"key": "operator_name", "label": "经营者姓名", "kind": "text"},
    {"key": "address", "label": "经营场所地址", "kind": "text"},
]


def _materials(*keys: str, optional: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    out = []
    for k in (*keys, *optional):
        name, source, standard = M[k]
        out.append(
            {
                "key": k,
                "name": name,
                "necessity": "optional" if k in optional else "required",
                "form": "electronic",
                "copies": 0 if source == "licence_library" else 1,
                "source": source,
                "standard": standard,
                "blank_form": k == "apply_form",
                "sample_form": k == "apply_form",
            }
        )
    return out


def _elements(
    name: str,
    *,
    type_code: str = "XK",
    agency: str = "town",
    basis: str,
    limit: int,
    promised: int,
    result: str,
    result_type: str = "other",
    valid_years: int = 0,
    materials: list[dict[str, Any]],
    fields: list[dict[str, str]] | None = None,
    depth: str = "4",
    visits: int = 0,
    level: str = "town",
    conditions: str = "",
    service_object: str = "自然人、个体工商户",
) -> dict[str, Any]:
    agency_name, uscc = AGENCIES[agency]
    return {
        "name": name,
        "item_type": type_code,
        "level": level,
        "agency_name": agency_name,
        "agency_uscc": uscc,
        "legal_basis": basis,
        "conditions": conditions or "申请人符合法律法规规定的条件，材料齐全、符合法定形式。",
        "legal_limit": limit,
        "promised_limit": promised,
        "limit_unit": "working_day",
        "processing_kind": "immediate" if promised == 0 else "committed",
        "handling_form": "both",
        "visits": visits,
        "visits_reason": "需现场核验原件" if visits else "",
        "charges": False,
        "fee_basis": "",
        "fee_lines": [],
        "service_object": service_object,
        "process_steps": ["申请", "受理", "审查", "决定", "送达"] if promised else ["申请", "受理即办结"],
        "location": HALL,
        "hours": HOURS,
        "consult_channel": CONSULT,
        "complaint_channel": COMPLAIN,
        "result_type": result_type,
        "result_name": result,
        "result_valid_years": valid_years,
        "materials": materials,
        "fields": fields if fields is not None else SHOP_FIELDS,
        "online_depth": depth,
        "service_scope": "county",
    }


# key -> (elements, real?) ; "real" items are named in the source text (their details are still sample).
def town_items() -> dict[str, tuple[dict[str, Any], bool]]:
    return {
        "hygiene": (
            _elements(
                "公共场所卫生许可（新办）",
                agency="health",
                level="county",
                basis="《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
                limit=20,
                promised=5,
                result="卫生许可证",
                result_type="licence",
                valid_years=4,
                materials=_materials("id_card", "lease", "floor_plan", "hygiene_rules", "health_cert"),
            ),
            True,
        ),
        "dispatch": (
            _elements(
                "劳务派遣经营许可（新办）",
                agency="hr",
                level="county",
                basis="《中华人民共和国劳动合同法》第五十七条；《劳务派遣行政许可实施办法》",
                limit=20,
                promised=10,
                result="劳务派遣经营许可证",
                result_type="licence",
                valid_years=3,
                materials=_materials(
                    "apply_form", "business_licence", "capital_proof", "lease", "dispatch_rules"
                ),
                fields=[
                    {"key": "entity_name", "label": "单位名称", "kind": "text"},
                    {"key": "entity_uscc", "label": "统一社会信用代码", "kind": "text"},
                    {"key": "address", "label": "经营场所地址", "kind": "text"},
                ],
                service_object="企业法人",
            ),
            True,
        ),
        "register": (
            _elements(
                "个体工商户设立登记",
                agency="market",
                level="county",
                basis="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第二十一条",
                limit=15,
                promised=1,
                result="营业执照",
                materials=_materials("id_card", "lease", "apply_form"),
                fields=[*SHOP_FIELDS, {"key": "business_scope", "label": "经营范围", "kind": "textarea"}],
            ),
            False,
        ),
        "sign": (
            _elements(
                "户外招牌设置备案",
                type_code="QT",
                basis="《城市市容和环境卫生管理条例》；《常州市户外广告设施和招牌设置管理办法》（示例）",
                limit=10,
                promised=3,
                result="招牌设置备案回执",
                materials=_materials("id_card", "lease", "sign_design"),
            ),
            False,
        ),
        "food_record": (
            _elements(
                "仅销售预包装食品备案",
                type_code="QT",
                agency="market",
                level="county",
                basis="《中华人民共和国食品安全法》第三十五条",
                limit=0,
                promised=0,
                result="仅销售预包装食品经营者备案信息采集表",
                materials=_materials("id_card", "food_self_check"),
            ),
            False,
        ),
        "vet": (
            _elements(
                "动物诊疗许可",
                agency="market",
                level="county",
                basis="《中华人民共和国动物防疫法》第六十一条；《动物诊疗机构管理办法》",
                limit=20,
                promised=10,
                result="动物诊疗许可证（纸质）",
                materials=_materials("id_card", "lease", "floor_plan", "vet_cert"),
                visits=1,
            ),
            False,
        ),
        "cancel": (
            _elements(
                "个体工商户注销登记",
                agency="market",
                level="county",
                basis="《中华人民共和国市场主体登记管理条例》第三十一条",
                limit=10,
                promised=1,
                result="准予注销登记通知书",
                materials=_materials("cancel_decision", "business_licence"),
                fields=[
                    {"key": "entity_name", "label": "店铺（个体工商户）名称", "kind": "text"},
                    {"key": "entity_uscc", "label": "统一社会信用代码", "kind": "text"},
                ],
            ),
            False,
        ),
        "tax_cancel": (
            _elements(
                "清税注销",
                type_code="QT",
                agency="tax",
                level="county",
                basis="《中华人民共和国税收征收管理法》第十六条",
                limit=20,
                promised=1,
                result="清税证明",
                materials=_materials("cancel_decision", "business_licence"),
                fields=[
                    {"key": "entity_name", "label": "店铺（个体工商户）名称", "kind": "text"},
                    {"key": "entity_uscc", "label": "统一社会信用代码", "kind": "text"},
                ],
            ),
            False,
        ),
        "hygiene_cancel": (
            _elements(
                "公共场所卫生许可注销",
                agency="health",
                level="county",
                basis="《公共场所卫生管理条例实施细则》",
                limit=10,
                promised=0,
                result="注销通知",
                materials=_materials("cancel_decision", "business_licence"),
                fields=[
                    {"key": "entity_name", "label": "店铺（个体工商户）名称", "kind": "text"},
                    {"key": "entity_uscc", "label": "统一社会信用代码", "kind": "text"},
                ],
            ),
            False,
        ),
        "food_cancel": (
            _elements(
                "食品经营备案注销",
                type_code="QT",
                agency="market",
                level="county",
                basis="《中华人民共和国食品安全法》",
                limit=5,
                promised=0,
                result="注销回执",
                materials=_materials("cancel_decision"),
                fields=[{"key": "entity_name", "label": "店铺（个体工商户）名称", "kind": "text"}],
            ),
            False,
        ),
    }


# 36 high-frequency public-service items delegated to the grids (sample names: the source gives only the count).
GRID_ITEMS: list[tuple[str, str, int]] = [
    ("城乡居民基本养老保险参保登记", "GG", 0),
    ("城乡居民基本医疗保险参保登记", "GG", 0),
    ("高龄老人尊老金申领", "GF", 10),
    ("困难残疾人生活补贴申请", "GF", 15),
    ("重度残疾人护理补贴申请", "GF", 15),
    ("最低生活保障申请受理", "GF", 20),
    ("临时救助申请受理", "GF", 10),
    ("特困人员救助供养申请受理", "GF", 20),
    ("低收入人口认定申请受理", "QR", 20),
    ("独生子女父母奖励扶助申请", "GF", 10),
    ("计划生育特别扶助申请", "GF", 15),
    ("生育登记", "GG", 0),
    ("就业困难人员认定申请", "QR", 10),
    ("失业登记", "GG", 0),
    ("灵活就业人员参保登记", "GG", 0),
    ("公益性岗位申请", "GG", 10),
    ("一次性创业补贴申请受理", "GF", 15),
    ("职业技能培训报名", "GG", 0),
    ("城乡居民养老保险待遇领取资格认证", "GG", 0),
    ("老年人优待证办理", "GG", 5),
    ("居住证申领受理", "GG", 10),
    ("流动人口居住登记", "GG", 0),
    ("农村村民住宅建设申请受理", "XK", 20),
    ("退役军人优待证申领受理", "GG", 10),
    ("义务兵家庭优待金申请", "GF", 15),
    ("医疗救助申请受理", "GF", 15),
    ("残疾人证申领受理", "QR", 15),
    ("孤儿基本生活费申请", "GF", 15),
    ("殡葬惠民补贴申请", "GF", 10),
    ("耕地地力保护补贴申报", "GF", 15),
    ("政策性农业保险投保登记", "GG", 0),
    ("门牌号码编制申请", "GG", 5),
    ("房屋租赁登记备案", "GG", 3),
    ("法律援助申请受理", "GG", 5),
    ("村（社区）证明事项开具", "GG", 0),
    ("残疾人辅助器具适配申请", "GF", 10),
]
GRID_FIELDS = [
    {"key": "person_name", "label": "办事人姓名", "kind": "text"},
    {"key": "address", "label": "居住地址", "kind": "text"},
]


def grid_elements(name: str, type_code: str, promised: int) -> dict[str, Any]:
    e = _elements(
        name,
        type_code=type_code,
        basis="依据相关法律法规及省、市实施办法（示例）",
        limit=max(promised * 2, 5) if promised else 0,
        promised=promised,
        result="办理结果告知（示例）",
        materials=_materials("id_card", "household", optional=("bank_card",)),
        fields=GRID_FIELDS,
        service_object="自然人",
    )
    e["location"] = "牛塘镇便民服务中心；各村（社区）便民服务站；网格员上门代办"
    return e


def _impl_code(base: str, agency_uscc: str, n: int = 1) -> str:
    return f"{base}{REGION}000{agency_uscc}1{n:03d}"


def build_catalogue(actor: Any, *, stations: list[Any], grids: list[Any]) -> dict[str, ServiceItem]:
    """The catalogue, the 36 grid items and the three bundles (used by the demo and the tests)."""
    items: dict[str, ServiceItem] = {}
    for order, (key, (elements, real)) in enumerate(town_items().items(), start=1):
        base = f"{elements['item_type']}{order:08d}00"
        items[key] = catalogue.item_create(
            actor=actor,
            base_code=base,
            impl_code=_impl_code(base, elements["agency_uscc"]),
            elements=elements,
            delegated_units=stations
            if key in {"register", "hygiene", "sign", "food_record", "cancel"}
            else [],
            is_sample=not real,
            sort_order=order,
        )
    for n, (name, type_code, promised) in enumerate(GRID_ITEMS, start=1):
        e = grid_elements(name, type_code, promised)
        base = f"{type_code}{500 + n:08d}00"
        items[f"grid{n}"] = catalogue.item_create(
            actor=actor,
            base_code=base,
            impl_code=_impl_code(base, e["agency_uscc"]),
            elements=e,
            delegated_units=[*stations, *grids],
            is_sample=True,
            sort_order=100 + n,
        )
    yes_no = [("yes", "是"), ("no", "否")]

    def q(key: str, text: str, yes_items: list[str]) -> dict[str, Any]:
        return {
            "key": key,
            "text": text,
            "options": [
                {"value": v, "label": lbl, "items": [items[k].pk for k in yes_items] if v == "yes" else []}
                for v, lbl in yes_no
            ],
        }

    catalogue.bundle_create(
        actor=actor,
        code="kaidian-fuzhuang",
        name="我要开服装店",
        description="开服装店涉及的营业执照、卫生许可、招牌备案等事项一次申请、并联办理。",
        items=[items[k] for k in ("register", "hygiene", "sign", "food_record")],
        base_items=[items["register"]],
        questions=[
            q("area", "营业面积是否在300平方米以上（需办理公共场所卫生许可）？", ["hygiene"]),
            q("sign", "是否设置户外招牌？", ["sign"]),
            q("food", "是否同时销售预包装食品（如饮料）？", ["food_record"]),
        ],
        committed_days=5,
        sort_order=1,
    )
    catalogue.bundle_create(
        actor=actor,
        code="kaidian-chongwu",
        name="我要开宠物店",
        description="开宠物店涉及的营业执照、宠物食品销售备案、动物诊疗许可、招牌备案一次办。",
        items=[items[k] for k in ("register", "food_record", "vet", "sign")],
        base_items=[items["register"]],
        questions=[
            q("food", "是否销售宠物食品等预包装食品？", ["food_record"]),
            q("vet", "是否提供宠物诊疗服务？", ["vet"]),
            q("sign", "是否设置户外招牌？", ["sign"]),
        ],
        committed_days=10,
        sort_order=2,
    )
    catalogue.bundle_create(
        actor=actor,
        code="zhuxiao-1n",
        name="市场主体“1+N”注销",
        description="营业执照注销（1）与相关许可、备案、税务注销（N）一站式办理。",
        items=[items[k] for k in ("cancel", "tax_cancel", "hygiene_cancel", "food_cancel")],
        base_items=[items["cancel"], items["tax_cancel"]],
        questions=[
            q("hygiene", "是否持有公共场所卫生许可证？", ["hygiene_cancel"]),
            q("food", "是否办理过食品经营备案？", ["food_cancel"]),
        ],
        committed_days=3,
        sort_order=3,
    )
    return items


def sample_pdf(label: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% sample material {label}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{label}.pdf", body, content_type="application/pdf")


SHOP_NAMES = ["丫河", "牛塘", "卢家巷", "东塘", "西河", "南庄", "新城", "青云", "锦绣", "和美"]
SHOP_KINDS = ["服装店", "服饰", "童装店", "宠物店", "便利店", "理发店", "美容院", "商行"]
PEOPLE = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭"]


def _sample_applications(
    actor: Any, grid_worker: Any, items: dict[str, ServiceItem], units: dict[str, Any]
) -> int:
    rng = random.Random(20261128)
    today = timezone.localdate()
    from zhenwu.core.selectors import get_work_calendar

    calendar = get_work_calendar()
    start = today - timedelta(days=150)
    created = 0
    keys = [
        "register",
        "hygiene",
        "dispatch",
        "sign",
        "food_record",
        "cancel",
        *[f"grid{n}" for n in range(1, 37)],
    ]
    day = start
    while day < today - timedelta(days=1):
        day += timedelta(days=1)
        if not calendar.is_workday(day):
            continue
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(keys)
            item = items[key]
            grid_item = key.startswith("grid")
            place_roll = rng.random()
            if grid_item and place_roll < 0.5:
                unit, channel, by = rng.choice([units["yh_g1"], units["ljx_g1"]]), Channel.GRID, actor
            elif place_roll < 0.7 and key in {"register", "hygiene", "sign", "food_record", "cancel"} | (
                {key} if grid_item else set()
            ):
                unit, channel, by = rng.choice([units["yh_st"], units["ljx_st"]]), Channel.STATION, actor
            elif place_roll < 0.85:
                unit, channel, by = units["hall"], Channel.ONLINE, None
            else:
                unit, channel, by = units["hall"], Channel.WINDOW, actor
            moment = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), SH)
            shop = f"{rng.choice(SHOP_NAMES)}{rng.choice(SHOP_KINDS)}（示例）"
            person = f"{rng.choice(PEOPLE)}某某（示例）"
            form = {
                "entity_name": shop,
                "operator_name": person,
                "address": f"牛塘镇{rng.choice(SHOP_NAMES)}路{rng.randint(1, 200)}号（示例）",
                "business_scope": "服装鞋帽零售（示例）",
                "entity_uscc": make_uscc(f"92320412MA{rng.randint(1000000, 9999999)}"),
                "person_name": person,
            }
            files = {}
            if channel == Channel.ONLINE:
                files = {m.key: sample_pdf(m.key) for m in services.merged_materials([item]) if m.required}
            submission = services.submission_create(
                actor=by,
                unit=unit,
                channel=channel,
                applicant_name=shop if not grid_item else person,
                applicant_phone=f"1390000{rng.randint(1000, 9999)}",
                items=[item],
                form_data=form,
                files=files,
                service_mode=rng.choice(list(ServiceMode.values)),
                is_sample=True,
                now=moment,
            )
            created += 1
            app = submission.applications.get()
            _advance(app, actor, moment, rng, today, calendar)
    return created


def _advance(app: Any, actor: Any, moment: datetime, rng: random.Random, today: Any, calendar: Any) -> None:
    age = (today - moment.date()).days
    if rng.random() < 0.04:
        services.application_transition(
            actor=actor,
            application=app,
            action=Action.REFUSE,
            note="材料不符合受理条件（示例）",
            now=moment + timedelta(minutes=30),
        )
        return
    step = moment + timedelta(minutes=20)
    app = services.application_transition(actor=actor, application=app, action=Action.ACCEPT, now=step)
    if app.status == "done":
        _rate(app, rng)
        return
    if age < 3:
        return
    step = step + timedelta(hours=2)
    app = services.application_transition(actor=actor, application=app, action=Action.REVIEW, now=step)
    if rng.random() < 0.15:
        step = step + timedelta(days=1)
        app = services.application_transition(
            actor=actor,
            application=app,
            action=Action.REQUEST_SUPPLEMENT,
            note="请补充材料（示例）",
            now=step,
        )
        if age < 10:
            return
        step = datetime.combine(calendar.add_working_days(step.date(), 2), time(10, 0), SH)
        app = services.application_transition(
            actor=actor, application=app, action=Action.SUPPLEMENT, files=[sample_pdf("supplement")], now=step
        )
    if age < 8 and rng.random() < 0.6:
        return
    limit = max(1, app.version.promised_limit)
    late = rng.random() < 0.08
    done_day = (
        calendar.add_working_days(app.due_date or step.date(), 2)
        if late
        else calendar.add_working_days(step.date(), rng.randint(0, max(0, limit - 1)))
    )
    if done_day >= today:
        return
    done_at = datetime.combine(done_day, time(15, 0), SH)
    app = services.application_transition(
        actor=actor, application=app, action=Action.COMPLETE, note="准予办理（示例）", now=done_at
    )
    if app.version.issues_licence and rng.random() < 0.8:
        app = services.application_transition(
            actor=actor, application=app, action=Action.DELIVER, now=done_at + timedelta(hours=1)
        )
    _rate(app, rng)


def _rate(app: Any, rng: random.Random) -> None:
    if rng.random() < 0.35:
        return
    score = rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 5, 2])[0]
    services.rating_create(
        application=app,
        score=score,
        comment="服务很好（示例）" if score >= 4 else ("等待时间较长（示例）" if score <= 2 else ""),
        is_sample=True,
    )


def _sample_follow_up(staff: Any) -> None:
    """Most sample 差评 were answered and verified; one sample licence was revoked by the leader."""
    from zhenwu.accounts.models import User
    from zhenwu.govservices import licences
    from zhenwu.govservices.models import Rectification

    tasks = list(Rectification.objects.order_by("id"))
    for n, task in enumerate(tasks):
        if n % 4 == 3:
            continue  # left open: the workbench shows it
        services.rectification_transition(
            actor=staff,
            rectification=task,
            action="reply",
            note="已约谈窗口人员并电话致歉，优化了取号引导（示例）",
        )
        if n % 4 != 2:
            services.rectification_transition(
                actor=staff, rectification=task, action="verify", note="经回访属实（示例）"
            )
    leader = User.objects.filter(username="leader").first()
    first = Licence.objects.order_by("id").first()
    if leader is not None and first is not None:
        licences.licence_revoke(actor=leader, licence=first, reason="经营者申请注销（示例）")


def _sample_tickets(windows: list[Window], rng: random.Random) -> int:
    from zhenwu.core.selectors import get_work_calendar

    calendar = get_work_calendar()
    today = timezone.localdate()
    count = 0
    for back in range(40, 0, -1):
        day = today - timedelta(days=back)
        if not calendar.is_workday(day):
            continue
        for w in windows:
            issued = datetime.combine(day, time(8, 40), SH)
            for seq in range(1, rng.randint(6, 14)):
                issued += timedelta(minutes=rng.randint(5, 30))
                called = issued + timedelta(minutes=rng.randint(2, 25))
                Ticket.objects.create(
                    window=w,
                    day=day,
                    seq=seq,
                    issued_at=issued,
                    called_at=called,
                    status="done",
                    is_sample=True,
                )
                count += 1
    # Today's queue, so the hall display and the call page show a morning in progress.
    now = timezone.now()
    for w in windows:
        for seq in range(1, 6):
            issued = now - timedelta(minutes=60 - seq * 8)
            called = issued + timedelta(minutes=rng.randint(3, 12)) if seq <= 2 else None
            Ticket.objects.create(
                window=w,
                day=today,
                seq=seq,
                issued_at=issued,
                called_at=called,
                status="done" if seq == 1 else ("called" if seq == 2 else "waiting"),
                is_sample=True,
            )
            count += 1
    return count


def load_demo(admin: Any) -> dict[str, int]:
    from zhenwu.accounts import services as account_services
    from zhenwu.accounts.models import User
    from zhenwu.orgs.models import Membership, Role, Unit

    if Bundle.objects.filter(code="kaidian-fuzhuang").exists():
        return {}
    staff = User.objects.get(username="town_admin")
    units = {
        "hall": Unit.objects.get(code="NT-BMFW"),
        "yh_st": Unit.objects.get(code="NT-YH-ST"),
        "ljx_st": Unit.objects.get(code="NT-LJX-ST"),
        "yh_g1": Unit.objects.get(code="NT-YH-G01"),
        "ljx_g1": Unit.objects.get(code="NT-LJX-G01"),
    }
    grid_worker = User.objects.get(username="yahe_grid")
    role = Role.objects.get(code="grid_worker")
    if not Membership.objects.filter(user=grid_worker, unit=units["yh_st"], role=role).exists():
        # 全能网格员: the 丫河村 grid worker also serves at the 丫河 便民服务站 (审批+网格).
        account_services.membership_add(
            actor=admin, user=grid_worker, unit=units["yh_st"], role=role, title="全能网格员"
        )
    stations = [units["yh_st"], units["ljx_st"]]
    grids = list(Unit.objects.filter(kind="grid", is_active=True))
    items = build_catalogue(staff, stations=stations, grids=grids)
    windows = [
        Window.objects.create(unit=units["hall"], letter="A", name="综合受理窗口"),
        Window.objects.create(unit=units["hall"], letter="B", name="市场准入窗口"),
        Window.objects.create(unit=units["hall"], letter="C", name="社保民政窗口"),
    ]
    applications = _sample_applications(staff, grid_worker, items, units)
    _sample_follow_up(staff)
    tickets = _sample_tickets(windows, random.Random(7))
    return {
        "govservices_items": len(items),
        "govservices_submissions": applications,
        "govservices_tickets": tickets,
    }


def describe() -> list[str]:
    lines = ["小牛办：事项目录、3 个一件事、36 项下放网格事项（示例）；公开页面 /public/services/"]
    lines.extend(
        f"licence: {code}"
        for code in Licence.objects.filter(is_sample=True).order_by("id").values_list("code", flat=True)
    )
    return lines

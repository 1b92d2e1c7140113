"""Work-order demo: the category tree, one Open311 application and sample orders in every state.

Everything generated here is sample data (is_sample=True). Idempotent.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from zhenwu.core.actors import SYSTEM

# (code, name, parent, time limit in working days, usual unit type, keywords)
CATEGORIES: list[tuple[str, str, str, int, str, str]] = [
    ("municipal", "市政设施", "", 5, "urban_mgmt", "市政 设施"),
    ("municipal.streetlight", "路灯/市政设施", "municipal", 3, "urban_mgmt", "路灯 不亮 灯坏"),
    ("municipal.road", "道路与桥梁", "municipal", 5, "transport", "道路 坑洼 桥梁"),
    ("municipal.manhole", "窨井盖/排水设施", "municipal", 2, "water", "窨井盖 下水道"),
    ("appearance", "市容环境", "", 5, "urban_mgmt", "市容"),
    ("appearance.rubbish", "垃圾清运与环境卫生", "appearance", 3, "urban_mgmt", "垃圾 清运 卫生"),
    ("appearance.construction", "违法建设", "appearance", 10, "urban_mgmt", "违建 搭建"),
    ("appearance.stall", "占道经营与乱堆放", "appearance", 3, "urban_mgmt", "占道 摆摊 堆放"),
    ("appearance.ads", "户外广告与招牌", "appearance", 5, "urban_mgmt", "广告 招牌"),
    ("ecology", "生态环境", "", 5, "environment", "环境"),
    ("ecology.noise", "噪声扰民", "ecology", 3, "environment", "噪声 噪音 扰民"),
    ("ecology.pollution", "废气废水与异味", "ecology", 5, "environment", "废气 废水 异味"),
    ("ecology.burning", "露天焚烧", "ecology", 2, "environment", "焚烧 烧秸秆"),
    ("water", "供水与河道", "", 3, "water", "停水 水压 河道"),
    ("power", "供电", "", 2, "power", "停电 电压"),
    ("telecom", "通信与网络", "", 3, "telecom", "信号 宽带"),
    ("market", "市场监管", "", 5, "market", "食品 价格 消费"),
    ("traffic", "交通出行", "", 5, "transport", "公交 停车 红绿灯"),
    ("housing", "住房与物业", "", 5, "housing", "物业 小区 房屋"),
    ("labour", "劳动就业与社保", "", 5, "hr_social", "欠薪 社保 就业"),
    ("health", "医疗卫生", "", 5, "health", "医院 卫生"),
    ("education", "教育", "", 5, "education", "学校 入学"),
    ("security", "治安与消防", "", 3, "police", "治安 消防"),
    ("land", "土地与规划", "", 10, "natural_res", "土地 规划"),
    ("agriculture", "农业农村", "", 5, "agriculture", "农业 农田"),
    ("civil", "民政与养老", "", 5, "civil_affairs", "低保 养老"),
    ("govservice", "政务服务（小牛办）", "", 5, "township", "小牛办 办事 证照"),
    ("village", "村务与社区事务", "", 5, "township", "村务 社区"),
    ("other", "其他", "", 5, "other", ""),
]

NOISE_FIELDS = [
    {
        "code": "period",
        "label": "发生时段",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "噪声主要出现在什么时候",
        "values": [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间(22:00-6:00)"}],
    }
]

# (category, description, address, grid code, lead unit code, steps)
SAMPLE_ORDERS: list[tuple[str, str, str, str, str, list[str]]] = [
    (
        "municipal.streetlight",
        "丫河村村口公交站旁的路灯不亮已经三天了，晚上走路很不安全。",
        "丫河村村口公交站",
        "NT-YH-G01",
        "NT-YH",
        ["dispatch"],
    ),
    (
        "appearance.rubbish",
        "卢家巷村河边桥头有一堆建筑垃圾，好几天没人清理。",
        "卢家巷村河边桥头",
        "NT-LJX-G01",
        "NT-LJX",
        ["dispatch", "sign"],
    ),
    (
        "ecology.noise",
        "新城社区旁边工地晚上十一点还在施工，吵得睡不着。",
        "新城社区东侧工地",
        "NT-XC-G01",
        "NT-HBB",
        ["dispatch", "sign", "reply"],
    ),
    (
        "water",
        "南庄社区3号楼今天早上开始停水，没有通知。",
        "南庄社区3号楼",
        "NT-NZ-G01",
        "NT-ZLS",
        ["dispatch", "sign", "reply", "rate_ok"],
    ),
    (
        "govservice",
        "想咨询小牛办办理营业执照需要带哪些材料？",
        "",
        "",
        "NT-BMFW",
        ["dispatch", "sign", "reply", "rate_ok"],
    ),
    (
        "appearance.stall",
        "东塘村菜场门口占道摆摊，车子过不去。",
        "东塘村菜场门口",
        "NT-DT-G01",
        "NT-CGB",
        ["dispatch", "return"],
    ),
    (
        "power",
        "西河村一组晚上电压不稳，灯一闪一闪的。",
        "西河村一组",
        "NT-XH-G01",
        "NT-GDS",
        ["dispatch", "sign", "extend"],
    ),
    ("municipal.road", "丫河村第二网格村道有个大坑，下雨积水。", "丫河村村道", "NT-YH-G02", "NT-YH", []),
]


def _ensure_categories(admin: Any) -> int:
    from zhenwu.workorders.models import Category
    from zhenwu.workorders.services import category_save

    created = 0
    for sort, (code, name, parent_code, days, unit_type, keywords) in enumerate(CATEGORIES):
        if Category.objects.filter(code=code).exists():
            continue
        parent = Category.objects.get(code=parent_code) if parent_code else None
        category_save(
            actor=SYSTEM,
            code=code,
            name=name,
            parent=parent,
            time_limit_days=days,
            unit_type=unit_type,
            keywords=keywords,
            extra_fields=NOISE_FIELDS if code == "ecology.noise" else [],
            sort=sort,
        )
        created += 1
    return created


def _ensure_open311_app() -> int:
    from zhenwu.workorders.models import Open311App

    if Open311App.objects.filter(is_sample=True).exists():
        return 0
    Open311App.objects.create(
        name="示例Open311应用（演示）", contact="演示", api_key=secrets.token_urlsafe(24), is_sample=True
    )
    return 1


def _sample_orders() -> int:
    from zhenwu.accounts.models import User
    from zhenwu.orgs.models import Unit
    from zhenwu.workorders.choices import Action, Channel
    from zhenwu.workorders.models import Category, WorkOrder
    from zhenwu.workorders.services import workorder_create, workorder_transition

    if WorkOrder.objects.filter(is_sample=True).exists():
        return 0
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["operator", "leader", "yahe_cadre", "ljx_cadre", "town_admin"]
        )
    }
    operator = users.get("operator")
    if operator is None:
        return 0
    made = 0
    for i, (code, text, address, grid_code, unit_code, steps) in enumerate(SAMPLE_ORDERS):
        unit = Unit.objects.filter(code=unit_code).first()
        order = workorder_create(
            actor=None,
            channel=Channel.H5 if i % 2 == 0 else Channel.WEB,
            category=Category.objects.get(code=code),
            description=text,
            address=address,
            grid=Unit.objects.filter(code=grid_code).first() if grid_code else None,
            reporter_name="示例群众",
            reporter_phone=f"1390000{i:04d}",
            is_sample=True,
        )
        made += 1
        handler = {"NT-YH": users.get("yahe_cadre"), "NT-LJX": users.get("ljx_cadre")}.get(
            unit_code
        ) or users.get("town_admin")
        for step in steps:
            if step == "dispatch" and unit is not None:
                order = workorder_transition(actor=operator, order=order, action=Action.DISPATCH, unit=unit)
            elif step == "sign":
                order = workorder_transition(actor=handler, order=order, action=Action.SIGN)
            elif step == "reply":
                order = workorder_transition(
                    actor=handler,
                    order=order,
                    action=Action.REPLY,
                    note="（示例）已到现场核实并处理完毕，感谢您的反映。",
                )
            elif step == "rate_ok":
                order = workorder_transition(
                    actor=operator, order=order, action=Action.CALLBACK, satisfaction="satisfied"
                )
            elif step == "return":
                order = workorder_transition(
                    actor=handler,
                    order=order,
                    action=Action.RETURN,
                    note="（示例）该处属集贸市场管理范围，请改派城管中队。",
                )
            elif step == "extend":
                order = workorder_transition(
                    actor=handler,
                    order=order,
                    action=Action.EXTEND,
                    days=3,
                    note="（示例）需供电公司检修线路，申请延期。",
                )
    return made


@transaction.atomic
def load_demo(admin: Any) -> dict[str, int]:
    return {
        "categories": _ensure_categories(admin),
        "open311_apps": _ensure_open311_app(),
        "sample_orders": _sample_orders(),
    }


def load_history(admin: Any, *, months: int) -> dict[str, int]:
    """``months`` of sample orders before today (see demo_history). The dispatch part's demo units
    and catalogue come first: the history's orders go to every unit that handles requests.

    The dispatch classifier is not trained here: on the history's ~3,300 closed orders training
    takes longer than the rest of the demo; the nightly task or the 派单模型 page's button trains it.
    """
    from zhenwu.dispatch.demo import load_demo as load_dispatch_demo
    from zhenwu.workorders.demo_history import load_history as load_orders

    load_dispatch_demo(admin)
    return load_orders(months=months)


def describe() -> list[str]:
    from zhenwu.workorders.models import Open311App

    app = Open311App.objects.filter(is_sample=True, is_active=True).first()
    if app is None:
        return []
    return [f"Open311 演示应用 “{app.name}”（示例数据）：", f"  api_key: {app.api_key}"]

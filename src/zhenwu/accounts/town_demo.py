"""The 牛塘镇 demo. Facts from the source text are real; everything generated is marked is_sample.

Idempotent: running it twice changes nothing. Writes go through the services, acting as the demo
system administrator, so the demo itself is audited like any other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhenwu.audit.services import audit_record
from zhenwu.core.parts import part_modules
from zhenwu.orgs.bootstrap import ensure_builtin_roles
from zhenwu.orgs.choices import UnitKind, UnitType

DEMO_PASSWORD = "Niutang@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    label: str
    real_name: str
    unit_code: str
    role: str
    title: str = ""
    phone: str = ""

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "town_admin",
        "镇级业务管理员（政务办）",
        "演示·政务办管理员",
        "NT-ZWB",
        "town_admin",
        "主任",
        "13800138001",
    ),
    DemoAccount("operator", "热线话务员", "演示·话务员", "NT-ZWB", "operator", "受理员", "13800138002"),
    DemoAccount(
        "cgb_staff",
        "部门经办人（城市管理办公室）",
        "演示·城管办经办人",
        "NT-CGB",
        "dept_staff",
        "经办人",
        "13800138003",
    ),
    DemoAccount(
        "yahe_cadre", "丫河村干部", "演示·丫河村干部", "NT-YH", "village_cadre", "村委委员", "13800138004"
    ),
    DemoAccount(
        "yahe_viewer",
        "丫河村查看员（只读）",
        "演示·丫河村查看员",
        "NT-YH",
        "village_viewer",
        "",
        "13800138005",
    ),
    DemoAccount(
        "ljx_cadre", "卢家巷村干部", "演示·卢家巷村干部", "NT-LJX", "village_cadre", "村委委员", "13800138006"
    ),
    DemoAccount(
        "yahe_grid",
        "网格员（丫河村第一网格）",
        "演示·网格员",
        "NT-YH-G01",
        "grid_worker",
        "专职网格员",
        "13800138007",
    ),
    DemoAccount("inspector", "考核组督查员", "演示·督查员", "NT-CGB", "inspector", "考核组", "13800138008"),
    DemoAccount("leader", "镇领导", "演示·镇领导", "NT", "leader", "分管领导", "13800138009"),
    DemoAccount("citizen", "群众", "演示·群众", "NT", "citizen", "", "13800138010"),
    DemoAccount(
        "sysadmin",
        "系统管理员（需绑定动态口令）",
        "演示·系统管理员",
        "NT-DZB",
        "sys_admin",
        "",
        "13800138011",
    ),
    DemoAccount(
        "secadmin",
        "安全管理员（需绑定动态口令）",
        "演示·安全管理员",
        "NT-DZB",
        "sec_admin",
        "",
        "13800138012",
    ),
    DemoAccount(
        "auditadmin",
        "审计管理员（需绑定动态口令）",
        "演示·审计管理员",
        "NT-DZB",
        "audit_admin",
        "",
        "13800138013",
    ),
]

# Who acts for a unit in the demo's history: the unit's own demo account, or its village's (a grid or
# 便民服务站 of 丫河村 is handled by the 丫河村 cadre), else the town's business administrator.
DEMO_HANDLERS = {
    "NT-CGB": "cgb_staff",
    "NT-YH": "yahe_cadre",
    "NT-LJX": "ljx_cadre",
    "NT-YH-G01": "yahe_grid",
}


def demo_handler(unit_code: str) -> str:
    """The username of the demo account that handles the unit's work (see DEMO_HANDLERS)."""
    village = unit_code.rsplit("-", 1)[0] if unit_code.count("-") == 2 else ""
    return DEMO_HANDLERS.get(unit_code) or DEMO_HANDLERS.get(village) or "town_admin"


# (code, name, kind, unit_type, handles_requests, is_sample, parent_code)
T, D, V, C, G, S, E = (
    UnitKind.TOWN,
    UnitKind.DEPARTMENT,
    UnitKind.VILLAGE,
    UnitKind.COMMUNITY,
    UnitKind.GRID,
    UnitKind.STATION,
    UnitKind.EXTERNAL,
)
U = UnitType
DEMO_UNITS: list[tuple[str, str, str, str, bool, bool, str]] = [
    ("NT-DZB", "党政办", D, U.TOWNSHIP, False, False, "NT"),
    ("NT-ZWB", "政务服务管理办公室", D, U.TOWNSHIP, True, False, "NT"),
    ("NT-JFJ", "经济发展局", D, U.OTHER, True, False, "NT"),
    ("NT-CGB", "城市管理办公室", D, U.URBAN_MANAGEMENT, True, False, "NT"),
    ("NT-BMFW", "便民服务中心", D, U.TOWNSHIP, True, False, "NT"),
    ("NT-SSJ", "社会事业局", D, U.CIVIL_AFFAIRS, True, False, "NT"),
    ("NT-JSJ", "建设局", D, U.HOUSING, True, True, "NT"),
    ("NT-NYB", "农业农村办公室", D, U.AGRICULTURE, True, True, "NT"),
    ("NT-HBB", "生态环境办公室", D, U.ENVIRONMENT, True, True, "NT"),
    ("NT-YH", "丫河村", V, U.TOWNSHIP, True, False, "NT"),
    ("NT-YH-ST", "丫河便民服务站", S, U.TOWNSHIP, True, False, "NT-YH"),
    ("NT-YH-G01", "丫河村第一网格", G, U.TOWNSHIP, True, True, "NT-YH"),
    ("NT-YH-G02", "丫河村第二网格", G, U.TOWNSHIP, True, True, "NT-YH"),
    ("NT-LJX", "卢家巷村", V, U.TOWNSHIP, True, False, "NT"),
    ("NT-LJX-ST", "卢家巷便民服务站", S, U.TOWNSHIP, True, False, "NT-LJX"),
    ("NT-LJX-G01", "卢家巷村第一网格", G, U.TOWNSHIP, True, True, "NT-LJX"),
    ("NT-LJX-G02", "卢家巷村第二网格", G, U.TOWNSHIP, True, True, "NT-LJX"),
    ("NT-DT", "东塘村", V, U.TOWNSHIP, True, True, "NT"),
    ("NT-DT-G01", "东塘村第一网格", G, U.TOWNSHIP, True, True, "NT-DT"),
    ("NT-XH", "西河村", V, U.TOWNSHIP, True, True, "NT"),
    ("NT-XH-G01", "西河村第一网格", G, U.TOWNSHIP, True, True, "NT-XH"),
    ("NT-NZ", "南庄社区", C, U.TOWNSHIP, True, True, "NT"),
    ("NT-NZ-G01", "南庄社区第一网格", G, U.TOWNSHIP, True, True, "NT-NZ"),
    ("NT-XC", "新城社区", C, U.TOWNSHIP, True, True, "NT"),
    ("NT-XC-G01", "新城社区第一网格", G, U.TOWNSHIP, True, True, "NT-XC"),
    ("NT-GDS", "供电所（示例）", E, U.POWER, True, True, "NT"),
    ("NT-ZLS", "自来水公司服务点（示例）", E, U.WATER, True, True, "NT"),
    ("NT-PCS", "派出所（示例）", E, U.POLICE, True, True, "NT"),
    ("NT-SCJG", "市场监管分局（示例）", E, U.MARKET, True, True, "NT"),
    ("NT-DX", "通信运营商服务点（示例）", E, U.TELECOM, True, True, "NT"),
]


def _bootstrap_admin() -> Any:
    """The town and the first system administrator, which the services need as actor."""
    from zhenwu.accounts.models import PasswordHistory, User
    from zhenwu.orgs.models import Membership, Role, Unit

    town = Unit.objects.filter(code="NT").first()
    if town is None:
        town = Unit.objects.create(
            code="NT",
            name="牛塘镇",
            kind=UnitKind.TOWN,
            unit_type=UnitType.TOWNSHIP,
            handles_requests=True,
            path="/NT/",
            depth=0,
            address="江苏省常州市武进区牛塘镇",
        )
        audit_record(actor=None, action="demo.bootstrap", obj=town, message="创建演示镇")
    dzb = Unit.objects.filter(code="NT-DZB").first()
    if dzb is None:
        dzb = Unit.objects.create(
            code="NT-DZB",
            name="党政办",
            kind=UnitKind.DEPARTMENT,
            parent=town,
            unit_type=UnitType.TOWNSHIP,
            path="/NT/NT-DZB/",
            depth=1,
        )
    admin = User.objects.filter(username="sysadmin").first()
    if admin is None:
        spec = next(a for a in DEMO_ACCOUNTS if a.username == "sysadmin")
        admin = User(
            username=spec.username,
            real_name=spec.real_name,
            phone=spec.phone,
            is_demo=True,
            must_change_password=False,
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        PasswordHistory.objects.create(user=admin, password=admin.password)
        Membership.objects.create(user=admin, unit=dzb, role=Role.objects.get(code="sys_admin"))
        audit_record(actor=None, action="demo.bootstrap", obj=admin, message="创建演示系统管理员")
    return admin


HISTORY_MONTHS = 12  # what `zhenwu demo` loads; tests load none or a month or two


@transaction.atomic
def load_demo(*, history_months: int = 0) -> dict[str, int]:
    """The town, its people and every part's demo; with ``history_months``, that many months of
    history before today as well (each part's ``load_history`` runs right after its ``load_demo``,
    so the assessment's months are scored on the work orders' history)."""
    from zhenwu.accounts import services as account_services
    from zhenwu.accounts.models import User
    from zhenwu.orgs import services as org_services
    from zhenwu.orgs.models import Membership, Role, Unit

    ensure_builtin_roles()
    admin = _bootstrap_admin()
    counts = {"units": 0, "users": 0, "memberships": 0}
    for code, name, kind, unit_type, handles, sample, parent_code in DEMO_UNITS:
        if Unit.objects.filter(code=code).exists():
            continue
        parent = Unit.objects.get(code=parent_code)
        org_services.unit_create(
            actor=admin,
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            unit_type=unit_type,
            handles_requests=handles,
            is_sample=sample,
        )
        counts["units"] += 1
    for spec in DEMO_ACCOUNTS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user, _ = account_services.user_create(
                actor=admin,
                username=spec.username,
                real_name=spec.real_name,
                phone=spec.phone,
                is_demo=True,
                password=DEMO_PASSWORD,
            )
            counts["users"] += 1
        unit = Unit.objects.get(code=spec.unit_code)
        role = Role.objects.get(code=spec.role)
        if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
            if role.admin_kind:
                # Bootstrap of the separated administrators (三员): no security admin exists yet to grant them.
                membership = Membership.objects.create(user=user, unit=unit, role=role, title=spec.title)
                audit_record(
                    actor=None, action="demo.bootstrap", obj=membership, message="创建演示管理员任职"
                )
            else:
                account_services.membership_add(
                    actor=admin, user=user, unit=unit, role=role, title=spec.title
                )
            counts["memberships"] += 1
    for module in part_modules("demo"):
        counts.update(module.load_demo(admin))
        if history_months > 0 and hasattr(module, "load_history"):
            counts.update(module.load_history(admin, months=history_months))
    return counts


def demo_descriptions() -> list[str]:
    """Lines each part prints after the demo is loaded (e.g. the Open311 demo api_key)."""
    lines: list[str] = []
    for module in part_modules("demo"):
        if hasattr(module, "describe"):
            lines.extend(module.describe())
    return lines

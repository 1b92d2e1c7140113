"""Built-in roles, created after every migrate. Admins may edit scope and capabilities afterwards."""

from __future__ import annotations

from typing import Any

from zhenwu.core.parts import role_grants
from zhenwu.orgs.choices import AdminKind, Capability, DataScope

C = Capability
BUILTIN_ROLES: list[dict[str, Any]] = [
    {
        "code": "town_admin",
        "name": "镇级业务管理员",
        "data_scope": DataScope.ALL,
        "can_write": True,
        "capabilities": [C.VIEW_DASHBOARD, C.REVEAL_PII],
        "description": "政务办等镇级统筹人员，可查看和办理全镇业务",
    },
    {
        "code": "operator",
        "name": "话务员/受理员",
        "data_scope": DataScope.ALL,
        "can_write": True,
        "capabilities": [C.REVEAL_PII],
        "description": "接听热线、登记诉求、派单",
    },
    {
        "code": "dept_staff",
        "name": "部门经办人",
        "data_scope": DataScope.UNIT_AND_BELOW,
        "can_write": True,
        "capabilities": [],
        "description": "签收、办理、回复本部门的工单",
    },
    {
        "code": "village_cadre",
        "name": "村(社区)干部",
        "data_scope": DataScope.UNIT_AND_BELOW,
        "can_write": True,
        "capabilities": [],
        "description": "办理本村(社区)及所属网格的事项",
    },
    {
        "code": "village_viewer",
        "name": "村(社区)查看员",
        "data_scope": DataScope.UNIT_AND_BELOW,
        "can_write": False,
        "capabilities": [],
        "description": "只读查看本村(社区)的数据",
    },
    {
        "code": "grid_worker",
        "name": "网格员",
        "data_scope": DataScope.UNIT,
        "can_write": True,
        "capabilities": [],
        "description": "办理本网格的下放事项与现场核查",
    },
    {
        "code": "inspector",
        "name": "考核组/督查员",
        "data_scope": DataScope.ALL,
        "can_write": True,
        "capabilities": [],
        "description": "记录检查发现与扣分，核验整改",
    },
    {
        "code": "leader",
        "name": "镇领导",
        "data_scope": DataScope.ALL,
        "can_write": True,
        "capabilities": [C.VIEW_DASHBOARD],
        "description": "查看驾驶舱，审批延期与通报",
    },
    {
        "code": "citizen",
        "name": "群众/企业",
        "data_scope": DataScope.SELF,
        "can_write": True,
        "capabilities": [],
        "description": "提交和跟踪本人的诉求与办件",
    },
    {
        "code": "sys_admin",
        "name": "系统管理员",
        "data_scope": DataScope.ALL,
        "can_write": True,
        "admin_kind": AdminKind.SYSTEM,
        "capabilities": [C.MANAGE_UNITS, C.MANAGE_USERS, C.MANAGE_ROLES, C.MANAGE_CALENDAR],
        "description": "管理单位、用户、角色和日历；不能查看审计日志",
    },
    {
        "code": "sec_admin",
        "name": "安全管理员",
        "data_scope": DataScope.ALL,
        "can_write": True,
        "admin_kind": AdminKind.SECURITY,
        "capabilities": [C.MANAGE_SECURITY],
        "description": "管理账号锁定与安全策略",
    },
    {
        "code": "audit_admin",
        "name": "审计管理员",
        "data_scope": DataScope.ALL,
        "can_write": False,
        "admin_kind": AdminKind.AUDIT,
        "capabilities": [C.VIEW_AUDIT],
        "description": "查看、检索和导出审计日志，校验审计链",
    },
]


def ensure_builtin_roles() -> int:
    from zhenwu.orgs.models import Role

    created = 0
    for spec in BUILTIN_ROLES:
        defaults = {k: (v.value if hasattr(v, "value") else v) for k, v in spec.items() if k != "code"}
        defaults["capabilities"] = [c.value for c in spec["capabilities"]] + role_grants(spec["code"])
        defaults["is_builtin"] = True
        _, was_created = Role.objects.get_or_create(code=spec["code"], defaults=defaults)
        created += int(was_created)
    return created


def grant_part_defaults(apps: Any, schema_editor: Any, *, grants: dict[str, list[str]]) -> None:
    """Data migration step of a new part: give the existing built-in roles the part's default capabilities.

    On a fresh database the roles do not exist yet (they are created after migrate, grants included);
    on an upgraded one this runs once, so a capability an admin later removes stays removed.
    """
    role_model = apps.get_model("orgs", "Role")
    for code, capabilities in grants.items():
        for role in role_model.objects.filter(code=code, is_builtin=True):
            missing = [str(c) for c in capabilities if str(c) not in role.capabilities]
            if missing:
                role.capabilities = [*role.capabilities, *missing]
                role.save(update_fields=["capabilities"])

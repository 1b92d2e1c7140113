from django.db import models


class UnitKind(models.TextChoices):
    TOWN = "town", "镇"
    DEPARTMENT = "department", "部门"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    GRID = "grid", "网格"
    STATION = "station", "便民服务站"
    EXTERNAL = "external", "外部单位"


# Which kinds may sit under which parent kind.
ALLOWED_CHILD_KINDS: dict[str, set[str]] = {
    UnitKind.TOWN: {UnitKind.DEPARTMENT, UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.EXTERNAL},
    UnitKind.DEPARTMENT: {UnitKind.DEPARTMENT, UnitKind.STATION},
    UnitKind.VILLAGE: {UnitKind.GRID, UnitKind.STATION},
    UnitKind.COMMUNITY: {UnitKind.GRID, UnitKind.STATION},
    UnitKind.GRID: set(),
    UnitKind.STATION: set(),
    UnitKind.EXTERNAL: set(),
}


class UnitType(models.TextChoices):
    """Responsibility type of a unit that handles citizen requests (派单目录)."""

    URBAN_MANAGEMENT = "urban_mgmt", "城管"
    HOUSING = "housing", "住建"
    MARKET = "market", "市场监管"
    ENVIRONMENT = "environment", "生态环境"
    TRANSPORT = "transport", "交通运输"
    EDUCATION = "education", "教育"
    HUMAN_RESOURCES = "hr_social", "人社"
    HEALTH = "health", "卫健"
    POLICE = "police", "公安"
    NATURAL_RESOURCES = "natural_res", "自然资源"
    AGRICULTURE = "agriculture", "农业农村"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    WATER = "water", "水务"
    POWER = "power", "供电"
    TELECOM = "telecom", "通信"
    TOWNSHIP = "township", "镇街"
    OTHER = "other", "其他"


class DataScope(models.TextChoices):
    """The five data scopes of Chinese admin systems (RuoYi)."""

    ALL = "all", "全部数据"
    CUSTOM = "custom", "自定义单位"
    UNIT = "unit", "本单位"
    UNIT_AND_BELOW = "unit_and_below", "本单位及下级"
    SELF = "self", "仅本人"


class AdminKind(models.TextChoices):
    """三员分立: one person may hold at most one of these kinds."""

    NONE = "", "业务角色"
    SYSTEM = "system", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDIT = "audit", "审计管理员"


class Capability(models.TextChoices):
    """Functional permissions a role grants, independent of its data scope."""

    MANAGE_UNITS = "orgs.manage_units", "管理组织机构"
    MANAGE_USERS = "accounts.manage_users", "管理用户与任职"
    MANAGE_ROLES = "accounts.manage_roles", "管理角色"
    MANAGE_SECURITY = "accounts.manage_security", "管理安全策略与解锁账号"
    MANAGE_CALENDAR = "core.manage_calendar", "维护节假日日历"
    VIEW_AUDIT = "audit.view", "查看与导出审计日志"
    REVEAL_PII = "core.reveal_pii", "查看完整个人信息"
    VIEW_DASHBOARD = "dashboard.view", "查看驾驶舱"


# Administrative capabilities belong to exactly one of the three separated admin kinds (三员分立).
ADMIN_CAPABILITY_KIND: dict[str, str] = {
    Capability.MANAGE_UNITS: AdminKind.SYSTEM,
    Capability.MANAGE_USERS: AdminKind.SYSTEM,
    Capability.MANAGE_ROLES: AdminKind.SYSTEM,
    Capability.MANAGE_CALENDAR: AdminKind.SYSTEM,
    Capability.MANAGE_SECURITY: AdminKind.SECURITY,
    Capability.VIEW_AUDIT: AdminKind.AUDIT,
}

"""Give the built-in roles that already exist the enterprises capabilities (new databases get them at creation)."""

from django.db import migrations

GRANTS = {
    "town_admin": ["enterprises.view", "enterprises.manage"],
    "leader": ["enterprises.view"],
    "dept_staff": ["enterprises.view", "enterprises.manage"],
    "village_cadre": ["enterprises.view"],
    "village_viewer": ["enterprises.view"],
}

DEFAULT_RULE = {
    "name": "GB/T 39117 常见评分方法（默认）",
    "threshold": "0.80",
    "description": "逐条要求按全部满足 1、大部分满足 0.8、部分满足 0.5、不满足 0 评分；子域得分取平均，"
    "等级得分取各子域平均；本级及以下各级得分均达到 0.8 即达到该级；成熟度得分 = 已达等级 + 上一级得分。",
}


def grant(apps, schema_editor):
    Role = apps.get_model("orgs", "Role")
    for code, capabilities in GRANTS.items():
        for role in Role.objects.filter(code=code, is_builtin=True):
            missing = [c for c in capabilities if c not in role.capabilities]
            if missing:
                role.capabilities = list(role.capabilities) + missing
                role.save(update_fields=["capabilities"])
    MaturityRule = apps.get_model("enterprises", "MaturityRule")
    MaturityRule.objects.get_or_create(
        name=DEFAULT_RULE["name"],
        defaults={"threshold": DEFAULT_RULE["threshold"], "description": DEFAULT_RULE["description"], "is_default": True},
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_enterprise_register"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

"""Seed the national 事项类型 code list and give the built-in roles that already exist the 小牛办 capabilities."""

from django.db import migrations

# Frozen copies: later edits of capabilities.py must not change what this migration did.
GRANTS = {
    "town_admin": [
        "govservices.intake",
        "govservices.review",
        "govservices.catalogue",
        "govservices.rectify",
        "govservices.supervise",
        "govservices.queue",
    ],
    "leader": ["govservices.revoke", "govservices.supervise"],
    "village_cadre": ["govservices.intake", "govservices.rectify"],
    "grid_worker": ["govservices.intake", "govservices.rectify"],
    "dept_staff": ["govservices.rectify"],
}
ITEM_TYPES = [
    ("XK", "行政许可"),
    ("GF", "行政给付"),
    ("JC", "行政检查"),
    ("QR", "行政确认"),
    ("JL", "行政奖励"),
    ("CJ", "行政裁决"),
    ("QT", "其他行政权力"),
    ("GG", "公共服务"),
]


def forwards(apps, schema_editor):
    Role = apps.get_model("orgs", "Role")
    for code, capabilities in GRANTS.items():
        for role in Role.objects.filter(code=code, is_builtin=True):
            missing = [c for c in capabilities if c not in role.capabilities]
            if missing:
                role.capabilities = list(role.capabilities) + missing
                role.save(update_fields=["capabilities"])
    ItemType = apps.get_model("govservices", "ItemType")
    for order, (code, name) in enumerate(ITEM_TYPES, start=1):
        ItemType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("govservices", "0001_govservices_models"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

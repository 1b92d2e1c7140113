"""Give the built-in roles that already exist the campaign capabilities (new databases get them at creation).

A FROZEN copy of campaigns.capabilities.ROLE_GRANTS as of this migration.
"""

from django.db import migrations

GRANTS = {
    "town_admin": ["campaigns.manage", "campaigns.report", "campaigns.manage_targets"],
    "leader": ["campaigns.comment"],
    "dept_staff": ["campaigns.report", "campaigns.manage_targets"],
    "village_cadre": ["campaigns.report", "campaigns.manage_targets"],
}


def grant(apps, schema_editor):
    Role = apps.get_model("orgs", "Role")
    for code, capabilities in GRANTS.items():
        for role in Role.objects.filter(code=code, is_builtin=True):
            missing = [c for c in capabilities if c not in role.capabilities]
            if missing:
                role.capabilities = list(role.capabilities) + missing
                role.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_campaigns_models"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

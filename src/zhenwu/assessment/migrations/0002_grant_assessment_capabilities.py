"""Give the built-in roles that already exist the assessment capabilities (new databases get them at creation)."""

from django.db import migrations

GRANTS = {
    "inspector": ["assessment.inspect"],
    "town_admin": ["assessment.inspect", "assessment.review", "assessment.close", "assessment.manage_scheme"],
    "leader": ["assessment.close", "assessment.reopen", "assessment.approve_bulletin", "assessment.review"],
    "village_cadre": ["assessment.object"],
    "dept_staff": ["assessment.object"],
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
    dependencies = [("assessment", "0001_assessment_models"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

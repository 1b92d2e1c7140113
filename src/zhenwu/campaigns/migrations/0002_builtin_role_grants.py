"""Give the built-in roles that already exist the campaign capabilities (new databases get them at creation).

ROLE_GRANTS is a FROZEN copy of campaigns.capabilities.ROLE_GRANTS as of this migration.
"""

from functools import partial

from django.db import migrations

from zhenwu.orgs.bootstrap import grant_part_defaults

ROLE_GRANTS = {
    "town_admin": ["campaigns.manage", "campaigns.report", "campaigns.manage_targets"],
    "leader": ["campaigns.comment"],
    "dept_staff": ["campaigns.report", "campaigns.manage_targets"],
    "village_cadre": ["campaigns.report", "campaigns.manage_targets"],
}


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_campaigns_models"), ("orgs", "0001_initial")]

    operations = [
        migrations.RunPython(partial(grant_part_defaults, grants=ROLE_GRANTS), migrations.RunPython.noop),
    ]

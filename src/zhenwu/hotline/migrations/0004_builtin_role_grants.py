"""Give the built-in roles that already exist the hotline capabilities (new databases get them at creation).

The grants are a frozen copy: a later edit of the part's ROLE_GRANTS must not change what this
migration did.
"""

from functools import partial

from django.db import migrations

from zhenwu.orgs.bootstrap import grant_part_defaults

GRANTS = {'town_admin': ['hotline.manage', 'hotline.operate'],
 'operator': ['hotline.operate'],
 'leader': ['hotline.approve']}


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("hotline", "0003_channel_unstated"),
    ]

    operations = [migrations.RunPython(partial(grant_part_defaults, grants=GRANTS), migrations.RunPython.noop)]

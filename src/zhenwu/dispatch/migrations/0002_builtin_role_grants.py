"""Give the built-in roles that already exist the dispatch capabilities (new databases get them at creation).

The grants are a frozen copy: a later edit of the part's ROLE_GRANTS must not change what this
migration did.
"""

from functools import partial

from django.db import migrations

from zhenwu.orgs.bootstrap import grant_part_defaults

GRANTS = {'town_admin': ['dispatch.manage']}


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("dispatch", "0001_catalogue_classifier_decisions"),
    ]

    operations = [migrations.RunPython(partial(grant_part_defaults, grants=GRANTS), migrations.RunPython.noop)]

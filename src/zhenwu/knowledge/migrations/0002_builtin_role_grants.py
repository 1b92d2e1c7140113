from functools import partial

from django.db import migrations

from zhenwu.orgs.bootstrap import grant_part_defaults
from zhenwu.knowledge.capabilities import ROLE_GRANTS


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("knowledge", "0001_articles"),
    ]

    operations = [
        migrations.RunPython(partial(grant_part_defaults, grants=ROLE_GRANTS), migrations.RunPython.noop),
    ]

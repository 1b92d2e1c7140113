"""Give the built-in roles that already exist the workorders capabilities (new databases get them at creation).

The grants are a frozen copy: a later edit of the part's ROLE_GRANTS must not change what this
migration did.
"""

from functools import partial

from django.db import migrations

from zhenwu.orgs.bootstrap import grant_part_defaults

GRANTS = {'town_admin': ['workorders.intake',
                'workorders.dispatch',
                'workorders.handle',
                'workorders.approve_extension',
                'workorders.callback',
                'workorders.export',
                'workorders.metrics',
                'workorders.manage'],
 'operator': ['workorders.intake',
              'workorders.dispatch',
              'workorders.callback',
              'workorders.export'],
 'dept_staff': ['workorders.handle', 'workorders.export'],
 'village_cadre': ['workorders.handle', 'workorders.export'],
 'grid_worker': ['workorders.handle'],
 'leader': ['workorders.supervise',
            'workorders.approve_extension',
            'workorders.export',
            'workorders.metrics']}


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("workorders", "0001_work_orders"),
    ]

    operations = [migrations.RunPython(partial(grant_part_defaults, grants=GRANTS), migrations.RunPython.noop)]

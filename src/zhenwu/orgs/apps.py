from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Version stamp (core.versions) of the unit tree: bumped by every save and delete of a unit.
UNITS_VERSION = "orgs.units"


def _after_migrate(sender: Any, **kwargs: Any) -> None:
    from zhenwu.audit.services import ensure_chain_head
    from zhenwu.core.services import calendar_seed
    from zhenwu.orgs.bootstrap import ensure_builtin_roles

    ensure_builtin_roles()
    calendar_seed()
    ensure_chain_head()


class OrgsConfig(AppConfig):
    name = "zhenwu.orgs"
    label = "orgs"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from zhenwu.core.versions import watch
        from zhenwu.orgs.models import Unit

        post_migrate.connect(_after_migrate, sender=self)
        watch(Unit, UNITS_VERSION)

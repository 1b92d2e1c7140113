from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


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
        post_migrate.connect(_after_migrate, sender=self)

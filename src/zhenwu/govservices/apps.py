from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_item_types(sender: Any = None, **kwargs: Any) -> None:
    """The national 事项类型 exist after every migrate and every flush (test databases included)."""
    from zhenwu.govservices.choices import DEFAULT_ITEM_TYPES
    from zhenwu.govservices.models import ItemType

    for order, (code, name) in enumerate(DEFAULT_ITEM_TYPES, start=1):
        ItemType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class GovservicesConfig(AppConfig):
    name = "zhenwu.govservices"
    label = "govservices"
    verbose_name = "小牛办政务服务"

    def ready(self) -> None:
        post_migrate.connect(ensure_item_types, sender=self)

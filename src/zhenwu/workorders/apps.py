from django.apps import AppConfig

# Version stamp (core.versions) of the request categories: the forms' rendered options are keyed by it.
CATEGORIES_VERSION = "workorders.categories"


class WorkordersConfig(AppConfig):
    name = "zhenwu.workorders"
    label = "workorders"
    verbose_name = "诉求工单"

    def ready(self) -> None:
        from zhenwu.core.versions import watch
        from zhenwu.workorders.models import Category

        watch(Category, CATEGORIES_VERSION)

from django.apps import AppConfig

# Version stamp (core.versions) of the 派单目录 and the trained classifiers: bumped by every save
# and delete of an entry or a model; the engine's memo is keyed by it and the units' stamp.
CATALOGUE_VERSION = "dispatch.catalogue"


class DispatchConfig(AppConfig):
    name = "zhenwu.dispatch"
    label = "dispatch"
    verbose_name = "派单目录与派单建议"

    def ready(self) -> None:
        from zhenwu.core.versions import watch
        from zhenwu.dispatch.models import CatalogueEntry, ClassifierModel

        watch(CatalogueEntry, CATALOGUE_VERSION)
        watch(ClassifierModel, CATALOGUE_VERSION)

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhenwu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from zhenwu.core import logredact

        logredact.install()

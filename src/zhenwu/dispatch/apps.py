from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zhenwu.dispatch"
    label = "dispatch"
    verbose_name = "派单目录与派单建议"

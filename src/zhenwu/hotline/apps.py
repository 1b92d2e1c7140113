from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "zhenwu.hotline"
    label = "hotline"
    verbose_name = "政风热线"

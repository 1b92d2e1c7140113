from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhenwu.portal"
    label = "portal"
    verbose_name = "门户"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhenwu.audit"
    label = "audit"
    verbose_name = "审计"

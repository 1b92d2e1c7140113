from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhenwu.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        # Connects the login/logout/failed-login/lockout receivers.
        from zhenwu.audit import signals  # noqa: F401

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhenwu.assessment"
    label = "assessment"
    verbose_name = "融合考核"

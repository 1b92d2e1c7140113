from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhenwu.enterprises"
    label = "enterprises"
    verbose_name = "科技创新与智改数转"

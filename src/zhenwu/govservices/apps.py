from django.apps import AppConfig


class GovservicesConfig(AppConfig):
    name = "zhenwu.govservices"
    label = "govservices"
    verbose_name = "小牛办政务服务"

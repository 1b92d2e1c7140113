from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "zhenwu.workorders"
    label = "workorders"
    verbose_name = "诉求工单"

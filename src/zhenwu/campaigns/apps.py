from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zhenwu.campaigns"
    label = "campaigns"
    verbose_name = "专项行动与目标任务"

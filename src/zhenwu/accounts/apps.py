from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhenwu.accounts"
    label = "accounts"
    verbose_name = "账号"

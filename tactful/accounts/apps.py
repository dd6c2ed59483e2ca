from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tactful.accounts"
    verbose_name = "Staff accounts"

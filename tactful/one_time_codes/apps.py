from django.apps import AppConfig


class OneTimeCodesConfig(AppConfig):
    name = "tactful.one_time_codes"
    verbose_name = "One-time codes"

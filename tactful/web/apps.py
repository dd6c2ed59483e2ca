from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tactful.web"
    verbose_name = "Web shell"

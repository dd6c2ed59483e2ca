from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tactful.demo"
    verbose_name = "Demo portfolio"

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "tactful.casework"
    verbose_name = "Casework"

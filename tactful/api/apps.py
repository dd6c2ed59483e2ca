from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tactful.api"
    label = "api"
    verbose_name = "Integrator API"

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "tactful.public"
    verbose_name = "Public pages"

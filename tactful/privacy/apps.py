from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tactful.privacy"
    verbose_name = "Privacy: encryption and key rotation"

from django.apps import AppConfig
from django.core import checks


class PrivacyConfig(AppConfig):
    name = "tactful.privacy"
    verbose_name = "Privacy: encryption and key rotation"

    def ready(self) -> None:
        from tactful.privacy.checks import check_pii_keys

        checks.register(check_pii_keys, checks.Tags.security, deploy=True)

from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "tactful.audit"
    verbose_name = "Audit chain"

    def ready(self) -> None:
        from tactful.audit.checks import check_audit_keys

        checks.register(check_audit_keys, checks.Tags.security, deploy=True)

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tactful.audit"
    verbose_name = "Audit chain"

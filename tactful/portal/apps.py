from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tactful.portal"
    verbose_name = "Borrower portal"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallqaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tactful.callqa"
    verbose_name = _("Call quality inspection")

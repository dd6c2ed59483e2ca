from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tactful.treatments"
    verbose_name = _("Treatments and the daily plan")

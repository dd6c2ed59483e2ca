from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BatchesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tactful.batches"
    verbose_name = _("Batch runs")

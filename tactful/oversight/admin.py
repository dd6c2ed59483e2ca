"""Read-only admin: the roll-ups change only by being rebuilt from the records."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.oversight.models import DailyCount


@admin.register(DailyCount)
class DailyCountAdmin(ReadOnlyAdmin):
    list_display = ("day", "metric", "pack", "key", "count")
    list_filter = ("metric", "pack")
    date_hierarchy = "day"

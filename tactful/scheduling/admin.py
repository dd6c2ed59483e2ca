from __future__ import annotations

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.scheduling.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "scheduled_for", "outcome", "error_class", "started_at", "duration")
    list_filter = ("outcome", "job")
    date_hierarchy = "scheduled_for"

from __future__ import annotations

from django.contrib import admin

from tactful.api.models import IdempotentRequest
from tactful.audit.admin import ReadOnlyAdmin


# The API keys' own admin is in accounts/admin.py: keys are account records (ADR 0017).
@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ("key", "api_key", "method", "path", "status_code", "created_at")
    list_filter = ("status_code",)
    search_fields = ("key", "path")

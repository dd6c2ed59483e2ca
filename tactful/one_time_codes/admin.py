from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.one_time_codes.models import OneTimeCode


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "created_at", "expires_at", "failed_attempts", "used_at")
    list_filter = ("purpose",)

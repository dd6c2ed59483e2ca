from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.portal.models import SignInCode


@admin.register(SignInCode)
class SignInCodeAdmin(ReadOnlyAdmin):
    """Only digests are stored: the admin shows when codes were asked for and used."""

    list_display = ("created_at", "expires_at", "failed_attempts", "used_at")

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from tactful.accounts.keys import revoke_key
from tactful.accounts.models import ApiKey, User
from tactful.errors import ServiceError

# The admin's action has no box for a reason: the audit trail says where it came from.
ADMIN_REVOCATION_REASON = "revoked in the Django admin"


@admin.register(User)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    # Where they work: deadlines and times on their pages are shown in this zone.
    fieldsets = (*(UserAdmin.fieldsets or ()), (None, {"fields": ("time_zone",)}))


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Browse and revoke keys. Keys are issued on the staff page /staff/keys/ or with
    `manage.py apikey create`, which show the secret once; the admin never sees it."""

    list_display = ("name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    readonly_fields = (
        "prefix",
        "secret_digest",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A revoked key stays, so the audit trail's `api-key:<prefix>` keeps meaning something.
        return False

    @admin.action(description="Revoke selected API keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        actor = f"user:{request.user.pk}"
        for api_key in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_key(prefix=api_key.prefix, actor=actor, reason=ADMIN_REVOCATION_REASON)
            except ServiceError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                self.message_user(request, f"Revoked {api_key}.", messages.SUCCESS)

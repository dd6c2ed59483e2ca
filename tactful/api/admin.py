from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tactful.api.keys import revoke_key
from tactful.api.models import ApiKey, IdempotentRequest
from tactful.audit.admin import ReadOnlyAdmin
from tactful.errors import ServiceError


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Browse and revoke keys. Keys are issued with `manage.py apikey create`, which shows
    the secret once; the admin never sees it."""

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
                revoke_key(prefix=api_key.prefix, actor=actor)
            except ServiceError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                self.message_user(request, f"Revoked {api_key}.", messages.SUCCESS)


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ("key", "api_key", "method", "path", "status_code", "created_at")
    list_filter = ("status_code",)
    search_fields = ("key", "path")

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tactful.audit.models import AuditEvent, ChainHead, EventKey


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin for append-only tables: browse and search, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "occurred_at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor")


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("last_sequence", "last_hash")


@admin.register(EventKey)
class EventKeyAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "event_id", "hash")

"""Reads behind the public pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tactful.messaging.models import OutboxMessage

OUTBOX_PAGE_SIZE = 50


def recent_outbox_messages(limit: int = OUTBOX_PAGE_SIZE) -> QuerySet[OutboxMessage]:
    """Return the newest messages of the demo's fake gateway, newest first."""
    return OutboxMessage.objects.order_by("-sent_at", "-id")[:limit]

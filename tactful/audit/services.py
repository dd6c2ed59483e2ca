"""The one write path of the audit chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tactful.audit.chain import GENESIS_HASH, Link, payload_digest
from tactful.audit.models import AuditEvent, ChainHead


def record_event(
    *,
    actor: str,
    action: str,
    target: models.Model | tuple[str, str],
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Append an event to the chain. Never put PII in `payload`: it is kept forever.

    `target` is a model instance or an (object_type, object_id) pair.
    """
    object_type, object_id = _describe(target)
    body = payload or {}
    with transaction.atomic():
        head = _locked_head()
        link = Link(
            sequence=head.last_sequence + 1,
            occurred_at=(occurred_at or timezone.now()).astimezone(UTC),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload_digest=payload_digest(body),
            previous_hash=head.last_hash,
        )
        event = AuditEvent.objects.create(
            sequence=link.sequence,
            occurred_at=link.occurred_at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload=body,
            payload_digest=link.payload_digest,
            previous_hash=link.previous_hash,
            hash=link.hash(),
        )
        ChainHead.objects.filter(pk=head.pk).update(
            last_sequence=link.sequence, last_hash=event.hash
        )
    return event


def _locked_head() -> ChainHead:
    # The head row serializes appends: on PostgreSQL the row lock, on SQLite the
    # IMMEDIATE write transaction.
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    return head


def _describe(target: models.Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(target, tuple):
        return target
    return target._meta.label_lower, str(target.pk)

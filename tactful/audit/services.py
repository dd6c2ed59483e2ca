"""The one write path of the audit chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from tactful.audit.chain import GENESIS_HASH, Link, payload_digest
from tactful.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class NewEvent:
    """An event to append: who did what to which object. Never put PII in `payload`.

    `target` is a model instance (saved, so it has a pk) or an (object_type, object_id) pair.
    """

    actor: str
    action: str
    target: models.Model | tuple[str, str]
    payload: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None


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
    event = NewEvent(
        actor=actor, action=action, target=target, payload=payload or {}, occurred_at=occurred_at
    )
    return record_events(events=[event])[0]


def record_events(*, events: Sequence[NewEvent]) -> list[AuditEvent]:
    """Append `events` to the chain in the order given, under one lock of its head.

    The links are computed in memory, each from the one before, and inserted together;
    the head moves once. Other appenders wait for the whole batch, so it stays gapless.
    """
    if not events:
        return []
    now = timezone.now()
    # No savepoint when nested: an append that fails must fail the change it records, and a
    # savepoint costs two round trips on every permit.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        rows = _chained(events, head, now)
        AuditEvent.objects.bulk_create(rows)
        ChainHead.objects.filter(pk=head.pk).update(
            last_sequence=rows[-1].sequence, last_hash=rows[-1].hash
        )
    return rows


def _chained(events: Sequence[NewEvent], head: ChainHead, now: datetime) -> list[AuditEvent]:
    rows = []
    sequence, previous_hash = head.last_sequence, head.last_hash
    for event in events:
        sequence += 1
        row = _linked(event, sequence, previous_hash, now)
        previous_hash = row.hash
        rows.append(row)
    return rows


def _linked(event: NewEvent, sequence: int, previous_hash: str, now: datetime) -> AuditEvent:
    object_type, object_id = _describe(event.target)
    keys = settings.AUDIT_KEYS
    link = Link(
        sequence=sequence,
        occurred_at=(event.occurred_at or now).astimezone(UTC),
        actor=event.actor,
        action=event.action,
        object_type=object_type,
        object_id=object_id,
        payload_digest=payload_digest(event.payload),
        previous_hash=previous_hash,
        key_id=keys.link_key_id,
    )
    return AuditEvent(
        sequence=link.sequence,
        occurred_at=link.occurred_at,
        actor=link.actor,
        action=link.action,
        object_type=object_type,
        object_id=object_id,
        payload=event.payload,
        payload_digest=link.payload_digest,
        previous_hash=previous_hash,
        hash=link.hash(keys.link_key),
        key_id=link.key_id,
    )


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

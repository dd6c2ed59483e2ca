"""The one write path of the audit chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
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
    the head moves to the last (on PostgreSQL in the statement that inserts them). Other
    appenders wait for the whole batch, so it stays gapless.
    """
    if not events:
        return []
    now = timezone.now()
    # No savepoint when nested: an append that fails must fail the change it records, and a
    # savepoint costs two round trips on every permit.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        rows = _chained(events, head, now)
        if _updates_in_with():
            _insert_moving_head(rows, head)
        else:
            AuditEvent.objects.bulk_create(rows)
            _move_head(head, rows[-1])
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


# Rows per INSERT: far below PostgreSQL's 65,535 parameters a statement (11 per row).
_ROWS_PER_STATEMENT = 1000
_EVENT_FIELDS = (
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "payload",
    "payload_digest",
    "previous_hash",
    "hash",
    "key_id",
)


def _insert_moving_head(rows: list[AuditEvent], head: ChainHead) -> None:
    """Insert the events and move the head to the last of them, one statement per chunk.

    PostgreSQL: the head's UPDATE rides in a data-modifying WITH of the events' INSERT, so
    an append is two round trips (lock and read the head; this), not three. The statement
    goes to the partitioned table, whose trigger writes each event's keys (ADR 0019), and
    it returns the new ids, as `bulk_create` would. The head is locked already, so moving
    it with each chunk changes nothing another appender could see before the commit.
    """
    fields = [_event_field(name) for name in _EVENT_FIELDS]
    quote = connection.ops.quote_name
    head_table = quote(ChainHead._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = f"({', '.join(['%s'] * len(fields))})"
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        sql = (
            f"WITH moved AS (UPDATE {head_table} SET {quote('last_sequence')} = %s, "
            f"{quote('last_hash')} = %s WHERE {quote('id')} = %s) "
            f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "
            f"VALUES {', '.join([one_row] * len(chunk))} RETURNING {quote('id')}"
        )
        params: list[Any] = [chunk[-1].sequence, chunk[-1].hash, head.pk]
        for row in chunk:
            params.extend(
                field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row_id for (row_id,) in cursor.fetchall()]
        # In the order of the VALUES, as Django's bulk_create relies on too.
        for row, row_id in zip(chunk, ids, strict=True):
            row.pk = row_id
            row._state.adding = False
            row._state.db = connection.alias


def _updates_in_with() -> bool:
    # A data-modifying WITH is PostgreSQL's; SQLite appends in-process, where a statement
    # more costs no round trip.
    return connection.vendor == "postgresql"


def _event_field(name: str) -> models.Field[Any, Any]:
    field = AuditEvent._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is no column of AuditEvent")
    return field


def _move_head(head: ChainHead, last: AuditEvent) -> None:
    ChainHead.objects.filter(pk=head.pk).update(last_sequence=last.sequence, last_hash=last.hash)


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

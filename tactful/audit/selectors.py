"""Read paths of the audit trail: the events about some objects, one event by its place."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from tactful.audit.models import AuditEvent


def events_about(
    object_type: str, object_ids: Sequence[str], *, actions: Sequence[str]
) -> QuerySet[AuditEvent]:
    """Return the events with one of `actions` about these objects of `object_type`."""
    return AuditEvent.objects.filter(
        object_type=object_type, object_id__in=object_ids, action__in=actions
    )


def event_at(sequence: int) -> AuditEvent | None:
    """Return the event at `sequence` in the chain, if there is one."""
    return AuditEvent.objects.filter(sequence=sequence).first()

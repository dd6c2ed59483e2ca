from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only table."""


class AppendOnlyModel(models.Model):
    """A model whose rows are written once and never changed or deleted.

    Corrections are new rows. The guard here stops the ORM paths; the audit
    chain detects anything done behind its back.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnlyModel):
    """One link of the hash chain: who did what to which object, and when."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=80)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    payload_digest = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The link key the hash was made under (AUDIT_LINK_KEYS); empty for the plain
    # SHA-256 links written before links were keyed.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering: ClassVar[list[str]] = ["sequence"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class EventKey(models.Model):
    """The keys of an audit event that are unique across every month: its id, its place
    in the chain and its hash.

    On PostgreSQL events are partitioned by the month they occurred in (ADR 0019), and a
    partitioned table's unique constraints must include the month; so these are kept
    here, written by a trigger in the same statement as the event. On SQLite the events'
    own constraints hold and this table stays empty.
    """

    event = models.OneToOneField(
        AuditEvent,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    sequence = models.PositiveBigIntegerField(unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event key")
        verbose_name_plural = _("audit event keys")

    def __str__(self) -> str:
        return f"keys of event #{self.sequence}"


class ChainHead(models.Model):
    """The single row that points at the newest event; locked to append in order."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

"""Big days cut into chunks that several workers share, and pick up again after a crash.

A run is one job over a list of items (mandates to debit, loans to plan), cut into chunks.
A worker leases a chunk, does it and marks it done; a chunk leased longer ago than the
asking worker's lease length (its worker died) is leased again. The jobs themselves make a
chunk done twice harmless (unique keys on what they write); these rows only share the work
out and say how far a run has got. They are working state, not a record a regulator asks about:
what the jobs write (attempts, ledger entries, plans, audit events) is.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BatchRun(models.Model):
    """One job over its items: who does a chunk, who finishes the run, how far it got."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.CharField(max_length=80)
    # What the run is of (the day, the day and pack): at most one unfinished run per key.
    key = models.CharField(max_length=80)
    # Dotted paths of the job's functions: `do_chunk(run, items) -> dict of counts` and
    # `finish(run, counts)`, resolved when a worker drains the run.
    chunk_function = models.CharField(max_length=200)
    finish_function = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    items = models.PositiveIntegerField()
    chunks = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The chunks' counts added up, written by the worker that finished the run.
    totals = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("batch run")
        verbose_name_plural = _("batch runs")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["job", "key"],
                condition=Q(finished_at__isnull=True),
                name="one_unfinished_run_per_job_and_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.key}"


class BatchChunk(models.Model):
    """A slice of a run's items, leased to one worker at a time until it is done."""

    run = models.ForeignKey(BatchRun, on_delete=models.CASCADE, related_name="chunk_rows")
    number = models.PositiveIntegerField()
    item_ids = models.JSONField()
    # When the worker named took it; a lease older than the asking worker's lease length
    # is taken to belong to a worker that died.
    leased_at = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=80, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("batch chunk")
        verbose_name_plural = _("batch chunks")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["run", "number"], name="one_chunk_per_number"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["run", "number"],
                condition=Q(done_at__isnull=True),
                name="batch_chunk_to_do",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.number}"

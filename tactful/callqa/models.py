"""Recorded calls, what the speech engine heard in them, and what the checker found.

A recording is linked to the permit (`ContactAttempt`) under which the call was made.
Segments, findings, signals, reviews and alerts are append-only: a regulator may ask why a
collector was coached, and the answer must be the record as it was. A recording's own row
changes only to follow its processing (uploaded → transcribing → inspected or failed).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.contacts.models import ContactAttempt, Hold


class RecordingStorage(FileSystemStorage):
    """Recordings live under VAR_DIR/recordings, never in a web-served folder.

    The folder is read at each use rather than once, so a test can point VAR_DIR elsewhere.
    """

    @property
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "recordings")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def recordings_storage() -> Storage:
    return RecordingStorage()


class Status(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for transcription")
    TRANSCRIBING = "transcribing", _("Being transcribed")
    INSPECTED = "inspected", _("Inspected")
    FAILED = "failed", _("Could not be transcribed")


class Recording(models.Model):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.ForeignKey(ContactAttempt, on_delete=models.PROTECT, related_name="recordings")
    audio = models.FileField(storage=recordings_storage, upload_to="%Y/%m/")
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=80)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    failure = models.CharField(max_length=200, blank=True)
    engine = models.CharField(max_length=40, blank=True)
    transcribed_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    speech_seconds = models.FloatField(null=True, blank=True)
    transcript_characters = models.PositiveIntegerField(null=True, blank=True)
    # The transcript is implausibly short for the speech heard: someone should listen.
    low_coverage = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["attempt", "sha256"], name="one_upload_per_file"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "uploaded_at"])]

    def __str__(self) -> str:
        return f"recording {self.reference}"


class Segment(AppendOnlyModel):
    """What was said from `start_seconds` to `end_seconds`, as the engine heard it."""

    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="segments")
    index = models.PositiveIntegerField()
    start_seconds = models.FloatField()
    end_seconds = models.FloatField()
    text = models.TextField()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering: ClassVar[list[str]] = ["recording", "index"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["recording", "index"], name="one_segment_per_index"),
        ]

    def __str__(self) -> str:
        return f"segment {self.index} of {self.recording_id}"


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Finding(AppendOnlyModel):
    """A violation the checker found in a segment; a person confirms or dismisses it."""

    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="findings")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="findings")
    category = models.CharField(max_length=30)
    start = models.PositiveIntegerField(help_text="Character offset in the segment's text.")
    end = models.PositiveIntegerField()
    evidence = models.TextField()
    source = models.CharField(max_length=10)
    score = models.FloatField()
    rule = models.CharField(max_length=80)
    found_at = models.DateTimeField()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering: ClassVar[list[str]] = ["recording", "segment__index", "start"]

    def __str__(self) -> str:
        return f"{self.category} in {self.recording_id}"


class FindingReview(AppendOnlyModel):
    """A person's verdict on a finding. The newest review of a finding is its state."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="reviews")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="finding_reviews"
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("finding review")
        verbose_name_plural = _("finding reviews")
        ordering: ClassVar[list[str]] = ["finding", "reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.verdict} {self.finding_id}"


class VulnerabilitySignal(AppendOnlyModel):
    """A sign in the call that the borrower is in hardship, and the hold it placed."""

    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="signals")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="signals")
    kind = models.CharField(max_length=20)
    evidence = models.TextField()
    hold = models.ForeignKey(
        Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="signals"
    )
    heard_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vulnerability signal")
        verbose_name_plural = _("vulnerability signals")

    def __str__(self) -> str:
        return f"{self.kind} in {self.recording_id}"


class SupervisorAlert(models.Model):
    """A distress signal that a supervisor must see at once. Acknowledging it is recorded."""

    signal = models.OneToOneField(
        VulnerabilitySignal, on_delete=models.PROTECT, related_name="alert"
    )
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acknowledged_alerts",
    )

    class Meta:
        verbose_name = _("supervisor alert")
        verbose_name_plural = _("supervisor alerts")

    def __str__(self) -> str:
        return f"alert for {self.signal_id}"

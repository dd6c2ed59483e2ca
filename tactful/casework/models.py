"""The collector's records: message templates and their approval, assignments, notes, calls.

All are append-only. A template changes by a new version; an account moves by a new
assignment; a note is corrected by another note.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.contacts.models import ContactAttempt
from tactful.loans.models import Loan


class TemplateLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    ZH_HANT = "zh-hant", _("Traditional Chinese")
    EN = "en", _("English")


class TemplateAudience(models.TextChoices):
    DEBTOR = "debtor", _("The borrower")
    EMERGENCY_CONTACT = "emergency_contact", _("An emergency contact")


class MessageTemplate(AppendOnlyModel):
    """One version of a message a collector may send: its words and what the checker found.

    `findings` are the checker's categories on the words filled with sample values when
    the version was written; a version with findings can never be approved.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(max_length=40)
    version = models.PositiveIntegerField()
    pack = models.CharField(max_length=32)
    language = models.CharField(max_length=8, choices=TemplateLanguage.choices)
    audience = models.CharField(max_length=20, choices=TemplateAudience.choices)
    purpose = models.CharField(max_length=12)
    body = models.TextField()
    findings = models.JSONField(default=list)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="templates_written"
    )
    written_at = models.DateTimeField()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering: ClassVar[list[str]] = ["pack", "name", "language", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["pack", "name", "language", "version"], name="one_template_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.pack}, {self.language})"


class TemplateApproval(AppendOnlyModel):
    """A compliance officer, not the author, approved this version for use."""

    template = models.OneToOneField(
        MessageTemplate, on_delete=models.PROTECT, related_name="approval"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="templates_approved"
    )
    approved_at = models.DateTimeField()

    class Meta:
        verbose_name = _("template approval")
        verbose_name_plural = _("template approvals")

    def __str__(self) -> str:
        return f"approval of {self.template_id}"


class TemplatedMessage(AppendOnlyModel):
    """Which template version a collector's message was written from."""

    attempt = models.OneToOneField(
        ContactAttempt, on_delete=models.PROTECT, related_name="templated_message"
    )
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="uses")

    class Meta:
        verbose_name = _("templated message")
        verbose_name_plural = _("templated messages")

    def __str__(self) -> str:
        return f"{self.template_id} for {self.attempt_id}"


class Assignment(AppendOnlyModel):
    """From `assigned_at`, `collector` works this loan (no collector: back to the team's pool)."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="assignments")
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    reason = models.CharField(max_length=200, blank=True)
    assigned_at = models.DateTimeField()
    assigned_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["loan", "-id"])]

    def __str__(self) -> str:
        return f"loan {self.loan_id} to {self.collector_id}"


class CaseNote(AppendOnlyModel):
    """A note on an account. Notes are never edited: a correction is a new note."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="case_notes")
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    written_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering: ClassVar[list[str]] = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"note on {self.loan_id}"


class CallResult(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DISPUTE = "dispute", _("The borrower disputes the debt")
    HARDSHIP = "hardship", _("The borrower spoke of hardship or distress")
    PROMISE = "promise", _("The borrower promised to pay")


class CallLog(AppendOnlyModel):
    """How a collector's call went, in the collector's words (the gate keeps its own outcome)."""

    attempt = models.OneToOneField(
        ContactAttempt, on_delete=models.PROTECT, related_name="call_log"
    )
    result = models.CharField(max_length=16, choices=CallResult.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_logs"
    )
    logged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("call log")
        verbose_name_plural = _("call logs")

    def __str__(self) -> str:
        return f"{self.result} for {self.attempt_id}"


class ReviewOutcome(models.TextChoices):
    PAUSE = "pause", _("A hardship pause")
    OFFER = "offer", _("Restructuring offers priced for the borrower")
    REFER = "refer", _("Referred to support resources; contact stays stopped")
    RETURN = "return", _("Back to the queue: the hardship hold is lifted")


class ReviewDecision(AppendOnlyModel):
    """A supervisor's decision on an account the plan sent to review (hardship, distress).

    The time between the signal and this row is how long a person in difficulty waited
    for someone to look; a later decision is a new row.
    """

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="review_decisions")
    outcome = models.CharField(max_length=8, choices=ReviewOutcome.choices)
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering: ClassVar[list[str]] = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.loan_id}"

"""Complaints, their append-only history, the evidence they link and their remediation.

`ComplaintEvent`, the links to attempts and holds, remediations and ratings are
append-only: a regulator may ask what happened to a complaint and when. The complaint's
own row keeps the current state (status, outcome, assignee, deadline) only as a summary of
its events, written in the same transaction as the event that changes it.

A complainant's number is never stored: only a keyed digest, enough to find the recipients
it belongs to and to rate-limit codes.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.borrowers.models import Borrower
from tactful.callqa.models import Finding
from tactful.contacts.models import ContactAttempt, Hold, Recipient
from tactful.loans.models import LedgerEntry, Loan


class Category(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment or too many contacts")
    CONTACTED_OTHERS = "contacted_others", _("Contact of family, friends or colleagues")
    DISCLOSURE = "disclosure", _("Disclosure of the debt")
    ABUSIVE_LANGUAGE = "abusive_language", _("Abusive or threatening language")
    IMPERSONATION = "impersonation", _("Impersonation of police, courts or officials")
    WRONG_AMOUNT = "wrong_amount", _("Wrong amount or fees")
    PRIVACY = "privacy", _("Privacy")
    OTHER = "other", _("Something else")


class IntakeChannel(models.TextChoices):
    PORTAL = "portal", _("Borrower portal")
    PUBLIC = "public", _("Public page")
    STAFF = "staff", _("By phone, recorded by staff")
    API = "api", _("Integration (API)")
    REGULATOR = "regulator", _("Referred by a regulator")


class ComplainantKind(models.TextChoices):
    BORROWER = "borrower", _("The borrower")
    THIRD_PARTY = "third_party", _("Someone else who was contacted")
    ANONYMOUS = "anonymous", _("Anonymous")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Being investigated")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Resolution(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Complaint(models.Model):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Short enough to read out on the phone; shown to the complainant.
    number = models.CharField(max_length=12, unique=True)
    pack = models.CharField(max_length=32)
    category = models.CharField(max_length=20, choices=Category.choices)
    channel = models.CharField(max_length=10, choices=IntakeChannel.choices)
    complainant_kind = models.CharField(max_length=12, choices=ComplainantKind.choices)
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    # Whom acknowledgements and the apology go to, through a permit; empty when anonymous.
    reply_to = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    complainant_digest = models.CharField(max_length=64, blank=True)
    # A regulator's own reference of a referred complaint (e.g. the 12378 ticket number).
    referral_reference = models.CharField(max_length=64, blank=True)
    description = models.TextField()
    language = models.CharField(max_length=8, default="zh-hans")
    received_at = models.DateTimeField()
    received_by = models.CharField(max_length=80)
    submission_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    source_digest = models.CharField(max_length=64, blank=True)
    # Summary of the events, kept in step by the services.
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.RECEIVED)
    resolution = models.CharField(max_length=14, choices=Resolution.choices, blank=True)
    resolution_summary = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    due_on = models.DateField()
    extensions = models.PositiveSmallIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["source_digest", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"complaint {self.number}"


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACKNOWLEDGEMENT_DEFERRED = "ack_deferred", _("Acknowledgement not sent yet")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATING = "investigating", _("Investigation started")
    EXTENDED = "extended", _("Deadline extended")
    RESOLVED = "resolved", _("Resolved")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    HOLD_LIFTED = "hold_lifted", _("Hold lifted")
    ESCALATED = "escalated", _("Escalated")
    REMEDIATION = "remediation", _("Remediation")
    RATED = "rated", _("Rated by the complainant")
    REPLY_SENT = "reply_sent", _("Message sent to the complainant")
    REPLY_DEFERRED = "reply_deferred", _("Message held until the rules allow it")
    REPLY_NOT_SENT = "reply_not_sent", _("Message could not be sent")
    INFORMATION_GIVEN = "information_given", _("The complainant answered")


class ComplaintEvent(AppendOnlyModel):
    """One step in a complaint's life. Notes never name the complainant."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14, blank=True)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict)
    actor = models.CharField(max_length=80)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering: ClassVar[list[str]] = ["complaint", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.complaint_id}"


class LinkedAttempt(AppendOnlyModel):
    """A contact the complaint is about, found by the verification code it carried."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attempts")
    attempt = models.ForeignKey(ContactAttempt, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("linked attempt")
        verbose_name_plural = _("linked attempts")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["complaint", "attempt"], name="attempt_linked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} in {self.complaint_id}"


class ComplaintHold(AppendOnlyModel):
    """A `complaint` hold this complaint placed; lifting it is a step of its own."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="holds")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="complaint_link")

    class Meta:
        verbose_name = _("complaint hold")
        verbose_name_plural = _("complaint holds")

    def __str__(self) -> str:
        return f"{self.hold_id} for {self.complaint_id}"


class AttachmentStorage(FileSystemStorage):
    """Attachments live under VAR_DIR/complaints, never in a web-served folder."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "complaints")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def attachments_storage() -> Storage:
    return AttachmentStorage()


class Attachment(AppendOnlyModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=attachments_storage, upload_to="%Y/%m/")
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class RemediationKind(models.TextChoices):
    CORRECTION = "correction", _("Correction of records")
    APOLOGY = "apology", _("Apology letter")
    COMPENSATION = "compensation", _("Compensation")
    FEE_WAIVER = "fee_waiver", _("Fee waiver")
    COACHING = "coaching", _("Coaching for the collector")
    RULE_PROPOSAL = "rule_proposal", _("Proposal to tighten a rule")


class Remediation(AppendOnlyModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="remediations")
    kind = models.CharField(max_length=14, choices=RemediationKind.choices)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict)
    ledger_entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempt = models.ForeignKey(
        ContactAttempt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.CharField(max_length=80)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("remediation")
        verbose_name_plural = _("remediations")

    def __str__(self) -> str:
        return f"{self.kind} for {self.complaint_id}"


class CoachingTask(models.Model):
    """Coaching a collector needs, from a complaint or a confirmed finding."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="coaching"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="coaching"
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_tasks"
    )
    note = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=80)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coaching task")
        verbose_name_plural = _("coaching tasks")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False) | Q(finding__isnull=False),
                name="coaching_has_a_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"coaching {self.pk}"


class RuleProposal(AppendOnlyModel):
    """A stricter lender override of the pack, checked by the pack loader; applied by hand."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="proposals")
    pack = models.CharField(max_length=32)
    override = models.TextField()
    digest = models.CharField(max_length=64)
    proposed_by = models.CharField(max_length=80)
    proposed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rule proposal")
        verbose_name_plural = _("rule proposals")

    def __str__(self) -> str:
        return f"proposal {self.digest[:8]}"


class ReplyKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    INFORMATION_REQUEST = "information_request", _("Request for information")
    ANSWER = "answer", _("Notice of our answer")


class Reply(models.Model):
    """A message an officer sends the complainant: at once, or when the rules next allow it.

    Its history is in the complaint's events (sent, held, not sent, answered); this row
    is the work item the scheduler picks up while `send_at` is set.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="replies")
    kind = models.CharField(max_length=20, choices=ReplyKind.choices)
    # The officer's question (requests for information), shown on the complainant's page.
    question = models.TextField(blank=True)
    requested_by = models.CharField(max_length=80)
    requested_at = models.DateTimeField()
    # UTC; set while the message waits for the time the gate next allows it.
    send_at = models.DateTimeField(null=True, blank=True)
    attempt = models.ForeignKey(
        ContactAttempt, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply to the complainant")
        verbose_name_plural = _("replies to the complainant")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["send_at"], name="reply_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.complaint_id}"

    @property
    def waiting(self) -> bool:
        return self.sent_at is None and self.send_at is not None

    @property
    def not_sent(self) -> bool:
        return self.sent_at is None and self.send_at is None


class Rating(AppendOnlyModel):
    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.score} for {self.complaint_id}"

"""Who Tactful may contact, what pauses contact, and every permit the gate decided.

Holds, lifts, opt-outs, certifications, permits and outcomes are append-only: a regulator
may ask about any of them, so corrections are new rows and current state is derived
(`tactful.contacts.selectors`). Recipients are a directory, not a record of events.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.contacts.vocabulary import (
    CHANNEL_CHOICES,
    OUTCOME_CHOICES,
    PURPOSE_CHOICES,
    RECIPIENT_ROLE_CHOICES,
    VERDICT_CHOICES,
)
from tactful.loans.models import Loan


class HoldKind(models.TextChoices):
    """The kinds Tactful knows. A hold of any other kind is accepted and blocks too."""

    COMPLAINT = "complaint", _("Complaint")
    DISPUTE = "dispute", _("Dispute")
    CEASE = "cease", _("Cease request")
    HARDSHIP = "hardship", _("Hardship")
    LEGAL = "legal", _("Legal proceedings")
    DISASTER = "disaster", _("Disaster")
    DECEASED = "deceased", _("Deceased")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy")
    ATTORNEY = "attorney", _("Represented by an attorney")


class Recipient(models.Model):
    """Someone Tactful may contact about a borrower's debts, at one address.

    Own numbers: role ``debtor`` and `phone_number` set (one recipient per number). The
    consent issue adds emergency contacts: role ``emergency_contact``, `phone_number`
    empty, linked to its designation record by a field it adds here.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="contact_recipients"
    )
    role = models.CharField(max_length=20, choices=RECIPIENT_ROLE_CHOICES)
    # SET_NULL: a borrower update may drop a number; the recipient and its history stay.
    phone_number = models.ForeignKey(
        PhoneNumber,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recipients",
    )
    # Emergency contacts: the designation (number, consent) lives in the consent app.
    emergency_contact = models.OneToOneField(
        "consent.EmergencyContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recipient",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["phone_number"],
                condition=Q(phone_number__isnull=False),
                name="one_recipient_per_own_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.public_id}"

    @property
    def is_own_number(self) -> bool:
        """Return True for the borrower's own numbers: all of them reach the same person."""
        return self.role == "debtor"

    @property
    def time_zone(self) -> str | None:
        """Return the zone the gate reads local time in; None when nobody knows it.

        The borrower's stated zone wins; else the zone the number's numbering plan pins.
        A number whose region spans several zones stays unknown: the gate then denies.
        """
        if self.emergency_contact is not None:
            # Another person: the borrower's stated zone says nothing about theirs.
            return self.emergency_contact.time_zone
        if self.borrower.timezone_override:
            return self.borrower.timezone_override
        return self.phone_number.time_zone if self.phone_number is not None else None

    @property
    def language(self) -> str:
        """Return the language this person reads: their own, never the borrower's for another."""
        if self.emergency_contact is not None:
            return self.emergency_contact.language
        return self.borrower.preferred_language


class Hold(AppendOnlyModel):
    """A pause on contact about a loan, or with a recipient, from `starts_at` to `ends_at`.

    Active while started, not ended and not lifted (`HoldLift`). Kinds outside `HoldKind`
    are stored as given and block like any other: the gate fails closed.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40)
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="contact_holds"
    )
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=80)
    reason = models.TextField(blank=True)
    placed_at = models.DateTimeField()
    placed_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(Q(loan__isnull=False) & Q(recipient__isnull=True))
                | (Q(loan__isnull=True) & Q(recipient__isnull=False)),
                name="hold_on_a_loan_or_a_recipient",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="hold_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} hold {self.reference}"


class HoldLift(AppendOnlyModel):
    """The explicit end of a hold before its `ends_at`: who lifted it, when and why."""

    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="lift")
    lifted_at = models.DateTimeField()
    lifted_by = models.CharField(max_length=80)
    reason = models.TextField()

    class Meta:
        verbose_name = _("hold lift")
        verbose_name_plural = _("hold lifts")

    def __str__(self) -> str:
        return f"lift of {self.hold_id}"


class OptOut(AppendOnlyModel):
    """A recipient's request not to be contacted any more (from `recorded_at` on)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="opt_outs")
    source = models.CharField(max_length=80)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("opt out")
        verbose_name_plural = _("opt outs")

    def __str__(self) -> str:
        return f"opt-out of {self.recipient_id}"


class CollectorCertification(AppendOnlyModel):
    """A collector's certificate, valid from `valid_from` (included) to `valid_until`."""

    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certifications"
    )
    certificate_number = models.CharField(max_length=64)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("collector certification")
        verbose_name_plural = _("collector certifications")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")),
                name="certification_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"certificate {self.certificate_number}"


class ContactAttempt(AppendOnlyModel):
    """A permit request and the gate's decision, with the facts it was decided on.

    Denials are kept too. `facts` holds no personal data: ids, counts, days past due,
    hold kinds, flags, and the history as (time, channel, outcome) triples.
    """

    permit_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="contact_attempts"
    )
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="attempts")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    purpose = models.CharField(max_length=12, choices=PURPOSE_CHOICES)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_attempts",
    )
    automated = models.BooleanField(default=False)
    # The person asked for this very message that moment (a sign-in code).
    requested_by_recipient = models.BooleanField(default=False)
    content = models.TextField(null=True, blank=True)
    attempt = models.JSONField()
    facts = models.JSONField()
    decision = models.CharField(max_length=5, choices=VERDICT_CHOICES)
    categories = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    next_allowed_at = models.DateTimeField(null=True, blank=True)
    pack = models.CharField(max_length=32)
    pack_version = models.CharField(max_length=32)
    # The SHA-256 of the rules that decided (the shipped pack with any override in force):
    # the version is what a pack declares, this is what it was. Empty on permits from
    # before it was recorded.
    pack_digest = models.CharField(max_length=64, blank=True, default="")
    verification_code = models.CharField(max_length=8, unique=True)
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["recipient", "requested_at"]),
            # A day's or a week's permits: the oversight roll-ups and their records, the
            # team page. Without it each is a scan of every permit ever asked for.
            models.Index(fields=["requested_at"], name="contact_attempt_requested_at"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.channel} permit {self.verification_code}"

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"


class AttemptKey(models.Model):
    """The keys of a permit that are unique across every month: its id, permit id and code.

    On PostgreSQL attempts are partitioned by month (ADR 0019), and a partitioned table's
    unique constraints must include the month; so these are kept here, written by a
    trigger in the same statement as the attempt, and the foreign keys to attempts point
    here. On SQLite the attempts' own constraints hold and this table stays empty.
    """

    attempt = models.OneToOneField(
        ContactAttempt,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    permit_id = models.UUIDField(unique=True)
    verification_code = models.CharField(max_length=8, unique=True)

    class Meta:
        verbose_name = _("permit key")
        verbose_name_plural = _("permit keys")

    def __str__(self) -> str:
        return f"keys of permit {self.verification_code}"


class ContactOutcome(AppendOnlyModel):
    """How a permitted contact ended, reported once by whoever made it."""

    attempt = models.OneToOneField(ContactAttempt, on_delete=models.PROTECT, related_name="outcome")
    outcome = models.CharField(max_length=10, choices=OUTCOME_CHOICES)
    permanent_failure = models.BooleanField(default=False)
    reported_at = models.DateTimeField()
    reported_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("contact outcome")
        verbose_name_plural = _("contact outcomes")

    def __str__(self) -> str:
        return f"{self.outcome} for {self.attempt_id}"


class OutboxCall(models.Model):
    """A call the demo's fake dialer 'placed' (`channels/outbox.py`); the number is masked."""

    to = models.CharField(max_length=20, help_text="The number called, masked.")
    verification_code = models.CharField(max_length=8)
    purpose = models.CharField(max_length=12)
    language = models.CharField(max_length=8)
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outbox call")
        verbose_name_plural = _("outbox calls")
        ordering: ClassVar[list[str]] = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return f"call {self.verification_code} at {self.placed_at:%Y-%m-%d %H:%M}"


class CertificationSuspension(AppendOnlyModel):
    """From `suspended_at`, the collector's certificates no longer count.

    A certificate recorded later (a passed re-quiz, or compliance certifying again) counts
    again: suspension is lifted by a new certificate, never by editing this row.
    """

    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suspensions"
    )
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=80)
    suspended_at = models.DateTimeField()
    suspended_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("certification suspension")
        verbose_name_plural = _("certification suspensions")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["collector", "suspended_at"])]

    def __str__(self) -> str:
        return f"suspension of {self.collector_id}"

"""Consent records: notices people agreed to, consent events, emergency contacts, refusals.

Notices and their translations are versioned and never edited: a new text is a new version.
Consent events are append-only (grant, withdraw); the consent in force is derived from the
latest event (`tactful.consent.selectors`), never stored. An emergency contact is a person
the borrower named: the number is kept encrypted, found by its blind index.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.borrowers.models import Borrower


class ConsentPurpose(models.TextChoices):
    OWN_NUMBER_CONTACT = "own_number_contact", _("Contact about my loans on my own numbers")
    DESIGNATE_EMERGENCY_CONTACT = "designate_emergency_contact", _("Naming an emergency contact")
    LOCATE_VIA_EMERGENCY_CONTACT = (
        "locate_via_emergency_contact",
        _("Asking my emergency contacts to help reach me"),
    )
    CHANNEL_SMS = "channel_sms", _("Text messages")
    CHANNEL_EMAIL = "channel_email", _("E-mail")
    CHANNEL_PUSH = "channel_push", _("Push notifications")
    AUTO_DEBIT = "auto_debit", _("Automatic repayment from my account")
    AGENCY_SHARING = "agency_sharing", _("Sharing my data with a named collection agency")
    EMERGENCY_CONTACT = "emergency_contact", _("Being someone's emergency contact")


class Subject(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")


class Action(models.TextChoices):
    GRANT = "grant", _("Given")
    WITHDRAW = "withdraw", _("Withdrawn")


class ConsentChannel(models.TextChoices):
    PORTAL = "portal", _("Borrower portal")
    SMS_LINK = "sms_link", _("Link in a text message")
    API = "api", _("Lender's system")
    PUBLIC_PAGE = "public_page", _("Public page")


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    SPOUSE = "spouse", _("Spouse or partner")
    SIBLING = "sibling", _("Brother or sister")
    CHILD = "child", _("Child")
    FRIEND = "friend", _("Friend")
    COLLEAGUE = "colleague", _("Colleague")
    OTHER = "other", _("Other")


class NoticeVersion(AppendOnlyModel):
    """One version of the notice shown before consent to `purpose` is asked for."""

    purpose = models.CharField(max_length=40, choices=ConsentPurpose.choices)
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["purpose", "version"], name="one_notice_version")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version}"


class NoticeTranslation(AppendOnlyModel):
    """The exact words of a notice version in one language (zh-hans, zh-hant, en)."""

    notice = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="translations")
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        verbose_name = _("notice translation")
        verbose_name_plural = _("notice translations")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["notice", "language"], name="one_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.notice} [{self.language}]"


class EmergencyContact(models.Model):
    """A person a borrower named as an emergency contact, at one number.

    The number is stored encrypted (`phone_encrypted`) and found by `phone_index`. Removal
    by the borrower sets `removed_at`; the row stays for the contact history.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="emergency_contacts"
    )
    relationship = models.CharField(max_length=12, choices=Relationship.choices)
    name_encrypted = models.TextField(blank=True)
    phone_encrypted = models.TextField()
    phone_index = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(max_length=20)
    time_zone = models.CharField(max_length=64, null=True, blank=True)
    language = models.CharField(max_length=8, default="zh-hans")
    designated_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    # Where the pack requires it, the contact's own acceptance, checked by the gate; the
    # invitation link carries this token (a keyed digest of it is compared, see services).
    invitation_digest = models.CharField(max_length=64, unique=True)
    # When the invitation went out; None while the gate has not let it out yet (quiet
    # hours), and then `invitation_due_at` says when it will be tried again.
    invited_at = models.DateTimeField(null=True, blank=True)
    invitation_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["borrower", "phone_index"],
                condition=Q(removed_at__isnull=True),
                name="one_designation_per_number",
            )
        ]

    def __str__(self) -> str:
        return f"emergency contact {self.reference}"


class ConsentEvent(AppendOnlyModel):
    """One grant or withdrawal of consent, with the notice version and language shown.

    `evidence` records how the person was identified (e.g. ``{"method": "sign_in_code"}``)
    and never holds personal data.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="consent_events")
    emergency_contact = models.ForeignKey(
        EmergencyContact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_events",
    )
    purpose = models.CharField(max_length=40, choices=ConsentPurpose.choices)
    # What the consent is limited to: the agency's name for agency sharing, else empty.
    scope = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    notice = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="events")
    language = models.CharField(max_length=8)
    channel = models.CharField(max_length=12, choices=ConsentChannel.choices)
    evidence = models.JSONField(default=dict)
    recorded_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["borrower", "purpose", "recorded_at"]),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(subject="borrower", emergency_contact__isnull=True)
                | Q(subject="emergency_contact", emergency_contact__isnull=False),
                name="consent_subject_matches",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.purpose} {self.reference}"


class NumberRefusal(AppendOnlyModel):
    """A person refused to be anyone's emergency contact: permanent, for every borrower.

    Only the blind index of the number is kept, enough to enforce the refusal.
    """

    phone_index = models.CharField(max_length=64, db_index=True)
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("number refusal")
        verbose_name_plural = _("number refusals")

    def __str__(self) -> str:
        return f"refusal {self.pk}"


class VerificationLookup(models.Model):
    """One look-up on the public verification page, kept for rate limiting only.

    `client_digest` is a keyed digest of the client address; nothing else is stored.
    """

    client_digest = models.CharField(max_length=64)
    looked_up_at = models.DateTimeField()
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("verification lookup")
        verbose_name_plural = _("verification lookups")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["client_digest", "looked_up_at"])
        ]

    def __str__(self) -> str:
        return f"look-up {self.pk}"

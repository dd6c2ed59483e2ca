"""Data subjects' rights requests (PIPL arts. 44-47): what was asked, and each step.

Requests are append-only; their status is that of their latest `RightsRequestEvent`
(`tactful.rights.selectors`). The tables keep the names they had in the consent app.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel
from tactful.borrowers.models import Borrower


class RightsKind(models.TextChoices):
    ACCESS = "access", _("See my data")
    EXPORT = "export", _("Download my data")
    CORRECTION = "correction", _("Correct my data")
    ERASURE = "erasure", _("Erase my data")
    STOP_CONTACT = "stop_contact", _("Stop all contact")


class RightsSubject(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    # Anyone else at a number Tactful knows (an emergency contact, someone who got a
    # message), identified by a one-time code sent to that number.
    THIRD_PARTY = "third_party", _("Someone at a number we hold")


class RightsStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PARTLY_ERASED = "partly_erased", _("Erased in part; the rest is scheduled")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")


class RightsRequest(AppendOnlyModel):
    """A data subject's request under PIPL arts. 44-47; its status comes from its events.

    A correction keeps the field named and the corrected value and note, encrypted, for
    staff to act on; the purge blanks them when the borrower's records are erased.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(
        max_length=12, choices=RightsSubject.choices, default=RightsSubject.BORROWER
    )
    borrower = models.ForeignKey(
        Borrower,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rights_requests",
    )
    # A third party's request names only the blind index of their number.
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    kind = models.CharField(max_length=12, choices=RightsKind.choices)
    field = models.CharField(max_length=20, blank=True)
    value_encrypted = models.TextField(blank=True)
    note_encrypted = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=80)
    # How the lender identified the borrower when it passed the request on through the API
    # (`{"method", "reference"}`, a fixed shape that cannot hold personal data); empty for
    # requests made in the portal, where the sign-in is the evidence.
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        db_table = "consent_rightsrequest"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(subject="borrower", borrower__isnull=False)
                | (Q(subject="third_party", borrower__isnull=True) & ~Q(phone_index="")),
                name="rights_subject_matches",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} request {self.reference}"


class RightsRequestEvent(AppendOnlyModel):
    """One step of a rights request: received, erased in part, completed or rejected."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=16, choices=RightsStatus.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=80)
    # Why staff rejected the request, shown to the requester: staff's own words (never a
    # value of the person's data), so kept in clear; never logged or audited.
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("rights request event")
        verbose_name_plural = _("rights request events")
        db_table = "consent_rightsrequestevent"

    def __str__(self) -> str:
        return f"{self.status} {self.request_id}"

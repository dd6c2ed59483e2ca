"""One-time codes texted to a number; only keyed digests are kept (`tactful.privacy.digests`)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """What a code proves the holder of a number may do. A code serves its purpose only."""

    SIGN_IN = "sign_in", _("Sign in to the portal")
    PLAN_ACCEPTANCE = "plan_acceptance", _("Accept a repayment plan")
    THIRD_PARTY_RIGHTS = "third_party_rights", _("Use one's rights over a number")
    COMPLAINT_IDENTITY = "complaint_identity", _("Identify oneself in a complaint")


class OneTimeCode(models.Model):
    """A code asked for one number, for one purpose.

    Neither the number, the code nor the client address is stored: only keyed digests,
    enough to check a guess and to count requests. A row is made for every well-formed
    number, known or not, so the limits behave alike for all.
    """

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    phone_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64, blank=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one time code")
        verbose_name_plural = _("one time codes")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["phone_digest", "created_at"]),
            models.Index(fields=["client_digest", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"

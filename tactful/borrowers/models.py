from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.privacy.crypto import blind_index, blind_indexes
from tactful.privacy.fields import BlindIndexField, EncryptedTextField

# The same kind as consent's emergency-contact index, so one number has one index value.
PHONE_INDEX_KIND = "phone"
NATIONAL_ID_INDEX_KIND = "national_id"
MAX_ADDRESS_LENGTH = 200
# The fields of their record a borrower may ask to correct (PIPL art. 46), and the
# attribute each is kept under where the names differ.
CORRECTABLE_FIELDS = ("name", "national_id", "phone", "address", "language", "time_zone")
CORRECTION_ATTRIBUTES = {"language": "preferred_language", "time_zone": "timezone_override"}


def phone_index(e164: str) -> str:
    """Return the blind index a new row stores for the number `e164` (normalised E.164)."""
    return blind_index(PHONE_INDEX_KIND, e164)


def phone_indexes(e164: str) -> list[str]:
    """Return every index the number `e164` may be stored under: filter with ``__in``.

    Rows keep a previous index key's value until `rotate_pii_index_key` re-indexes them,
    and a refusal keeps its own for ever: an exact look-up on `phone_index` would miss them.
    """
    return blind_indexes(PHONE_INDEX_KIND, e164)


def national_id_index(national_id: str) -> str:
    """Return the blind index a new row stores for a normalised national ID."""
    return blind_index(NATIONAL_ID_INDEX_KIND, national_id)


def national_id_indexes(national_id: str) -> list[str]:
    """Return every index a normalised national ID may be stored under (see phone_indexes)."""
    return blind_indexes(NATIONAL_ID_INDEX_KIND, national_id)


class Language(models.TextChoices):
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")
    TRADITIONAL_CHINESE = "zh-hant", _("Traditional Chinese")
    ENGLISH = "en", _("English")


class Borrower(models.Model):
    """A person who owes money. Identified to integrators by their own `external_id`.

    Name, national ID and address are stored encrypted; `national_id_index` finds an exact ID.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=64, unique=True)
    name = EncryptedTextField()
    id_country = models.CharField(max_length=2)
    national_id = EncryptedTextField()
    national_id_index = BlindIndexField(
        source="national_id", kind=NATIONAL_ID_INDEX_KIND, db_index=True
    )
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.SIMPLIFIED_CHINESE
    )
    timezone_override = models.CharField(max_length=64, blank=True)
    # Optional postal address, as the lender sent it; encrypted like the name (an empty
    # one too, so the column does not tell who has an address).
    address = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")

    def __str__(self) -> str:
        return f"Borrower {self.external_id}"

    @property
    def time_zone(self) -> str | None:
        """The zone rules are evaluated in: the override, else the primary number's zone.

        None when the number's region spans several zones and nobody said which one:
        the gate then treats the time zone as unknown instead of guessing.
        """
        if self.timezone_override:
            return self.timezone_override
        primary = self.phone_numbers.filter(is_primary=True).first()
        return primary.time_zone if primary else None


class PhoneNumber(models.Model):
    """One of a borrower's own numbers: stored encrypted, found by `e164_index`."""

    borrower = models.ForeignKey(Borrower, on_delete=models.CASCADE, related_name="phone_numbers")
    e164 = EncryptedTextField()
    e164_index = BlindIndexField(source="e164", kind=PHONE_INDEX_KIND)
    region = models.CharField(max_length=2)
    time_zone = models.CharField(max_length=64, null=True, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["e164_index"], name="one_borrower_per_number"),
            models.UniqueConstraint(
                fields=["borrower"],
                condition=models.Q(is_primary=True),
                name="one_primary_number_per_borrower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.e164[:-4]}****"

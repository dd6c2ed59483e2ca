from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")
    TRADITIONAL_CHINESE = "zh-hant", _("Traditional Chinese")
    ENGLISH = "en", _("English")


class Borrower(models.Model):
    """A person who owes money. Identified to integrators by their own `external_id`."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    id_country = models.CharField(max_length=2)
    national_id = models.CharField(max_length=64)
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.SIMPLIFIED_CHINESE
    )
    timezone_override = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    borrower = models.ForeignKey(Borrower, on_delete=models.CASCADE, related_name="phone_numbers")
    e164 = models.CharField(max_length=20)
    region = models.CharField(max_length=2)
    time_zone = models.CharField(max_length=64, null=True, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["e164"], name="one_borrower_per_number"),
            models.UniqueConstraint(
                fields=["borrower"],
                condition=models.Q(is_primary=True),
                name="one_primary_number_per_borrower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.e164[:-4]}****"

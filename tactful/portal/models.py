from __future__ import annotations

from typing import ClassVar

from django.db import models


class SignInCode(models.Model):
    """A one-time code sent to a borrower's number. Neither the number nor the code is stored:
    both are kept as keyed digests, enough to check a guess and to rate-limit."""

    phone_digest = models.CharField(max_length=64)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["phone_digest", "created_at"])
        ]

    def __str__(self) -> str:
        return f"code {self.pk}"

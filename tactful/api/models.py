from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """The first response to a request made with an Idempotency-Key, replayed on retries.

    A row with no `status_code` is a claim: a request with this key is running, or
    crashed before it committed (then it left no effect, and the claim expires).
    """

    # Keys are account records (ADR 0017); the table is still `api_apikey`.
    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    body_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    # The exact bytes first sent, so a replay is identical whatever the database does to JSON.
    response_body = models.TextField(null=True)
    claim_token = models.UUIDField(null=True)
    claimed_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["api_key", "key"], name="one_request_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"

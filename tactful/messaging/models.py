from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A message the demo's fake gateway 'delivered': shown on the demo outbox page.

    ``to`` is the number masked ("131****6789"): the demo shows no more than that, so the
    table keeps no more either.
    """

    to = models.CharField(max_length=20, help_text="The recipient's number, masked.")
    body = models.TextField()
    purpose = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering: ClassVar[list[str]] = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} at {self.sent_at:%Y-%m-%d %H:%M}"

"""Quiz attempts and their results, append-only: what was asked, what was answered."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel


class QuizAttempt(AppendOnlyModel):
    """A quiz as it was set: each question's situation and the gate's answer to it.

    `questions` is a list of situations (see `services.situation_record`), each with
    ``allowed`` and the gate's reasons in every language of the pack.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    pack = models.CharField(max_length=32)
    pack_version = models.CharField(max_length=32)
    questions = models.JSONField()
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"quiz {self.reference}"


class QuizResult(AppendOnlyModel):
    attempt = models.OneToOneField(QuizAttempt, on_delete=models.PROTECT, related_name="result")
    answers = models.JSONField()
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    certificate_number = models.CharField(max_length=64, blank=True)
    graded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("quiz result")
        verbose_name_plural = _("quiz results")

    def __str__(self) -> str:
        return f"{self.correct}/{self.total} for {self.attempt_id}"

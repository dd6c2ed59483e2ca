"""How other packages read training: a collector's quizzes."""

from __future__ import annotations

from uuid import UUID

from tactful.accounts.models import User
from tactful.training.models import QuizAttempt


def quiz_of(collector: User, reference: UUID) -> QuizAttempt | None:
    """Return the quiz `reference` if it was set for `collector` (else None, as if absent)."""
    found = QuizAttempt.objects.filter(reference=reference, collector=collector)
    return found.select_related("result").first()


def recent_quizzes(collector: User, *, limit: int = 10) -> list[QuizAttempt]:
    found = QuizAttempt.objects.filter(collector=collector).select_related("result")
    return list(found[:limit])

"""Read-only admin: quizzes change only through the training services."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.training.models import QuizAttempt, QuizResult


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ("reference", "collector", "pack", "pack_version", "started_at")


@admin.register(QuizResult)
class QuizResultAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "correct", "total", "passed", "certificate_number", "graded_at")

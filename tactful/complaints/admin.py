from __future__ import annotations

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.complaints.models import (
    Attachment,
    CoachingTask,
    Complaint,
    ComplaintEvent,
    ComplaintHold,
    LinkedAttempt,
    Rating,
    Remediation,
    Reply,
    RuleProposal,
)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("number", "category", "channel", "status", "resolution", "due_on")
    list_filter = ("status", "category", "channel", "pack")
    # The description and digests may identify the complainant: not listed, not searched.
    exclude = ("complainant_digest", "source_digest", "submission_key")


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "kind", "actor", "at")


@admin.register(Remediation)
class RemediationAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "kind", "recorded_by", "recorded_at")


@admin.register(RuleProposal)
class RuleProposalAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "pack", "proposed_by", "proposed_at")


@admin.register(LinkedAttempt)
class LinkedAttemptAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "attempt")


@admin.register(ComplaintHold)
class ComplaintHoldAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "hold")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "content_type", "size_bytes")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "score", "rated_at")


@admin.register(CoachingTask)
class CoachingTaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("collector", "complaint", "finding", "created_at", "done_at")


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "kind", "requested_at", "send_at", "sent_at")
    # The question and the answer may name people: shown on the case page only.
    exclude = ("question", "answer")

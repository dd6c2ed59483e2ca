"""Read-only admin: casework's records change only through its services."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.casework.models import (
    Assignment,
    CallLog,
    CaseNote,
    MessageTemplate,
    ReviewDecision,
    TemplateApproval,
    TemplatedMessage,
)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "pack", "language", "audience", "written_by", "written_at")
    list_filter = ("pack", "language", "audience")


@admin.register(TemplateApproval)
class TemplateApprovalAdmin(ReadOnlyAdmin):
    list_display = ("template", "approved_by", "approved_at")


@admin.register(TemplatedMessage)
class TemplatedMessageAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "template")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("loan", "collector", "assigned_at", "assigned_by")


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyAdmin):
    list_display = ("loan", "written_by", "written_at")
    # A note may name people: the admin list does not show it.
    exclude = ("text",)


@admin.register(CallLog)
class CallLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "result", "logged_by", "logged_at")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("loan", "outcome", "decided_by", "decided_at")
    # The reason may name people: the admin list does not show it.

"""Read-only admin: recordings and what was found in them change only through the services."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.callqa.models import (
    Finding,
    FindingReview,
    Recording,
    Segment,
    SupervisorAlert,
    VulnerabilitySignal,
)


@admin.register(Recording)
class RecordingAdmin(ReadOnlyAdmin):
    list_display = ("reference", "uploaded_at", "status", "low_coverage", "engine", "uploaded_by")
    list_filter = ("status", "low_coverage")
    search_fields = ("reference", "attempt__verification_code")


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ("recording", "index", "start_seconds", "end_seconds")
    # The transcript may name people: the admin list does not show it.
    exclude = ("text",)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("recording", "category", "source", "score", "rule", "found_at")
    list_filter = ("category", "source")


@admin.register(FindingReview)
class FindingReviewAdmin(ReadOnlyAdmin):
    list_display = ("finding", "verdict", "reviewer", "reviewed_at")
    list_filter = ("verdict",)


@admin.register(VulnerabilitySignal)
class VulnerabilitySignalAdmin(ReadOnlyAdmin):
    list_display = ("recording", "kind", "hold", "heard_at")
    list_filter = ("kind",)
    exclude = ("evidence",)


@admin.register(SupervisorAlert)
class SupervisorAlertAdmin(ReadOnlyAdmin):
    list_display = ("signal", "raised_at", "acknowledged_at", "acknowledged_by")

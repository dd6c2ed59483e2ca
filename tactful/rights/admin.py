"""Read-only admin: rights requests change only through the services, by new events."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.rights.models import RightsRequest, RightsRequestEvent


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    # The corrected value and the note stay encrypted and out of the page.
    list_display = ("requested_at", "subject", "kind", "field", "borrower")
    list_filter = ("subject", "kind")
    exclude = ("value_encrypted", "note_encrypted")


@admin.register(RightsRequestEvent)
class RightsRequestEventAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "request", "status", "recorded_by")

"""Read-only admin: consent records change only through the services (and never in place)."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.consent.models import (
    ConsentEvent,
    EmergencyContact,
    NoticeTranslation,
    NoticeVersion,
    NumberRefusal,
    VerificationLookup,
)


@admin.register(NoticeVersion)
class NoticeVersionAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "version", "published_at")


@admin.register(NoticeTranslation)
class NoticeTranslationAdmin(ReadOnlyAdmin):
    list_display = ("notice", "language", "title")


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "subject", "purpose", "action", "channel", "language")
    list_filter = ("purpose", "action")


@admin.register(EmergencyContact)
class EmergencyContactAdmin(ReadOnlyAdmin):
    # The number shows masked only; the encrypted columns stay out of the page.
    list_display = ("reference", "borrower", "relationship", "phone_masked", "designated_at")
    exclude = ("name_encrypted", "phone_encrypted", "phone_index", "invitation_digest")


@admin.register(NumberRefusal)
class NumberRefusalAdmin(ReadOnlyAdmin):
    list_display = ("recorded_at", "source")


@admin.register(VerificationLookup)
class VerificationLookupAdmin(ReadOnlyAdmin):
    list_display = ("looked_up_at", "succeeded")

"""Read-only admin: permits, holds and the rest are changed only through the services."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.contacts.models import (
    AttemptKey,
    CertificationSuspension,
    CollectorCertification,
    ContactAttempt,
    ContactOutcome,
    Hold,
    HoldLift,
    OptOut,
    OutboxCall,
    Recipient,
)


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "role", "borrower", "created_at")
    list_filter = ("role",)
    search_fields = ("public_id", "borrower__external_id")


@admin.register(ContactAttempt)
class ContactAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "requested_at",
        "verification_code",
        "channel",
        "purpose",
        "decision",
        "categories",
        "pack",
        "requested_by",
    )
    list_filter = ("decision", "channel", "purpose", "pack")
    search_fields = ("verification_code", "permit_id", "loan__external_id")
    # The message text may name the person: the admin list shows no content.
    exclude = ("content",)


@admin.register(ContactOutcome)
class ContactOutcomeAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "outcome", "permanent_failure", "reported_at", "reported_by")
    list_filter = ("outcome", "permanent_failure")


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "loan", "recipient", "starts_at", "ends_at", "source")
    list_filter = ("kind",)


@admin.register(HoldLift)
class HoldLiftAdmin(ReadOnlyAdmin):
    list_display = ("hold", "lifted_at", "lifted_by")


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "source", "recorded_at", "recorded_by")


@admin.register(CollectorCertification)
class CollectorCertificationAdmin(ReadOnlyAdmin):
    list_display = ("collector", "certificate_number", "valid_from", "valid_until")
    search_fields = ("certificate_number", "collector__username")


@admin.register(OutboxCall)
class OutboxCallAdmin(ReadOnlyAdmin):
    list_display = ("verification_code", "purpose", "placed_at")


@admin.register(CertificationSuspension)
class CertificationSuspensionAdmin(ReadOnlyAdmin):
    list_display = ("collector", "source", "suspended_at", "suspended_by")


@admin.register(AttemptKey)
class AttemptKeyAdmin(ReadOnlyAdmin):
    list_display = ("attempt_id", "permit_id", "verification_code")
    search_fields = ("permit_id", "verification_code")

"""Read-only admin for help-to-repay: every table is append-only."""

from __future__ import annotations

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.repayment.models import (
    Acceptance,
    DebitAttempt,
    DebitMandate,
    DebitNotice,
    DebitResult,
    HardshipPause,
    MandateCancellation,
    MandateConsent,
    PauseResumption,
    PaymentRequest,
    PointsEntry,
    PromiseOutcome,
    PromiseToPay,
    RestructuringOffer,
)


@admin.register(RestructuringOffer)
class RestructuringOfferAdmin(ReadOnlyAdmin):
    list_display = ("reference", "loan", "months", "annual_rate", "apr", "priced_on", "expires_on")
    list_filter = ("months", "pack")
    search_fields = ("reference", "loan__external_id")


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("offer", "old_loan", "plan_loan", "accepted_on", "reage_mode", "confirmed_via")
    list_filter = ("reage_mode", "confirmed_via")


@admin.register(HardshipPause)
class HardshipPauseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "loan", "starts_on", "ends_on", "reason", "requested_via")
    list_filter = ("reason", "requested_via")
    search_fields = ("reference", "loan__external_id")


@admin.register(PauseResumption)
class PauseResumptionAdmin(ReadOnlyAdmin):
    list_display = ("pause", "resumes_on", "recorded_by", "recorded_at")


@admin.register(PromiseToPay)
class PromiseToPayAdmin(ReadOnlyAdmin):
    list_display = ("reference", "loan", "amount", "made_on", "due_on", "channel")
    list_filter = ("channel",)
    search_fields = ("reference", "loan__external_id")


@admin.register(PromiseOutcome)
class PromiseOutcomeAdmin(ReadOnlyAdmin):
    list_display = ("promise", "state", "paid", "decided_on")
    list_filter = ("state",)


@admin.register(MandateConsent)
class MandateConsentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "loan", "wording_version", "language", "given_via", "given_at")


@admin.register(DebitMandate)
class DebitMandateAdmin(ReadOnlyAdmin):
    # The processor's token stays out of the list: it is a credential to the account.
    list_display = ("reference", "loan", "account_hint", "max_amount", "debit_day", "created_at")
    exclude = ("account_token",)
    search_fields = ("reference", "loan__external_id")


@admin.register(MandateCancellation)
class MandateCancellationAdmin(ReadOnlyAdmin):
    list_display = ("mandate", "reason", "cancelled_by", "cancelled_at")
    list_filter = ("reason",)


@admin.register(DebitAttempt)
class DebitAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "idempotency_key",
        "loan",
        "installment_n",
        "attempt_no",
        "amount",
        "scheduled_on",
    )
    search_fields = ("idempotency_key", "loan__external_id")


@admin.register(DebitResult)
class DebitResultAdmin(ReadOnlyAdmin):
    list_display = ("attempt", "outcome", "failure_code", "permanent", "retry_on", "recorded_at")
    list_filter = ("outcome", "permanent")


@admin.register(DebitNotice)
class DebitNoticeAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "sent", "detail", "recorded_at")
    list_filter = ("kind", "sent")


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("borrower", "kind", "points", "on", "source")
    list_filter = ("kind",)


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "loan", "amount", "requested_at", "requested_by")
    search_fields = ("reference", "loan__external_id")

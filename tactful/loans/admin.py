from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.loans.models import DelinquencySnapshot, EntryKey, Installment, LedgerEntry, Loan


class InstallmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Installment
    extra = 0
    can_delete = False
    readonly_fields = ("n", "due_date", "principal", "interest", "paid_off_on")


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("external_id", "product", "principal", "currency", "disbursed_on")
    search_fields = ("external_id",)
    readonly_fields = ("reference",)
    inlines = (InstallmentInline,)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("loan", "kind", "value_date", "amount", "posted_by", "posted_at")
    list_filter = ("kind",)


@admin.register(DelinquencySnapshot)
class DelinquencySnapshotAdmin(ReadOnlyAdmin):
    list_display = ("loan", "as_of", "days_past_due", "bucket")
    list_filter = ("bucket",)


@admin.register(Installment)
class InstallmentAdmin(ReadOnlyAdmin):
    """The contractual schedule: fixed when the loan opens, `paid_off_on` derived."""

    list_display = ("loan", "n", "due_date", "principal", "interest", "paid_off_on")


@admin.register(EntryKey)
class EntryKeyAdmin(ReadOnlyAdmin):
    list_display = ("entry_id", "reference", "reverses_id")
    search_fields = ("reference",)

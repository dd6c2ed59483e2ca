from django.contrib import admin

from tactful.borrowers.models import Borrower, PhoneNumber


class PhoneNumberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PhoneNumber
    extra = 0


@admin.register(Borrower)
class BorrowerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("external_id", "preferred_language", "created_at")
    search_fields = ("external_id",)
    inlines = (PhoneNumberInline,)


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("borrower", "region", "is_primary", "created_at")
    list_filter = ("region", "is_primary")

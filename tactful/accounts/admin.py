from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tactful.accounts.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    # Where they work: deadlines and times on their pages are shown in this zone.
    fieldsets = (*(UserAdmin.fieldsets or ()), (None, {"fields": ("time_zone",)}))

from __future__ import annotations

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.treatments.models import DailyPlan, PlanCompletion, PlanEntry, StrategyVersion


@admin.register(StrategyVersion)
class StrategyVersionAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "pack", "recorded_at")


@admin.register(DailyPlan)
class DailyPlanAdmin(ReadOnlyAdmin):
    list_display = ("plan_date", "pack", "model_id", "planned_at", "created_by")


@admin.register(PlanEntry)
class PlanEntryAdmin(ReadOnlyAdmin):
    list_display = ("plan", "loan", "days_past_due", "treatment", "channel", "allowed_now")
    list_filter = ("treatment",)


@admin.register(PlanCompletion)
class PlanCompletionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "completed_at")

"""The staff page of the day's plan: counts per treatment, the grid, the rows with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tactful.accounts.roles import Role
from tactful.screening.reasons import describe
from tactful.screening.strategy import Band, Strategy, parse_strategy
from tactful.treatments import selectors
from tactful.treatments.models import DailyPlan, PlanEntry, Treatment
from tactful.treatments.tasks import build_nightly_plan
from tactful.web.access import staff_required

ROWS_SHOWN = 200
PLAN_READERS = (Role.COLLECTOR, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
PLAN_BUILDERS = (Role.SUPERVISOR, Role.ADMIN)
REASON_LANGUAGES = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


@dataclass(frozen=True)
class PlanRow:
    """One row of the plan as the page shows it."""

    entry: PlanEntry
    reasons: list[str]


@require_safe
@staff_required(*PLAN_READERS)
def plan_page(request: HttpRequest) -> HttpResponse:
    plan = selectors.latest_plan()
    context: dict[str, Any] = {
        "plan": plan,
        "can_build": _can_build(request),
        "building": selectors.plans_being_built(),
    }
    if plan is not None:
        context.update(_plan_context(plan, request.GET.get("treatment", "")))
    return render(request, "staff/plan/plan.html", context)


def _can_build(request: HttpRequest) -> bool:
    has_role = getattr(request.user, "has_role", None)
    return bool(has_role and has_role(*PLAN_BUILDERS))


def _plan_context(plan: DailyPlan, treatment: str) -> dict[str, Any]:
    chosen = treatment if treatment in Treatment.values else ""
    language = REASON_LANGUAGES.get((get_language() or "").lower(), "en")
    entries = selectors.plan_entries(plan, treatment=chosen or None)[:ROWS_SHOWN]
    return {
        "summary": plan.summary,
        "treatments": [(t, plan.summary.get(t.value, 0)) for t in Treatment],
        "chosen": chosen,
        "grid": _grid(plan),
        "top_reasons": [
            (describe(key, language), count) for key, count in selectors.reason_counts(plan)
        ],
        "rows": [PlanRow(e, selectors.reasons_in(e, language)) for e in entries],
        "rows_shown": ROWS_SHOWN,
    }


def _grid(plan: DailyPlan) -> dict[str, Any]:
    """Return the strategy table of the plan with each cell's treatment and account count."""
    strategy = parse_strategy(plan.strategy.text, source=str(plan.strategy))
    counts = selectors.treatment_grid(plan)
    labels = dict(Treatment.choices)
    rows = [
        {
            "range": _band_range(strategy, band),
            "cells": [
                {
                    "treatment": labels[strategy.table[(band.name, bucket.name)]],
                    "count": counts.get((band.name, bucket.name), 0),
                }
                for bucket in strategy.buckets
            ],
        }
        for band in strategy.bands
    ]
    return {"buckets": [bucket.name for bucket in strategy.buckets], "rows": rows}


def _band_range(strategy: Strategy, band: Band) -> str:
    """Return a band as its range of self-cure probability, e.g. "35%–65%"."""
    index = strategy.bands.index(band)
    upper = 100 if index == 0 else round(strategy.bands[index - 1].minimum * 100)
    return f"{round(band.minimum * 100)}%–{upper}%"


@require_POST
@staff_required(*PLAN_BUILDERS)
def build_plan(request: HttpRequest) -> HttpResponse:
    build_nightly_plan.enqueue()
    messages.info(request, _("Today's plan is being built. Reload this page in a moment."))
    return redirect("staff:plan")

"""Write paths: record the strategy in force, build the day's plan.

`build_daily_plan` is idempotent: a day's plan under a pack is built once; asking again
returns it. The pack is the configured one (GATE_PACK, tightened by GATE_PACK_OVERRIDE); the models
and the pack's strategy are read from the files shipped with Tactful.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.contacts.packs import configured_pack
from tactful.errors import Conflict
from tactful.screening.daily import PlanSettings, plan_day, plan_summary
from tactful.screening.model import ModelBundle, load_bundle
from tactful.screening.strategy import Strategy, strategy_for_pack
from tactful.treatments import selectors
from tactful.treatments.models import DailyPlan, PlanEntry, StrategyVersion

NIGHTLY_ACTOR = "system:nightly-plan"
ACCOUNT = "account"
AMOUNT_DUE = "amount_due"
BATCH_SIZE = 2000


@cache
def shipped_bundle() -> ModelBundle:
    """Return the model bundle shipped with Tactful, loaded once per process."""
    return load_bundle()


def record_strategy(*, strategy: Strategy, actor: str) -> StrategyVersion:
    """Return the stored version of `strategy`, storing it the first time it is used.

    A different text under a version already stored is refused: a strategy that changes
    must get a new version, or old plans could no longer be explained.
    """
    stored = StrategyVersion.objects.filter(name=strategy.name, version=strategy.version).first()
    if stored is not None:
        if stored.sha256 != strategy.sha256:
            raise Conflict(
                "strategy_changed_without_new_version",
                f"strategy {strategy.name} {strategy.version} changed; give it a new version",
            )
        return stored
    version = StrategyVersion.objects.create(
        name=strategy.name,
        version=strategy.version,
        pack=strategy.pack,
        sha256=strategy.sha256,
        text=strategy.text,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    payload = {"name": strategy.name, "version": strategy.version, "sha256": strategy.sha256}
    record_event(
        actor=actor, action="treatments.strategy_recorded", target=version, payload=payload
    )
    return version


def build_daily_plan(*, plan_date: date, at: datetime, actor: str) -> DailyPlan:
    """Build and store the plan of `plan_date` under the configured pack (or return it).

    Every loan overdue on `plan_date` is scored from its ledger, given its strategy
    treatment, and the gate's planner says whether that treatment's channel may reach
    the borrower at `at`, and when it next may.
    """
    pack = configured_pack()
    existing = DailyPlan.objects.filter(plan_date=plan_date, pack=pack.name).first()
    if existing is not None:
        return existing
    # Each pack has its own strategy (tactful/screening/strategies/<pack>.yaml); a pack
    # without one is refused with StrategyError naming the pack, before anything is stored.
    settings = PlanSettings(shipped_bundle(), strategy_for_pack(pack.name), pack)
    accounts = selectors.plan_accounts_frame(as_of=plan_date, at=at)
    # The amount due is for the collector's worklist, not the model: kept beside the plan.
    due = dict(zip(accounts.get_column(ACCOUNT), accounts.get_column(AMOUNT_DUE), strict=True))
    plan = plan_day(accounts.drop(AMOUNT_DUE), settings=settings, at=at)
    plan = plan.with_columns(pl.col(ACCOUNT).replace_strict(due, default=None).alias(AMOUNT_DUE))
    try:
        return _store(plan, settings=settings, plan_date=plan_date, at=at, actor=actor)
    except IntegrityError:
        # Another worker stored the same day's plan first: theirs stands.
        return DailyPlan.objects.get(plan_date=plan_date, pack=pack.name)


def _store(
    plan: pl.DataFrame, *, settings: PlanSettings, plan_date: date, at: datetime, actor: str
) -> DailyPlan:
    summary = plan_summary(plan)
    with transaction.atomic():
        strategy = record_strategy(strategy=settings.strategy, actor=actor)
        daily = DailyPlan.objects.create(
            plan_date=plan_date,
            pack=settings.pack.name,
            strategy=strategy,
            model_id=settings.bundle.model_id,
            planned_at=at,
            summary=summary,
            created_at=timezone.now(),
            created_by=actor,
        )
        entries = (_entry(daily, row) for row in plan.iter_rows(named=True))
        PlanEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        record_event(
            actor=actor,
            action="treatments.plan_built",
            target=daily,
            payload={
                "plan_date": plan_date.isoformat(),
                "model_id": settings.bundle.model_id,
                "strategy_version": settings.strategy.version,
                **summary,
            },
        )
    return daily


def _entry(daily: DailyPlan, row: dict[str, Any]) -> PlanEntry:
    return PlanEntry(
        plan=daily,
        loan_id=int(row["account"]),
        days_past_due=row["days_past_due"],
        bucket=row["bucket"],
        risk=row["risk"],
        self_cure=row["self_cure"],
        band=row["band"],
        treatment=row["treatment"],
        channel=row["channel"] or "",
        allowed_now=row["allowed_now"],
        next_allowed_at=row["next_allowed_at"],
        blocked_by=row["blocked_by"] or "",
        amount_due=Decimal(row[AMOUNT_DUE]) if row[AMOUNT_DUE] is not None else None,
        reasons=row["reasons"] or "",
    )

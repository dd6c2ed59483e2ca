"""Write paths: record the strategy in force, build the day's plan.

`build_daily_plan` is idempotent: a day's plan under a pack is built once; asking again
returns it. It is built in chunks (a batch run, `tactful.batches`) that several workers
may share, and only a plan whose every chunk is stored is complete (`PlanCompletion`).
The pack is the configured one (GATE_PACK, tightened by GATE_PACK_OVERRIDE); the models
and the pack's strategy are read from the files shipped with Tactful.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.batches import services as batches
from tactful.batches.lookups import among
from tactful.batches.models import BatchRun
from tactful.batches.services import Counts
from tactful.batches.tasks import enqueue_helpers
from tactful.contacts.packs import configured_pack
from tactful.errors import Conflict
from tactful.screening.daily import PlanSettings, plan_day, plan_summary
from tactful.screening.model import ModelBundle, load_bundle
from tactful.screening.strategy import TREATMENTS, Strategy, strategy_for_pack
from tactful.treatments import selectors
from tactful.treatments.models import DailyPlan, PlanCompletion, PlanEntry, StrategyVersion

NIGHTLY_ACTOR = "system:nightly-plan"
JOB = selectors.PLAN_JOB
# Loans per chunk: a chunk's reads are a fixed number of queries, its rows one insert.
CHUNK_SIZE = 2000
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


def build_daily_plan(
    *,
    plan_date: date,
    at: datetime,
    actor: str,
    chunk_size: int = CHUNK_SIZE,
    helpers: int = 0,
) -> DailyPlan:
    """Build and store the plan of `plan_date` under the configured pack (or return it).

    Every loan overdue on `plan_date` is scored from its ledger, given its strategy
    treatment, and the gate's planner says whether that treatment's channel may reach
    the borrower at `at`, and when it next may.

    The plan is a batch run over the overdue loans in chunks of `chunk_size`
    (`tactful.batches`): this process works on it and `helpers` task workers are asked to
    share it; a plan left half built (its workers killed) is picked up where it stopped.
    The plan returned is complete unless helpers are still on it.
    """
    plan, run = open_plan(plan_date=plan_date, at=at, actor=actor, chunk_size=chunk_size)
    if run is not None:
        enqueue_helpers(str(run.reference), helpers)
        batches.drain(run)
    return DailyPlan.objects.select_related("strategy", "completion").get(pk=plan.pk)


def open_plan(
    *, plan_date: date, at: datetime, actor: str, chunk_size: int = CHUNK_SIZE
) -> tuple[DailyPlan, BatchRun | None]:
    """Return the day's plan and the run building it (None once the plan is complete).

    A new plan's header, its strategy and its run are stored together: a plan is never
    without the run that builds it.
    """
    pack = configured_pack()
    existing = _plan_of(plan_date, pack.name)
    if existing is not None:
        return existing, _run_building(existing)
    # Each pack has its own strategy (tactful/screening/strategies/<pack>.yaml); a pack
    # without one is refused with StrategyError naming the pack, before anything is stored.
    strategy = strategy_for_pack(pack.name)
    try:
        with transaction.atomic():
            version = record_strategy(strategy=strategy, actor=actor)
            plan = DailyPlan.objects.create(
                plan_date=plan_date,
                pack=pack.name,
                strategy=version,
                model_id=shipped_bundle().model_id,
                planned_at=at,
                created_at=timezone.now(),
                created_by=actor,
            )
            run, _ = batches.open_run(
                job=JOB,
                key=_run_key(plan),
                items=lambda: selectors.overdue_loan_ids(as_of=plan_date),
                chunk_size=chunk_size,
                chunk_function=f"{__name__}.plan_chunk",
                finish_function=f"{__name__}.finish_plan",
                arguments={"plan": plan.pk, "actor": actor},
            )
    except IntegrityError:
        # Another worker opened the same day's plan first: share theirs.
        plan = DailyPlan.objects.get(plan_date=plan_date, pack=pack.name)
        return plan, _run_building(plan)
    return plan, run


def _plan_of(plan_date: date, pack: str) -> DailyPlan | None:
    plans = DailyPlan.objects.select_related("strategy", "completion")
    return plans.filter(plan_date=plan_date, pack=pack).first()


def _run_building(plan: DailyPlan) -> BatchRun | None:
    if plan.complete:
        return None
    return batches.unfinished_run(job=JOB, key=_run_key(plan))


def _run_key(plan: DailyPlan) -> str:
    return selectors.plan_run_key(plan.plan_date, plan.pack)


def plan_chunk(run: BatchRun, loan_ids: list[int]) -> Counts:
    """Plan one chunk of loans and store their rows; return the chunk's summary.

    Done twice, a chunk stores nothing the second time (one row per plan and loan).
    """
    plan = DailyPlan.objects.select_related("strategy").get(pk=run.arguments["plan"])
    settings = _settings_of(plan)
    accounts = selectors.accounts_frame_of(loan_ids, as_of=plan.plan_date, at=plan.planned_at)
    if accounts.height == 0:
        return {}
    # The amount due is for the collector's worklist, not the model: kept beside the plan.
    due = dict(zip(accounts.get_column(ACCOUNT), accounts.get_column(AMOUNT_DUE), strict=True))
    rows = plan_day(accounts.drop(AMOUNT_DUE), settings=settings, at=plan.planned_at)
    rows = rows.with_columns(pl.col(ACCOUNT).replace_strict(due, default=None).alias(AMOUNT_DUE))
    _store_entries(plan, [_entry_values(plan, row) for row in rows.iter_rows(named=True)])
    return dict(plan_summary(rows))


def _store_entries(plan: DailyPlan, entries: list[dict[str, Any]]) -> None:
    """Store a chunk's rows, leaving out any loan the plan has a row for already.

    On PostgreSQL the rows are copied in (`COPY`): a night's million rows spent half their
    storing time in Django building `INSERT` statements (docs/capacity.md). `COPY` has no
    `ON CONFLICT`, so the rows stored before are looked up first; a chunk that two workers
    do at once (a lease taken over from a worker thought dead) fails on the unique
    (plan, loan) in one of them, and the batch run tries that chunk again later.
    """
    if connection.vendor != "postgresql":
        PlanEntry.objects.bulk_create(
            (PlanEntry(**entry) for entry in entries),
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        return
    stored = set(
        PlanEntry.objects.filter(plan=plan)
        .filter(among("loan_id", [entry["loan_id"] for entry in entries]))
        .values_list("loan_id", flat=True)
    )
    fresh = [entry for entry in entries if entry["loan_id"] not in stored]
    if not fresh:
        return
    column_of = {field.attname: field.column for field in PlanEntry._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in fresh[0])
    table = connection.ops.quote_name(PlanEntry._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for entry in fresh:
            copy.write_row(tuple(entry.values()))


def _settings_of(plan: DailyPlan) -> PlanSettings:
    """The planner's settings the plan was opened with, checked against this process's."""
    pack = configured_pack()
    if pack.name != plan.pack:
        raise Conflict(
            "plan_pack_changed", f"plan {plan.pk} is of pack {plan.pack}, not {pack.name}"
        )
    strategy = strategy_for_pack(pack.name)
    bundle = shipped_bundle()
    if (strategy.sha256, bundle.model_id) != (plan.strategy.sha256, plan.model_id):
        # A worker on another release would plan with other rules than the plan says.
        raise Conflict("plan_settings_changed", f"plan {plan.pk} was opened with other settings")
    # A chunk's worker is one of several sharing the cores: each scores on one thread, so
    # the workers' scoring threads do not outnumber the cores and wait on each other.
    return PlanSettings(bundle, strategy, pack, threads=1)


def finish_plan(run: BatchRun, totals: Counts) -> None:
    """Mark the plan complete with its summary (in the run's finishing transaction)."""
    plan = DailyPlan.objects.select_related("strategy").get(pk=run.arguments["plan"])
    summary = {name: int(value) for name, value in totals.items()}
    for treatment in TREATMENTS:
        summary.setdefault(treatment, 0)
    for name in ("accounts", "contacts_avoided", "blocked_by_gate"):
        summary.setdefault(name, 0)
    PlanCompletion.objects.create(plan=plan, summary=summary, completed_at=timezone.now())
    record_event(
        actor=str(run.arguments.get("actor", NIGHTLY_ACTOR)),
        action="treatments.plan_built",
        target=plan,
        payload={
            "plan_date": plan.plan_date.isoformat(),
            "model_id": plan.model_id,
            "strategy_version": plan.strategy.version,
            **summary,
        },
    )


def _entry_values(daily: DailyPlan, row: dict[str, Any]) -> dict[str, Any]:
    """A plan row's fields (by name, in the order `_store_entries` copies them)."""
    return {
        "plan_id": daily.pk,
        "loan_id": int(row["account"]),
        "days_past_due": row["days_past_due"],
        "bucket": row["bucket"],
        "risk": row["risk"],
        "self_cure": row["self_cure"],
        "band": row["band"],
        "treatment": row["treatment"],
        "channel": row["channel"] or "",
        "allowed_now": row["allowed_now"],
        "next_allowed_at": row["next_allowed_at"],
        "blocked_by": row["blocked_by"] or "",
        "amount_due": Decimal(row[AMOUNT_DUE]) if row[AMOUNT_DUE] is not None else None,
        "reasons": row["reasons"] or "",
    }

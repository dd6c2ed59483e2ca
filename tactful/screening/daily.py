"""The day's plan: score every overdue account, pick its treatment, ask the gate's planner.

Steps (`plan_day`):
1. Compute the features of every account and its risk (probability of default next
   month) and self-cure probability, with the self-cure model's reason codes.
2. Give each account the treatment of its self-cure band and days-past-due bucket.
3. Ask the gate's batch planner (`tactful.policy.plan`) whether the treatment's channel
   may reach the borrower at `at`, and when it next may.

The plan never contacts anyone: at contact time the gate decides the real attempt again.
Accounts that are not overdue get no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from tactful.policy.packs import CompiledPack
from tactful.policy.plan import plan_accounts
from tactful.policy.types import CHANNELS
from tactful.screening.columns import BEHAVIOUR_COLUMNS
from tactful.screening.features import feature_matrix
from tactful.screening.model import ModelBundle
from tactful.screening.reasons import reason_weights, top_reason_keys
from tactful.screening.strategy import TREATMENTS, Strategy

ACCOUNT = "account"
DAYS_PAST_DUE = "days_past_due"
PLAN_COLUMNS = (
    "account",
    "days_past_due",
    "bucket",
    "risk",
    "self_cure",
    "band",
    "treatment",
    "channel",
    "allowed_now",
    "next_allowed_at",
    "blocked_by",
    "reasons",
)


@dataclass(frozen=True)
class PlanSettings:
    """The models, the strategy and the gate's pack a plan is made with."""

    bundle: ModelBundle
    strategy: Strategy
    pack: CompiledPack
    threads: int = 0


HOLDS = "holds"
UNDER_REVIEW = "under_review"
# A hardship hold (the borrower's own request, or a vulnerability signal heard in a call)
# sends the account to a supervisor whatever its score: pressure must stop first.
REVIEW_HOLDS = frozenset({"hardship"})


def plan_day(accounts: pl.DataFrame, *, settings: PlanSettings, at: datetime) -> pl.DataFrame:
    """Return one plan row per overdue account (columns: PLAN_COLUMNS).

    `accounts` holds ``account``, the behaviour columns (see `columns`) and the columns of
    the gate's accounts file (`tactful.policy.plan`), ``days_past_due`` among them.
    """
    if settings.strategy.pack != settings.pack.name:
        raise ValueError(
            f"strategy {settings.strategy.name} is for pack {settings.strategy.pack}, "
            f"not {settings.pack.name}"
        )
    overdue = accounts.filter(pl.col(DAYS_PAST_DUE).cast(pl.Int64) >= 1)
    scored = _scored(overdue, settings).with_columns(_under_review(overdue))
    treated = _treated(scored, settings.strategy)
    gate = plan_accounts(overdue.drop(BEHAVIOUR_COLUMNS), pack=settings.pack, at=at)
    return _with_gate(treated, gate)


def _scored(overdue: pl.DataFrame, settings: PlanSettings) -> pl.DataFrame:
    matrix = feature_matrix(overdue.select(BEHAVIOUR_COLUMNS))
    bundle = settings.bundle
    risk = bundle.risk.probability(matrix, threads=settings.threads)
    explained = bundle.self_cure.explain(matrix, threads=settings.threads)
    weights = reason_weights(explained.contributions, risk_sign=-1.0)
    return pl.DataFrame(
        {
            ACCOUNT: overdue.get_column(ACCOUNT).cast(pl.String),
            DAYS_PAST_DUE: overdue.get_column(DAYS_PAST_DUE).cast(pl.Int64),
            "risk": risk,
            "self_cure": explained.probability,
            "reasons": top_reason_keys(weights),
        },
        schema_overrides={"reasons": pl.String},
    )


def _under_review(overdue: pl.DataFrame) -> pl.Series:
    """Flag accounts under a hold that calls for a supervisor's eyes (see REVIEW_HOLDS)."""
    if HOLDS not in overdue.columns:
        return pl.Series(UNDER_REVIEW, [False] * overdue.height, dtype=pl.Boolean)
    kinds = overdue.get_column(HOLDS).cast(pl.String).fill_null("").str.split(";")
    flagged = kinds.list.eval(pl.element().str.strip_chars().is_in(sorted(REVIEW_HOLDS)))
    return flagged.list.any().fill_null(False).alias(UNDER_REVIEW)


def _treated(scored: pl.DataFrame, strategy: Strategy) -> pl.DataFrame:
    with_bands = scored.with_columns(
        strategy.band_expression(pl.col("self_cure")).alias("band"),
        strategy.bucket_expression(pl.col(DAYS_PAST_DUE)).alias("bucket"),
    )
    by_table = strategy.treatment_expression(pl.col("band"), pl.col("bucket"))
    with_treatment = with_bands.with_columns(
        pl.when(pl.col(UNDER_REVIEW)).then(pl.lit("review")).otherwise(by_table).alias("treatment")
    )
    return with_treatment.with_columns(
        strategy.channel_expression(pl.col("treatment")).alias("channel")
    )


def _with_gate(treated: pl.DataFrame, gate: pl.DataFrame) -> pl.DataFrame:
    joined = pl.concat([treated, gate.drop(ACCOUNT)], how="horizontal")
    allowed = pl.lit(None, dtype=pl.Boolean)
    later = pl.lit(None, dtype=pl.Datetime("us", "UTC"))
    for channel in CHANNELS:
        chosen = pl.col("channel") == channel
        allowed = pl.when(chosen).then(pl.col(f"{channel}_allowed")).otherwise(allowed)
        later = pl.when(chosen).then(pl.col(f"{channel}_next_allowed_at")).otherwise(later)
    return joined.select(
        *[c for c in PLAN_COLUMNS if c not in ("allowed_now", "next_allowed_at", "blocked_by")],
        allowed.alias("allowed_now"),
        later.alias("next_allowed_at"),
        pl.when(pl.col("channel").is_not_null())
        .then(pl.col("blocked_by"))
        .otherwise(pl.lit(""))
        .alias("blocked_by"),
    ).select(PLAN_COLUMNS)


def plan_summary(plan: pl.DataFrame) -> dict[str, int]:
    """Return counts per treatment, and how many contacts the plan avoids or the gate blocks.

    "Contacts avoided" counts overdue accounts the plan does not contact today (wait and
    review): under contact-everyone practice each of them would have been contacted.
    """
    counts: dict[str, int] = dict.fromkeys(TREATMENTS, 0)
    for treatment, count in plan.group_by("treatment").len().iter_rows():
        counts[str(treatment)] = int(count)
    counts["accounts"] = plan.height
    counts["contacts_avoided"] = counts["wait"] + counts["review"]
    counts["blocked_by_gate"] = plan.filter(pl.col("blocked_by") != "").height
    return counts

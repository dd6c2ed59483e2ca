"""From six months of repayment history to the model's features.

Every feature is a Polars expression over the behaviour columns (see `columns`), so a
million accounts are computed at once. Each feature carries the direction in which it
may move the risk, when that direction is known: more months late never lowers it.

Months are numbered 0 (most recent) to 5 (oldest). The payment of month k pays the bill
of month k + 1 (the statement before it), so payment ratios pair them that way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from tactful.screening.columns import (
    BILL_COLUMNS,
    LIMIT_COLUMN,
    MONTHS,
    PAYMENT_COLUMNS,
    STATUS_COLUMNS,
)

RECENT_MONTHS = 3
# A payment ratio above this tells nothing more (a tiny bill paid many times over).
RATIO_CAP = 5.0


@dataclass(frozen=True)
class Feature:
    """One model input: its name, its reason group and its known effect on risk.

    ``monotone`` is +1 when a larger value never lowers the risk, -1 when it never
    raises it, 0 when the data may decide. ``reason`` names the plain-words reason
    (see `reasons`) the feature's contribution counts towards.
    """

    name: str
    expression: pl.Expr
    reason: str
    monotone: int = 0


def _status(month: int) -> pl.Expr:
    return pl.col(STATUS_COLUMNS[month])


def _months_late(month: int) -> pl.Expr:
    # -2 (no bill), -1 (paid in full) and 0 (revolving) are all "not late".
    return pl.max_horizontal(_status(month), pl.lit(0.0))


def _bill(month: int) -> pl.Expr:
    return pl.col(BILL_COLUMNS[month])


def _paid(month: int) -> pl.Expr:
    return pl.col(PAYMENT_COLUMNS[month])


def _limit() -> pl.Expr:
    # A zero limit would divide by zero; a limit is never really below one unit.
    return pl.max_horizontal(pl.col(LIMIT_COLUMN), pl.lit(1.0))


def _share(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Return numerator / denominator, null when the denominator is not positive."""
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def _count(condition: Callable[[int], pl.Expr], months: range) -> pl.Expr:
    return pl.sum_horizontal(*[condition(month).cast(pl.Float64) for month in months])


def _streak(condition: Callable[[int], pl.Expr]) -> pl.Expr:
    """Return how many months in a row, from the most recent, meet `condition`."""
    running = pl.lit(1.0)
    parts = []
    for month in range(MONTHS):
        running = running * condition(month).cast(pl.Float64)
        parts.append(running)
    return pl.sum_horizontal(*parts)


def _mean(expressions: list[pl.Expr]) -> pl.Expr:
    return pl.mean_horizontal(*expressions)


def _payment_ratio(month: int) -> pl.Expr:
    return _share(_paid(month), _bill(month + 1)).clip(upper_bound=RATIO_CAP)


ALL_MONTHS = range(MONTHS)
RECENT = range(RECENT_MONTHS)
OLDER = range(RECENT_MONTHS, MONTHS)
PAID_MONTHS = range(MONTHS - 1)  # months whose bill before them is in the data


def _lateness_features() -> list[Feature]:
    per_month = [
        Feature(f"months_late_m{month}", _months_late(month), _recency(month), +1)
        for month in ALL_MONTHS
    ]
    flags = [
        Feature(f"paid_in_full_m{month}", (_status(month) == -1).cast(pl.Float64), "paid_in_full")
        for month in ALL_MONTHS
    ] + [
        Feature(f"no_bill_m{month}", (_status(month) == -2).cast(pl.Float64), "no_bill")
        for month in ALL_MONTHS
    ]
    summary = [
        Feature("late_months", _count(lambda m: _status(m) > 0, ALL_MONTHS), "late_history", +1),
        Feature(
            "late_months_recent", _count(lambda m: _status(m) > 0, RECENT), "recent_lateness", +1
        ),
        Feature(
            "seriously_late_months", _count(lambda m: _status(m) >= 2, ALL_MONTHS), "depth", +1
        ),
        Feature(
            "longest_delay",
            pl.max_horizontal(*[_months_late(m) for m in ALL_MONTHS]),
            "depth",
            +1,
        ),
        Feature(
            "longest_delay_recent",
            pl.max_horizontal(*[_months_late(m) for m in RECENT]),
            "recent_lateness",
            +1,
        ),
        Feature("late_streak", _streak(lambda m: _status(m) > 0), "late_streak", +1),
        Feature("on_time_streak", _streak(lambda m: _status(m) <= 0), "late_streak", -1),
        Feature(
            "lateness_trend",
            _months_late(0) - _mean([_months_late(m) for m in OLDER]),
            "lateness_trend",
        ),
    ]
    return per_month + flags + summary


def _recency(month: int) -> str:
    return "current_delay" if month == 0 else "recent_lateness" if month < 3 else "late_history"


def _utilisation(month: int) -> pl.Expr:
    return _bill(month) / _limit()


def _balance_features() -> list[Feature]:
    per_month = [
        Feature(f"utilisation_m{month}", _utilisation(month), "utilisation") for month in ALL_MONTHS
    ]
    utilisations = [_utilisation(month) for month in ALL_MONTHS]
    summary = [
        Feature("credit_limit", pl.col(LIMIT_COLUMN), "credit_limit", -1),
        Feature("utilisation_mean", _mean(utilisations), "utilisation"),
        Feature("utilisation_max", pl.max_horizontal(*utilisations), "utilisation"),
        Feature("utilisation_trend", utilisations[0] - utilisations[-1], "balance_growth"),
        Feature("bill_growth_recent", (_bill(0) - _bill(1)) / _limit(), "balance_growth"),
        Feature("bill", _bill(0), "utilisation"),
        Feature("bill_mean", _mean([_bill(m) for m in ALL_MONTHS]), "utilisation"),
        Feature("headroom", (pl.col(LIMIT_COLUMN) - _bill(0)) / _limit(), "utilisation"),
    ]
    return per_month + summary


def _payment_features() -> list[Feature]:
    ratios = [
        Feature(f"payment_ratio_m{month}", _payment_ratio(month), "payment_ratio")
        for month in PAID_MONTHS
    ]
    amounts = [Feature(f"paid_m{month}", _paid(month), "payment_size") for month in ALL_MONTHS]
    total_paid = pl.sum_horizontal(*[_paid(m) for m in ALL_MONTHS])
    total_billed = pl.sum_horizontal(*[_bill(m + 1) for m in PAID_MONTHS])
    left_after = [(_bill(m + 1) - _paid(m)) / _limit() for m in PAID_MONTHS]
    summary = [
        Feature(
            "payment_ratio_mean", _mean([_payment_ratio(m) for m in PAID_MONTHS]), "payment_ratio"
        ),
        Feature(
            "payment_ratio_recent",
            _mean([_payment_ratio(m) for m in RECENT]),
            "payment_ratio",
        ),
        Feature("paid_to_billed", _share(total_paid, total_billed), "payment_ratio"),
        Feature("paid_to_limit", total_paid / _limit(), "payment_size"),
        Feature("unpaid_months", _count(lambda m: _paid(m) <= 0, ALL_MONTHS), "missed_payments"),
        Feature("unpaid_streak", _streak(lambda m: _paid(m) <= 0), "missed_payments"),
        Feature("left_unpaid_recent", left_after[0], "payment_ratio"),
        Feature("left_unpaid_mean", _mean(left_after), "payment_ratio"),
        Feature(
            "payment_trend",
            _mean([_paid(m) for m in RECENT]) - _mean([_paid(m) for m in OLDER]),
            "payment_size",
        ),
    ]
    return ratios + amounts + summary


FEATURES: tuple[Feature, ...] = (
    *_lateness_features(),
    *_balance_features(),
    *_payment_features(),
)
FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES)
MONOTONE: tuple[int, ...] = tuple(feature.monotone for feature in FEATURES)
REASON_OF: dict[str, str] = {feature.name: feature.reason for feature in FEATURES}


def feature_frame(behaviour: pl.DataFrame) -> pl.DataFrame:
    """Return the features of every row of `behaviour` (the behaviour columns, as floats)."""
    typed = behaviour.with_columns(
        pl.col(column).cast(pl.Float64) for column in _behaviour_columns()
    )
    return typed.select(feature.expression.alias(feature.name) for feature in FEATURES)


def feature_matrix(behaviour: pl.DataFrame) -> np.ndarray:
    """Return the features as a float32 matrix, missing values as NaN, in FEATURE_NAMES order."""
    return feature_frame(behaviour).select(pl.all().cast(pl.Float32)).to_numpy()


def late_now(behaviour: pl.DataFrame) -> np.ndarray:
    """Return which accounts are late in the most recent month (``PAY_0`` >= 1)."""
    return (behaviour.get_column(STATUS_COLUMNS[0]) >= 1).to_numpy()


def _behaviour_columns() -> tuple[str, ...]:
    return (LIMIT_COLUMN, *STATUS_COLUMNS, *BILL_COLUMNS, *PAYMENT_COLUMNS)

"""Days past due for many loans at once, as Polars expressions.

The batch path answers the same question as ``delinquency.days_past_due`` for a
whole portfolio: one pass groups the installments by loan and takes the oldest
overdue due date, so a million loans take well under two seconds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from tactful.money.delinquency import DEFAULT_BUCKETS, BucketScheme
from tactful.money.ledger import InstallmentState

INSTALLMENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "loan_id": pl.Int64,
    "due_date": pl.Date,
    "paid_off_on": pl.Date,
}

ZERO = Decimal(0)
# The frame carries dates only, so each row stands for an installment of one unit.
NOMINAL_AMOUNT = Decimal(1)


def days_past_due_frame(
    installments: pl.DataFrame, as_of: date, scheme: BucketScheme = DEFAULT_BUCKETS
) -> pl.DataFrame:
    """Return one row per loan with its ``days_past_due`` and ``bucket`` on ``as_of``.

    ``installments`` has columns ``loan_id`` (Int64), ``due_date`` (Date) and
    ``paid_off_on`` (Date, null while unpaid). Loans with nothing overdue get 0
    days and the bucket of 0. Rows come out sorted by ``loan_id``.
    """
    _check_schema(installments)
    oldest_overdue = pl.col("due_date").filter(overdue_expression(as_of)).min()
    days = (pl.lit(as_of) - pl.col("oldest_overdue")).dt.total_days().fill_null(0)
    return (
        installments.lazy()
        .group_by("loan_id")
        .agg(oldest_overdue.alias("oldest_overdue"))
        .select("loan_id", days.alias("days_past_due"))
        .with_columns(bucket_expression(pl.col("days_past_due"), scheme).alias("bucket"))
        .sort("loan_id")
        .collect()
    )


def overdue_expression(as_of: date) -> pl.Expr:
    """Return the per-installment test of ``delinquency.is_past_due`` as an expression."""
    unpaid_then = pl.col("paid_off_on").is_null() | (pl.col("paid_off_on") > as_of)
    return (pl.col("due_date") < as_of) & unpaid_then


def bucket_expression(days: pl.Expr, scheme: BucketScheme = DEFAULT_BUCKETS) -> pl.Expr:
    """Return the label of the bucket holding ``days``, as a String expression."""
    # Built from the open-ended last bucket backwards, so each step only tests its upper bound.
    expression: pl.Expr = pl.lit(scheme.buckets[-1].label, dtype=pl.String)
    for bucket in reversed(scheme.buckets[:-1]):
        expression = (
            pl.when(days <= bucket.maximum).then(pl.lit(bucket.label)).otherwise(expression)
        )
    return expression


def installment_states_by_loan(installments: pl.DataFrame) -> dict[int, list[InstallmentState]]:
    """Turn the rows of a batch frame into installment states, per loan, in due order.

    This lets the per-loan Python path run on exactly the data the batch path
    sees. Amounts are nominal: one unit of principal, paid when ``paid_off_on``
    is set; ``days_past_due`` reads only the dates.
    """
    _check_schema(installments)
    ordered = installments.select(list(INSTALLMENT_SCHEMA)).sort("loan_id", "due_date")
    states: dict[int, list[InstallmentState]] = {}
    for loan_id, due_date, paid_off_on in ordered.iter_rows():
        loan_states = states.setdefault(loan_id, [])
        loan_states.append(_nominal_state(len(loan_states) + 1, due_date, paid_off_on))
    return states


def _nominal_state(n: int, due_date: date, paid_off_on: date | None) -> InstallmentState:
    return InstallmentState(
        n=n,
        due_date=due_date,
        fees_due=ZERO,
        interest_due=ZERO,
        principal_due=NOMINAL_AMOUNT,
        fees_paid=ZERO,
        interest_paid=ZERO,
        principal_paid=ZERO if paid_off_on is None else NOMINAL_AMOUNT,
        paid_off_on=paid_off_on,
    )


def _check_schema(installments: pl.DataFrame) -> None:
    schema = installments.schema
    for name, dtype in INSTALLMENT_SCHEMA.items():
        if name not in schema:
            raise ValueError(f"installments frame lacks column {name!r}")
        if schema[name] != dtype:
            raise ValueError(f"column {name!r} must be {dtype}, got {schema[name]}")

"""Time days past due for a synthetic portfolio: the Polars batch path against per-loan Python.

Run from the repository root:

    .venv/bin/python benchmarks/ledger_bench.py [--loans 1000000] [--sample 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

# benchmarks/ is not a package; make `tactful` importable when run as a script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import polars as pl  # noqa: E402

from tactful.money import (  # noqa: E402
    DEFAULT_BUCKETS,
    InstallmentState,
    days_past_due,
    days_past_due_frame,
    installment_states_by_loan,
)

INSTALLMENTS_PER_LOAN = 12
AS_OF = date(2026, 6, 30)
FIRST_START_MONTH = 2025 * 12  # January 2025, as a month count
START_MONTH_SPREAD = 18  # loans start between January 2025 and June 2026

T = TypeVar("T")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the benchmark size and seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def uniform(expression: pl.Expr, seed: int, below: int) -> pl.Expr:
    """Return a deterministic pseudo-random integer in [0, below) derived from ``expression``."""
    return (expression.hash(seed) % below).cast(pl.Int64)


def synthetic_installments(loans: int, seed: int) -> pl.DataFrame:
    """Build ``loans`` × 12 monthly installments with a realistic mix of payers.

    70% pay on or a few days before the due date, 15% pay late (up to 45 days),
    10% stop paying at some installment and 5% never pay. Payments after AS_OF
    are unknown on that day, so they are left null.
    """
    row = pl.int_range(0, loans * INSTALLMENTS_PER_LOAN, dtype=pl.Int64)
    loan = pl.col("loan_id")
    frame = pl.select(
        loan_id=row // INSTALLMENTS_PER_LOAN, n=row % INSTALLMENTS_PER_LOAN + 1, row=row
    )
    month = FIRST_START_MONTH + uniform(loan, seed, START_MONTH_SPREAD) + pl.col("n")
    due_date = pl.date(month // 12, month % 12 + 1, uniform(loan, seed + 1, 28) + 1)
    return frame.with_columns(
        due_date=due_date,
        profile=uniform(loan, seed + 2, 100),
        stop_at=uniform(loan, seed + 3, INSTALLMENTS_PER_LOAN) + 1,
        jitter=uniform(pl.col("row"), seed + 4, 46),
    ).select("loan_id", "due_date", paid_off_on=known_by_as_of(payment_date()))


def payment_date() -> pl.Expr:
    """Return when each installment gets paid, by the loan's payer profile; null if never."""
    early = pl.col("due_date") - pl.duration(days=pl.col("jitter") % 6)
    late = pl.col("due_date") + pl.duration(days=pl.col("jitter"))
    still_paying = pl.col("n") < pl.col("stop_at")
    return (
        pl.when(pl.col("profile") < 70)
        .then(early)
        .when(pl.col("profile") < 85)
        .then(late)
        .when((pl.col("profile") < 95) & still_paying)
        .then(early)
        .otherwise(None)
    )


def known_by_as_of(paid_on: pl.Expr) -> pl.Expr:
    """Forget payments after AS_OF: on that day they have not happened yet."""
    return pl.when(paid_on <= AS_OF).then(paid_on)


def best_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    """Return the fastest wall time of ``runs`` calls and the last result."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def python_path(states: dict[int, list[InstallmentState]]) -> dict[int, tuple[int, str]]:
    """Compute days past due and bucket loan by loan, the way the web app does for one loan."""
    result = {}
    for loan_id, loan_states in states.items():
        days = days_past_due(loan_states, AS_OF)
        result[loan_id] = (days, DEFAULT_BUCKETS.bucket_for(days).label)
    return result


def sample_ids(loans: int, sample: int, seed: int) -> pl.DataFrame:
    """Pick ``sample`` loan ids at random, reproducibly, as a one-column frame to join on."""
    ids = pl.int_range(0, loans, dtype=pl.Int64, eager=True).alias("loan_id")
    return ids.sample(n=min(sample, loans), seed=seed).to_frame()


def peak_rss_mib() -> float:
    """Return the peak resident memory of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; return 1 if the two paths disagree."""
    args = parse_args(argv)
    print(f"generating {args.loans:,} loans × {INSTALLMENTS_PER_LOAN} installments …", flush=True)
    generation, installments = best_of(1, lambda: synthetic_installments(args.loans, args.seed))
    print(f"  {installments.height:,} rows in {generation:.2f} s", flush=True)

    print("batch path (Polars), best of 3 …", flush=True)
    batch_seconds, batch = best_of(3, lambda: days_past_due_frame(installments, AS_OF))

    print(f"per-loan Python path on a sample of {args.sample:,} loans …", flush=True)
    ids = sample_ids(args.loans, args.sample, args.seed)
    sampled = installments.join(ids, on="loan_id", how="semi")
    setup_seconds, states = best_of(1, lambda: installment_states_by_loan(sampled))
    python_seconds, per_loan = best_of(1, lambda: python_path(states))

    expected = {
        loan_id: (days, bucket)
        for loan_id, days, bucket in batch.join(ids, on="loan_id", how="semi").iter_rows()
    }
    agree = expected == per_loan
    batch_rate = args.loans / batch_seconds
    python_rate = len(per_loan) / python_seconds
    print(f"loans                 {args.loans:,}")
    print(f"batch seconds         {batch_seconds:.3f}")
    print(f"batch loans/s         {batch_rate:,.0f}")
    print(f"python loans/s        {python_rate:,.0f}")
    print(f"batch/python ratio    {batch_rate / python_rate:,.1f}×")
    print(f"python rows→states    {len(states) / setup_seconds:,.0f} loans/s (not in the ratio)")
    print(f"sample agrees         {agree} ({len(per_loan):,} loans)")
    counts = Counter(dict(batch.group_by("bucket").len().iter_rows()))
    for bucket in DEFAULT_BUCKETS.buckets:
        print(f"bucket {bucket.label:<6} {counts[bucket.label]:>12,}")
    print(f"peak RSS              {peak_rss_mib():,.0f} MiB")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the risk models and the nightly plan: accuracy, speed and memory.

Run from the repository root (the data lies beside the checkout, in ../shared)::

    .venv/bin/python benchmarks/screening_bench.py
    .venv/bin/python benchmarks/screening_bench.py --accounts 200000   # a quicker run

Three stages, each in a fresh process so that each one's peak memory is its own:

1. cross-validation: train both models on train.csv (5-fold stratified, seed 2005) and
   report the risk model's out-of-fold ROC AUC and KS, and the self-cure model's;
2. scoring: features and the calibrated risk of N accounts (rows of train.csv drawn with
   replacement), reported in accounts per second (target: 200,000/s);
3. nightly plan: N overdue accounts end to end through `tactful.screening.daily.plan_day`
   (features, both models, TreeSHAP reason codes, strategy, the gate's batch planner)
   and the plan written to Parquet (target: under 60 s). The accounts are rows of
   train.csv late in their last month, drawn with replacement, with invented gate facts
   (four zones, 2% on hold, 1% opted out, today's call counts).

Figures are printed and drawn into benchmarks/output/screening_bench.png.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "uci_credit_default" / "train.csv"
OUTPUT = Path(__file__).resolve().parent / "output"
AT = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Taipei")
TARGET_SCORING_RATE = 200_000
TARGET_PLAN_SECONDS = 60.0


def peak_rss_mib() -> float:
    """Return this process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(message: str) -> None:
    print(message, flush=True)


# --- stage 1: cross-validation --------------------------------------------------------------


def cross_validation(_accounts: int) -> dict[str, Any]:
    from tactful.screening.dataset import read_accounts
    from tactful.screening.training import train_bundle

    started = time.perf_counter()
    bundle = train_bundle(
        read_accounts(DATA, need_outcome=True),
        source_name=DATA.name,
        trained_at="benchmark",
        progress=lambda message: say(f"  {message}"),
    )
    models = bundle.metadata["models"]
    return {
        "seconds": time.perf_counter() - started,
        "risk_auc": models["risk"]["cross_validated"]["roc_auc"],
        "risk_ks": models["risk"]["cross_validated"]["ks"],
        "risk_brier": models["risk"]["cross_validated"]["brier"],
        "self_cure_auc": models["self_cure"]["cross_validated"]["roc_auc"],
        "self_cure_ks": models["self_cure"]["cross_validated"]["ks"],
    }


# --- stage 2: scoring -----------------------------------------------------------------------


def drawn_behaviour(accounts: int, *, late_only: bool = False, seed: int = 7) -> pl.DataFrame:
    """Return `accounts` rows of train.csv's behaviour columns, drawn with replacement."""
    from tactful.screening.dataset import read_accounts

    behaviour = read_accounts(DATA).behaviour
    if late_only:
        behaviour = behaviour.filter(pl.col("PAY_0") >= 1)
    picks = np.random.default_rng(seed).integers(0, behaviour.height, accounts)
    return behaviour[picks]


def scoring(accounts: int) -> dict[str, Any]:
    from tactful.screening.features import feature_matrix
    from tactful.screening.model import load_bundle

    bundle = load_bundle()
    behaviour = drawn_behaviour(accounts)
    say(f"  drew {accounts:,} accounts; scoring")
    started = time.perf_counter()
    scores = bundle.risk.probability(feature_matrix(behaviour))
    seconds = time.perf_counter() - started
    assert scores.shape == (accounts,)
    return {"seconds": seconds, "accounts_per_second": accounts / seconds}


# --- stage 3: the nightly plan --------------------------------------------------------------


def plan_input(accounts: int) -> pl.DataFrame:
    """Return overdue accounts with the behaviour and the gate's columns."""
    rng = np.random.default_rng(11)
    behaviour = drawn_behaviour(accounts, late_only=True)
    months = behaviour.get_column("PAY_0").to_numpy().astype(np.int64)
    days = (months - 1) * 30 + rng.integers(1, 31, accounts)
    return behaviour.with_columns(
        pl.Series("account", np.arange(accounts)).cast(pl.String),
        pl.Series("days_past_due", days),
        pl.Series("recipient_timezone", rng.choice(ZONES, accounts)),
        pl.Series("holds", np.where(rng.random(accounts) < 0.02, "complaint", "")),
        pl.Series("opted_out", np.where(rng.random(accounts) < 0.01, "true", "false")),
        pl.lit("true").alias("collector_certified"),
        pl.Series("calls_connected", rng.integers(0, 4, accounts)).cast(pl.String),
        pl.Series("calls_no_answer", rng.integers(0, 7, accounts)).cast(pl.String),
        pl.Series("calls_failed", rng.integers(0, 2, accounts)).cast(pl.String),
    )


def nightly_plan(accounts: int) -> dict[str, Any]:
    from tactful.policy import load_pack
    from tactful.screening.daily import PlanSettings, plan_day, plan_summary
    from tactful.screening.model import load_bundle
    from tactful.screening.strategy import load_strategy

    frame = plan_input(accounts)
    settings = PlanSettings(load_bundle(), load_strategy("cn"), load_pack("cn"))
    say(f"  prepared {accounts:,} overdue accounts; planning")
    started = time.perf_counter()
    plan = plan_day(frame, settings=settings, at=AT)
    with tempfile.TemporaryDirectory() as folder:
        plan.write_parquet(Path(folder) / "plan.parquet")
    seconds = time.perf_counter() - started
    summary = plan_summary(plan)
    return {"seconds": seconds, "accounts_per_second": accounts / seconds, **summary}


# --- running each stage in its own process --------------------------------------------------


def _child(stage: Callable[[int], dict[str, Any]], accounts: int, queue: Any) -> None:
    result = stage(accounts)
    result["peak_rss_mib"] = peak_rss_mib()
    queue.put(result)


def run_stage(name: str, stage: Callable[[int], dict[str, Any]], accounts: int) -> dict[str, Any]:
    say(f"{name} ...")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(stage, accounts, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def draw(results: dict[str, dict[str, Any]], accounts: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (speed, memory) = pyplot.subplots(1, 2, figsize=(10, 4))
    rate = results["scoring"]["accounts_per_second"]
    plan = results["nightly plan"]["seconds"]
    speed.bar(["scoring (k accounts/s)", "plan (s)"], [rate / 1000, plan], color="#3b7a57")
    speed.axhline(TARGET_SCORING_RATE / 1000, color="#b04a3b", linestyle="--", linewidth=1)
    speed.axhline(TARGET_PLAN_SECONDS, color="#b04a3b", linestyle=":", linewidth=1)
    speed.set_title(f"{accounts:,} accounts (dashed: 200k/s target, dotted: 60 s)", fontsize=9)
    names = list(results)
    memory.bar(names, [results[n]["peak_rss_mib"] for n in names], color="#4a6fa5")
    memory.set_title("peak resident memory (MiB)", fontsize=9)
    auc = results["cross-validation"]["risk_auc"]
    figure.suptitle(f"screening benchmark; cross-validated risk ROC AUC {auc:.4f}", fontsize=10)
    figure.tight_layout()
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / "screening_bench.png"
    figure.savefig(path, dpi=110)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    stages = {
        "cross-validation": cross_validation,
        "scoring": scoring,
        "nightly plan": nightly_plan,
    }
    results = {name: run_stage(name, stage, args.accounts) for name, stage in stages.items()}
    cv, score, plan = results["cross-validation"], results["scoring"], results["nightly plan"]
    say("")
    say(
        f"cross-validation: risk ROC AUC {cv['risk_auc']:.4f}, KS {cv['risk_ks']:.4f}, "
        f"Brier {cv['risk_brier']:.4f}; self-cure ROC AUC {cv['self_cure_auc']:.4f}, "
        f"KS {cv['self_cure_ks']:.4f}; {cv['seconds']:.1f} s, peak {cv['peak_rss_mib']:.0f} MiB"
    )
    say(
        f"scoring: {args.accounts:,} accounts in {score['seconds']:.2f} s = "
        f"{score['accounts_per_second']:,.0f} accounts/s (target {TARGET_SCORING_RATE:,}), "
        f"peak {score['peak_rss_mib']:.0f} MiB"
    )
    say(
        f"nightly plan: {args.accounts:,} accounts in {plan['seconds']:.1f} s "
        f"(target under {TARGET_PLAN_SECONDS:.0f} s), peak {plan['peak_rss_mib']:.0f} MiB; "
        f"wait {plan['wait']:,}, reminder {plan['reminder']:,}, offer {plan['offer']:,}, "
        f"call {plan['call']:,}, review {plan['review']:,}, blocked by the gate "
        f"{plan['blocked_by_gate']:,}"
    )
    say(f"chart: {draw(results, args.accounts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``tactful risk`` command: train, score and evaluate the risk and self-cure models.

``tactful risk train --data CSV --out DIR`` trains both models with cross-validation and
writes the bundle; ``tactful risk score --model DIR --input CSV --output CSV`` writes
``ID,score`` (score: the probability of default next month); ``tactful risk evaluate
--model DIR --input CSV`` prints the metrics. The input has the columns of the UCI data
(docs/screening.md). Bad input exits 2 with the column and row named.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tactful.screening.model import ModelBundle

USAGE_ERROR = 2
ML_MISSING = "the models need the ml extra: pip install 'tactful[ml]'"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``risk`` command and its ``train``, ``score`` and ``evaluate`` subcommands."""
    risk = subparsers.add_parser("risk", help="risk and self-cure models: train, score, evaluate")
    commands = risk.add_subparsers(dest="risk_command", metavar="COMMAND", required=True)
    train = commands.add_parser("train", help="train both models with 5-fold cross-validation")
    train.add_argument("--data", required=True, help="CSV with the columns of train.csv")
    train.add_argument("--out", required=True, help="directory to write the model bundle to")
    train.add_argument("--threads", type=int, default=0, help="LightGBM threads (0: all cores)")
    train.set_defaults(handler=handle_train)
    score = commands.add_parser("score", help="write ID,score for every account of a CSV")
    _add_model_argument(score)
    score.add_argument("--input", required=True, help="CSV with the columns of train.csv")
    score.add_argument("--output", required=True, help="CSV to write: ID,score")
    score.add_argument(
        "--reasons", action="store_true", help="add a reasons column (top reason codes)"
    )
    score.set_defaults(handler=handle_score)
    evaluate = commands.add_parser("evaluate", help="print the metrics of a model on a CSV")
    _add_model_argument(evaluate)
    evaluate.add_argument("--input", required=True, help="CSV with train.csv's columns, defaulted")
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of a table")
    evaluate.set_defaults(handler=handle_evaluate)


def _add_model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model directory (default: the model shipped with Tactful)")


def _refuse(command: str, message: object) -> int:
    print(f"tactful risk {command}: {message}", file=sys.stderr)
    return USAGE_ERROR


def handle_train(args: argparse.Namespace) -> int:
    """Train the bundle and write it to ``--out``; return the exit status."""
    try:
        from tactful.screening.dataset import InputError, read_accounts
        from tactful.screening.training import TrainingPlan, train_bundle
    except ImportError:
        return _refuse("train", ML_MISSING)
    try:
        accounts = read_accounts(args.data, need_outcome=True)
        bundle = train_bundle(
            accounts,
            source_name=Path(args.data).name,
            trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
            plan=TrainingPlan(threads=args.threads),
            progress=lambda message: print(message, file=sys.stderr, flush=True),
        )
    except (InputError, ValueError) as error:
        return _refuse("train", error)
    try:
        bundle.save(args.out)
    except OSError as error:
        return _refuse("train", f"cannot write {args.out}: {error.strerror}")
    _print_summary(bundle.metadata, Path(args.out))
    return 0


def _print_summary(metadata: dict[str, Any], out: Path) -> None:
    models = metadata["models"]
    for name in ("risk", "self_cure"):
        cv = models[name]["cross_validated"]
        print(
            f"{name}: cross-validated ROC AUC {cv['roc_auc']:.4f}, KS {cv['ks']:.4f}, "
            f"Brier {cv['brier']:.4f} on {cv['accounts']} accounts"
        )
    print(f"model {metadata['model_id']} written to {out}")


def handle_score(args: argparse.Namespace) -> int:
    """Score ``--input`` and write ``ID,score`` to ``--output``; return the exit status."""
    try:
        import polars as pl

        from tactful.screening.dataset import InputError, read_accounts
        from tactful.screening.features import feature_matrix
        from tactful.screening.model import ModelError
        from tactful.screening.reasons import reason_weights, top_reason_keys
    except ImportError:
        return _refuse("score", ML_MISSING)
    try:
        bundle = _bundle(args.model)
        accounts = read_accounts(args.input)
    except (InputError, ModelError) as error:
        return _refuse("score", error)
    matrix = feature_matrix(accounts.behaviour)
    columns: dict[str, Any] = {"ID": accounts.ids}
    if args.reasons:
        explained = bundle.risk.explain(matrix)
        columns["score"] = explained.probability
        columns["reasons"] = top_reason_keys(reason_weights(explained.contributions))
    else:
        columns["score"] = bundle.risk.probability(matrix)
    output = pl.DataFrame(columns).with_columns(pl.col("score").round(6))
    try:
        output.write_csv(args.output)
    except OSError as error:
        return _refuse("score", f"cannot write {args.output}: {error.strerror}")
    print(f"scored {output.height} accounts with model {bundle.model_id} -> {args.output}")
    return 0


def handle_evaluate(args: argparse.Namespace) -> int:
    """Print the metrics of the model on ``--input``; return the exit status."""
    try:
        from tactful.screening.dataset import InputError, read_accounts
        from tactful.screening.evaluation import evaluate_bundle, format_report
        from tactful.screening.model import ModelError
    except ImportError:
        return _refuse("evaluate", ML_MISSING)
    try:
        bundle = _bundle(args.model)
        accounts = read_accounts(args.input, need_outcome=True)
        report = evaluate_bundle(bundle, accounts)
    except (InputError, ModelError, ValueError) as error:
        return _refuse("evaluate", error)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def _bundle(directory: str | None) -> ModelBundle:
    from tactful.screening.model import DEFAULT_BUNDLE, load_bundle

    return load_bundle(Path(directory) if directory else DEFAULT_BUNDLE)


def run(argv: Sequence[str]) -> int:
    """Run ``tactful risk`` with `argv` (e.g. ``["score", "--input", "a.csv", ...]``)."""
    parser = argparse.ArgumentParser(prog="tactful")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["risk", *argv])
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

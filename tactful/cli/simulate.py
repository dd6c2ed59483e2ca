"""The ``tactful simulate`` command: the same overdue borrowers under blasting and Tactful.

``tactful simulate --accounts N --days D --strategy blast|tactful --seed S`` runs both
strategies through the real gate, prints a JSON report (the chosen strategy, the other
for comparison, every assumption) and draws a PNG chart. The figures are model outputs
under the printed assumptions (docs/screening.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

USAGE_ERROR = 2
MOST_ACCOUNTS = 100_000
MOST_DAYS = 365


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``simulate`` command."""
    parser = subparsers.add_parser(
        "simulate",
        help="what-if: contact-list blasting against Tactful's strategy, through the gate",
        description="Simulate overdue borrowers under both strategies; print a JSON report "
        "and draw a chart. The results are model outputs, not measurements.",
    )
    parser.add_argument("--accounts", type=int, default=1000, help="borrowers to draw")
    parser.add_argument("--days", type=int, default=30, help="days to simulate")
    parser.add_argument("--strategy", choices=("blast", "tactful"), default="tactful")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--pack", default="cn", help="rule pack (and its strategy table)")
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--report", help="write the JSON report here (default: stdout)")
    parser.add_argument("--chart", default="simulation.png", help="PNG chart to draw")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change one assumption, e.g. --set call_answer_rate=0.3 (repeatable)",
    )
    parser.set_defaults(handler=handle_simulate)


def handle_simulate(args: argparse.Namespace) -> int:
    """Run the simulation described by `args`; return the exit status."""
    try:
        from tactful.policy import PackError, load_pack
        from tactful.screening.chart import draw_comparison
        from tactful.screening.model import ModelError, load_bundle
        from tactful.screening.simulation import Assumptions, report, simulate
        from tactful.screening.strategy import StrategyError, strategy_for_pack
    except ImportError:
        return _refuse("the simulator needs the ml extra: pip install 'tactful[ml]'")
    problem = _check_sizes(args)
    if problem:
        return _refuse(problem)
    try:
        assumptions = _assumptions(Assumptions(), args.set)
        pack = load_pack(args.pack)
        strategy = strategy_for_pack(pack.name)
        bundle = load_bundle(args.model) if args.model else load_bundle()
    except (ValueError, PackError, StrategyError, ModelError) as error:
        return _refuse(str(error))
    profiles = bundle.metadata.get("simulation", {}).get("profiles")
    if not profiles:
        return _refuse("the model bundle holds no overdue profiles to draw borrowers from")
    tallies = simulate(
        profiles=profiles,
        accounts=args.accounts,
        days=args.days,
        seed=args.seed,
        pack=pack,
        strategy=strategy,
        assumptions=assumptions,
    )
    result = report(
        tallies,
        chosen=args.strategy,
        accounts=args.accounts,
        days=args.days,
        seed=args.seed,
        pack=pack,
        strategy=strategy,
        assumptions=assumptions,
        model_id=bundle.model_id,
    )
    _write_report(result, args.report)
    chart = draw_comparison(result, args.chart)
    print(f"chart: {chart}", file=sys.stderr)
    return 0


def _check_sizes(args: argparse.Namespace) -> str | None:
    if not 1 <= args.accounts <= MOST_ACCOUNTS:
        return f"--accounts must be from 1 to {MOST_ACCOUNTS}"
    if not 1 <= args.days <= MOST_DAYS:
        return f"--days must be from 1 to {MOST_DAYS}"
    return None


def _assumptions(base: Any, settings: Sequence[str]) -> Any:
    """Return `base` with each NAME=VALUE applied (same type as the default)."""
    kinds = {field.name: type(getattr(base, field.name)) for field in fields(base)}
    changes: dict[str, Any] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in kinds:
            raise ValueError(f"--set {setting}: no assumption is called {name!r}")
        try:
            changes[name] = kinds[name](value)
        except ValueError:
            raise ValueError(
                f"--set {setting}: {value!r} is not a {kinds[name].__name__}"
            ) from None
    return replace(base, **changes)


def _write_report(result: dict[str, Any], path: str | None) -> None:
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if path is None:
        print(text)
    else:
        Path(path).write_text(text + "\n", encoding="utf-8")


def _refuse(message: str) -> int:
    print(f"tactful simulate: {message}", file=sys.stderr)
    return USAGE_ERROR


def run(argv: Sequence[str]) -> int:
    """Run ``tactful simulate`` with `argv`."""
    parser = argparse.ArgumentParser(prog="tactful")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["simulate", *argv])
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

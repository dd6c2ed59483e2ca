"""The ``tactful demo`` command: fill the database with a fictional portfolio."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from tactful.cli import USAGE_ERROR, setup_django

DEFAULT_BORROWERS = 200
DEFAULT_SEED = 7


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``demo`` command and its subcommands on `subparsers`."""
    demo = subparsers.add_parser("demo", help="the demo portfolio of fictional borrowers")
    commands = demo.add_subparsers(dest="demo_command", metavar="COMMAND", required=True)
    seed = commands.add_parser(
        "seed",
        help="create fictional borrowers, loans and payment histories",
        description=(
            "Create a fictional portfolio through the service layer. The same seed and date "
            "give the same portfolio; running it again changes nothing. In demo mode "
            "(TACTFUL_DEMO=true) it also creates the demo staff accounts."
        ),
    )
    seed.add_argument(
        "--borrowers", type=_positive, default=DEFAULT_BORROWERS, help="how many (default 200)"
    )
    seed.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 7)")
    seed.add_argument(
        "--today",
        type=_iso_date,
        help="the date the histories run up to, YYYY-MM-DD, not after today (default today)",
    )
    seed.set_defaults(handler=handle_seed)


def handle_seed(args: argparse.Namespace) -> int:
    """Seed the portfolio described by `args`, print progress and a summary."""
    setup_django()
    from tactful.demo.seed import seed_demo
    from tactful.errors import ServiceError

    try:
        summary = seed_demo(
            borrowers=args.borrowers, seed=args.seed, today=args.today, progress=print
        )
    except ServiceError as error:
        print(f"tactful demo seed: error: {error.message}", file=sys.stderr)
        return USAGE_ERROR
    print("\n".join(summary.describe()))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None

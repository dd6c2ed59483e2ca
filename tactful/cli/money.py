"""The ``tactful money`` command: loan arithmetic from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from tactful.money import (
    MINOR_UNITS,
    AmountError,
    Method,
    ScheduledInstallment,
    ScheduleError,
    build_schedule,
    parse_amount,
)

SCHEDULE_PROG = "tactful money schedule"
# ScheduleError names the keyword argument; people typed the option.
OPTION_FOR_FIELD = {
    "principal": "--principal",
    "annual_rate": "--annual-rate",
    "months": "--months",
    "method": "--method",
    "currency": "--currency",
    "start": "--start",
}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``money`` command and its subcommands on ``subparsers``."""
    money = subparsers.add_parser("money", help="loan arithmetic: repayment schedules")
    commands = money.add_subparsers(dest="money_command", metavar="COMMAND", required=True)
    schedule = commands.add_parser(
        "schedule",
        help="print a repayment schedule as JSON lines",
        description="Print one JSON object per installment; amounts are decimal strings.",
    )
    _add_schedule_arguments(schedule)
    schedule.set_defaults(handler=handle_schedule)


def _add_schedule_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--principal", required=True, help="amount lent, e.g. 12000")
    parser.add_argument(
        "--annual-rate", required=True, type=_decimal, help="yearly rate as a fraction, e.g. 0.18"
    )
    parser.add_argument("--months", required=True, type=int, help="number of installments")
    parser.add_argument("--method", required=True, choices=[method.value for method in Method])
    parser.add_argument(
        "--start", required=True, type=_iso_date, help="disbursement date, YYYY-MM-DD"
    )
    parser.add_argument(
        "--currency",
        default="CNY",
        type=str.upper,
        choices=sorted(MINOR_UNITS),
        help="ISO 4217 code",
    )


def handle_schedule(args: argparse.Namespace) -> int:
    """Print the schedule described by ``args`` and return the exit status."""
    try:
        principal = parse_amount(args.principal, args.currency)
        installments = build_schedule(
            principal=principal,
            annual_rate=args.annual_rate,
            months=args.months,
            method=Method(args.method),
            start=args.start,
            currency=args.currency,
        )
    except AmountError as error:
        return _refuse("--principal", str(error))
    except ScheduleError as error:
        return _refuse(OPTION_FOR_FIELD.get(error.field, error.field), error.reason)
    for installment in installments:
        print(json.dumps(installment_as_json(installment)))
    return 0


def installment_as_json(installment: ScheduledInstallment) -> dict[str, object]:
    """Return ``installment`` as JSON-ready values, amounts as exact decimal strings."""
    return {
        "n": installment.n,
        "due_date": installment.due_date.isoformat(),
        "principal": f"{installment.principal:f}",
        "interest": f"{installment.interest:f}",
        "payment": f"{installment.payment:f}",
        "balance": f"{installment.balance:f}",
    }


def _refuse(option: str, reason: str) -> int:
    # Same shape and status as argparse's own errors, so callers see one convention.
    print(f"{SCHEDULE_PROG}: error: argument {option}: {reason}", file=sys.stderr)
    return 2


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def run(argv: Sequence[str] | None = None) -> int:
    """Run ``tactful money …`` on ``argv`` without the top-level CLI and return the status."""
    parser = argparse.ArgumentParser(prog="tactful")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(run())

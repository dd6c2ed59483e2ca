"""The ``tactful audit`` command: check the audit trail's hash chain end to end."""

from __future__ import annotations

import argparse
import json
import sys

from tactful.cli import USAGE_ERROR, setup_django

TAMPERED = 1


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``audit`` command and its subcommands on `subparsers`."""
    audit = subparsers.add_parser("audit", help="verify the hash-chained audit trail")
    commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    verify = commands.add_parser(
        "verify",
        help="check every audit event; exit 1 if any was altered, inserted or deleted",
        description=(
            "Recompute each event's hash and its link to the previous one. Prints a summary, "
            "or the sequence number of the first event that was altered, inserted or deleted."
        ),
    )
    verify.add_argument("--json", action="store_true", help="print the result as one JSON object")
    verify.set_defaults(handler=handle_verify)
    export = commands.add_parser(
        "verify-export",
        help="check a contact-ledger export against the chain; exit 1 on a mismatch",
        description=(
            "Check that every entry of a contact-ledger JSON export matches its stored audit "
            "event and permit, and that the chain verifies. Exit 2 for a malformed file."
        ),
    )
    export.add_argument("file", help="the contact-ledger JSON file the portal exported")
    export.set_defaults(handler=handle_verify_export)


def handle_verify(args: argparse.Namespace) -> int:
    """Verify the chain in the configured database and print what was found."""
    setup_django()
    from django.db import DatabaseError

    from tactful.audit.verification import verify_chain

    try:
        report = verify_chain()
    except DatabaseError as error:
        print(f"tactful audit verify: error: cannot read the audit chain: {error}", file=sys.stderr)
        print("Has the database been migrated? (manage.py migrate)", file=sys.stderr)
        return USAGE_ERROR
    print(json.dumps(report.as_json()) if args.json else report.describe())
    return 0 if report.intact else TAMPERED


def handle_verify_export(args: argparse.Namespace) -> int:
    """Check a contact-ledger export against the configured database's audit chain."""
    setup_django()
    from tactful.contacts.evidence import MalformedExport, verify_export

    try:
        with open(args.file, encoding="utf-8") as file:
            report = verify_export(json.load(file))
    except (OSError, ValueError, MalformedExport) as error:
        print(f"tactful audit verify-export: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    if report.matches:
        print(f"Export matches the audit chain: {report.entries_checked} entries checked.")
        return 0
    where = f"entry {report.entry}" if report.entry else "the chain"
    print(f"Export does NOT match at {where}: {report.problem}.")
    return TAMPERED

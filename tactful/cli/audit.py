"""The ``tactful audit`` command: check the audit trail, its checkpoints and its exports."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from tactful.cli import USAGE_ERROR, setup_django

TAMPERED = 1
CONTACT_LEDGER = "tactful.contact-ledger/1"
SIGNED_FORMATS = (CONTACT_LEDGER, "tactful.data-export/1", "tactful.number-export/1")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``audit`` command and its subcommands on `subparsers`."""
    audit = subparsers.add_parser("audit", help="verify the hash-chained audit trail")
    commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    verify = commands.add_parser(
        "verify",
        help="check every audit event and checkpoint; exit 1 if the chain was tampered with",
        description=(
            "Recompute each event's keyed hash and its link to the previous one, and compare "
            "the chain with every signed checkpoint in AUDIT_CHECKPOINT_DIR. Prints a summary, "
            "or the sequence number of the first event that was altered, inserted or deleted."
        ),
    )
    verify.add_argument("--json", action="store_true", help="print the result as one JSON object")
    verify.set_defaults(handler=handle_verify)
    checkpoint = commands.add_parser(
        "checkpoint",
        help="sign the chain head and store the checkpoint outside the database",
        description="What the scheduler does every hour (manage.py audit_checkpoint).",
    )
    checkpoint.set_defaults(handler=handle_checkpoint)
    new_keys = commands.add_parser(
        "new-keys",
        help="print a fresh link key and signing key for the environment",
        description=(
            "Print AUDIT_LINK_KEYS and AUDIT_SIGNING_KEY lines with fresh random keys, under "
            "the key id given; keep them with the other secrets (docs/security.md)."
        ),
    )
    new_keys.add_argument("--key-id", default="k1", help="the keys' id (default k1)")
    new_keys.set_defaults(handler=handle_new_keys)
    public_key = commands.add_parser(
        "public-key",
        help="print the public key that verifies checkpoints and exports",
        description="The key /verify/ publishes: give it to whoever checks exports offline.",
    )
    public_key.set_defaults(handler=handle_public_key)
    export = commands.add_parser(
        "verify-export",
        help="check a signed export (contact ledger, my data); exit 1 on a mismatch",
        description=(
            "Check the export's signature and entry count; for a contact ledger, also that "
            "every entry matches its stored audit event and permit, and that the chain "
            "verifies. --offline checks the file alone. Exit 2 for a malformed file."
        ),
    )
    export.add_argument("file", help="the JSON file the portal or the API exported")
    export.add_argument(
        "--offline", action="store_true", help="do not consult the database: the file alone"
    )
    export.add_argument(
        "--public-key",
        help="the lender's published public key (base64), instead of this installation's",
    )
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


def handle_checkpoint(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from tactful.audit.checkpoints import write_checkpoint

    checkpoint = write_checkpoint(now=timezone.now())
    if checkpoint is None:
        print("The audit chain is empty: nothing to vouch for yet.")
    else:
        print(f"Checkpoint {checkpoint.name}: event {checkpoint.sequence}, {checkpoint.hash}")
    return 0


def handle_new_keys(args: argparse.Namespace) -> int:
    import base64
    import secrets

    from tactful.audit.signing import encoded, fingerprint, new_seed, public_key_of

    if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", args.key_id):
        return _usage("new-keys", "--key-id: 1 to 16 letters, digits, - or _")
    seed = new_seed()
    public = public_key_of(base64.b64decode(seed))
    link = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    print(f"AUDIT_LINK_KEYS={args.key_id}:{link}")
    print(f"AUDIT_SIGNING_KEY={args.key_id}:{seed}")
    print(f"# public key {args.key_id}:{encoded(public)} ({fingerprint(public)})")
    return 0


def handle_public_key(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    from tactful.audit.signing import encoded, fingerprint

    keys = settings.AUDIT_KEYS
    print(f"{keys.signing_key_id}:{encoded(keys.public_key)}")
    print(f"fingerprint {fingerprint(keys.public_key)}", file=sys.stderr)
    return 0


def handle_verify_export(args: argparse.Namespace) -> int:
    """Check a signed export: offline against its signature, then against the database."""
    from tactful.audit.signing import decoded_public_key

    try:
        with open(args.file, encoding="utf-8") as file:
            document = json.load(file)
    except ValueError as error:
        return _malformed(f"{args.file} is not JSON: {error}")
    if not isinstance(document, dict) or document.get("format") not in SIGNED_FORMATS:
        return _malformed(f"{args.file} is not one of {', '.join(SIGNED_FORMATS)}")
    given = None
    if args.public_key is not None:
        given = decoded_public_key(args.public_key.rpartition(":")[2])
        if given is None:
            return _malformed("--public-key is not a base64 Ed25519 public key")
    needs_django = given is None or (document["format"] == CONTACT_LEDGER and not args.offline)
    if needs_django:
        setup_django()
    trusted = _trusted_keys(document, given)
    if document["format"] == CONTACT_LEDGER:
        return _verify_contact_ledger(document, trusted, database=not args.offline)
    return _verify_signature_only(document, trusted)


def _trusted_keys(document: dict[str, Any], given: bytes | None) -> dict[str, bytes]:
    if given is not None:
        block = document.get("signature")
        key_id = block.get("key_id") if isinstance(block, dict) else None
        return {key_id: given} if isinstance(key_id, str) else {}
    from django.conf import settings

    trusted: dict[str, bytes] = settings.AUDIT_KEYS.trusted_public_keys
    return trusted


def _verify_contact_ledger(
    document: dict[str, Any], trusted: dict[str, bytes], *, database: bool
) -> int:
    from tactful.contacts.evidence import MalformedExport, verify_export

    try:
        report = verify_export(document, trusted_keys=trusted, database=database)
    except MalformedExport as error:
        return _malformed(str(error))
    if not report.matches:
        where = f"entry {report.entry}" if report.entry else "the file"
        print(f"Export does NOT match at {where}: {report.problem}.")
        return TAMPERED
    _print_signature(report.signature)
    if report.database_checked:
        print(f"Export matches the audit chain: {report.entries_checked} entries checked.")
    else:
        print(
            f"Export checked offline: {report.entries_checked} entries, none changed or "
            "removed since it was signed; the database was not consulted."
        )
    return 0


def _verify_signature_only(document: dict[str, Any], trusted: dict[str, bytes]) -> int:
    from tactful.audit.documents import check_signature

    check = check_signature(document, trusted)
    if not check.verifies:
        print(f"Export does NOT verify: {check.problem}.")
        return TAMPERED
    _print_signature(check)
    print("Export intact: nothing in it was changed or removed since it was signed.")
    return 0


def _print_signature(check: Any) -> None:
    print(f"Signed with key {check.key_id} ({check.fingerprint}), a key this lender publishes.")


def _malformed(message: str) -> int:
    return _usage("verify-export", message)


def _usage(command: str, message: str) -> int:
    print(f"tactful audit {command}: error: {message}", file=sys.stderr)
    return USAGE_ERROR

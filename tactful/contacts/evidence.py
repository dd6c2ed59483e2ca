"""The contact record as evidence: a signed JSON file tied to the audit chain, and its check.

The JSON file carries, for every entry, the chain link of its permit event (sequence,
hash, previous hash, payload digest), the number of entries and the range of sequences
they span, and an Ed25519 signature over all of it (tactful.audit.documents). So the file
is checked twice: offline, its signature fails if any field was changed or any entry
removed; against the database, each entry must still match the stored event and permit,
and the chain itself must verify. Its format name keeps the record's first name,
``tactful.contact-ledger/1``: files in people's hands carry it. The readable PDF is the
portal's (`tactful.portal.privacy.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from tactful.audit.documents import SignatureCheck, check_signature, signed
from tactful.audit.models import AuditEvent
from tactful.audit.selectors import event_at
from tactful.audit.verification import EventProblem, event_problem, verify_chain
from tactful.borrowers.models import Borrower
from tactful.contacts.record import ATTEMPT_TYPE, PERMIT_ACTIONS, RecordEntry, contact_record_of
from tactful.contacts.selectors import attempt_by_pk

FORMAT = "tactful.contact-ledger/1"
_LINK_FIELDS = ("sequence", "hash", "previous_hash", "payload_digest")
_STORED_EVENT_PROBLEMS = {
    EventProblem.PAYLOAD_ALTERED: "the stored event's payload was altered",
    EventProblem.FIELDS_ALTERED: "the stored event no longer matches its hash",
    EventProblem.UNKNOWN_LINK_KEY: "the stored event is linked under an unknown key",
}


class MalformedExport(ValueError):
    """The file is not a contact-ledger export this version can read."""


@dataclass(frozen=True)
class ExportReport:
    """The outcome of checking an export: entries checked, and the first mismatch, if any."""

    entries_checked: int
    problem: str | None = None
    entry: str | None = None
    signature: SignatureCheck | None = None
    database_checked: bool = True

    @property
    def matches(self) -> bool:
        return self.problem is None


# --- JSON ---------------------------------------------------------------------------------


def contact_record_json(borrower: Borrower, *, now: datetime | None = None) -> dict[str, Any]:
    """Return the borrower's contact record as the evidence file's JSON object, signed."""
    entries = [_entry_json(entry) for entry in contact_record_of(borrower)]
    sequences = [entry["audit"]["sequence"] for entry in entries if entry["audit"]]
    document = {
        "format": FORMAT,
        "generated_at": (now or timezone.now()).isoformat(),
        "language": get_language(),
        "entry_count": len(entries),
        "sequence_range": (
            {"first": min(sequences), "last": max(sequences)} if sequences else None
        ),
        "entries": entries,
    }
    return signed(document, settings.AUDIT_KEYS)


def _entry_json(entry: RecordEntry) -> dict[str, Any]:
    link = entry.link
    return {
        "verification_code": entry.verification_code,
        "permit_id": entry.permit_id,
        "requested_at": entry.requested_at.isoformat(),
        "local_time": entry.local_time,
        "who": entry.who,
        "channel": entry.channel,
        "recipient": entry.recipient,
        "decision": "allow" if entry.allowed else "deny",
        "categories": entry.categories,
        "reasons": entry.reasons,
        "outcome": entry.outcome,
        "audit": None if link is None else {field: getattr(link, field) for field in _LINK_FIELDS},
    }


# --- checking an export -------------------------------------------------------------------


def verify_export(
    document: Any,
    *,
    trusted_keys: dict[str, bytes] | None,
    database: bool = True,
) -> ExportReport:
    """Check a parsed export: its signature and counts, then (with `database`) each entry
    against the stored events and permits, and the chain. MalformedExport if unreadable.

    `trusted_keys` are the public keys the lender publishes; None when none is at hand,
    and then the signature is checked under the key the file names (see SignatureCheck).
    """
    entries = _entries_of(document)
    signature = check_signature(document, trusted_keys)
    if not signature.verifies:
        return ExportReport(0, signature.problem, signature=signature, database_checked=False)
    count_problem = _count_problem(document, entries)
    if count_problem is not None:
        return ExportReport(0, count_problem, signature=signature, database_checked=False)
    if not database:
        return ExportReport(len(entries), signature=signature, database_checked=False)
    for checked, entry in enumerate(entries):
        problem = _entry_problem(entry)
        if problem is not None:
            return ExportReport(checked, problem, _name_of(entry), signature=signature)
    chain = verify_chain()
    if not chain.intact:
        problem = f"audit chain broken at event {chain.sequence}: {chain.problem}"
        return ExportReport(len(entries), problem, signature=signature)
    return ExportReport(len(entries), signature=signature)


def _count_problem(document: dict[str, Any], entries: list[dict[str, Any]]) -> str | None:
    # Covered by the signature too; checked apart so the report says what happened.
    if document.get("entry_count") != len(entries):
        return f"it says {document.get('entry_count')} entries but holds {len(entries)}"
    sequences = [entry["audit"]["sequence"] for entry in entries]
    stated = document.get("sequence_range")
    actual = {"first": min(sequences), "last": max(sequences)} if sequences else None
    if stated != actual:
        return "the audit sequences of its entries differ from the range it states"
    return None


def _entries_of(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise MalformedExport(f"not a {FORMAT} file")
    entries = document.get("entries")
    if not isinstance(entries, list) or not all(_well_formed(entry) for entry in entries):
        raise MalformedExport("every entry needs a permit_id, a decision and an audit link")
    return entries


def _well_formed(entry: Any) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("permit_id"), str):
        return False
    audit = entry.get("audit")
    if not isinstance(audit, dict) or not isinstance(audit.get("sequence"), int):
        return False
    return all(isinstance(audit.get(field), str) for field in _LINK_FIELDS[1:])


def _name_of(entry: dict[str, Any]) -> str:
    code = entry.get("verification_code", "?")
    return f"{code} (audit event {entry['audit']['sequence']})"


def _entry_problem(entry: dict[str, Any]) -> str | None:
    audit = entry["audit"]
    event = event_at(audit["sequence"])
    if event is None:
        return "its audit event is not in the chain"
    for field in _LINK_FIELDS:
        if getattr(event, field) != audit[field]:
            return f"its {field.replace('_', ' ')} differs from the stored event"
    return _event_problem(event) or _permit_problem(event, entry)


def _event_problem(event: AuditEvent) -> str | None:
    if event.object_type != ATTEMPT_TYPE or event.action not in PERMIT_ACTIONS:
        return "its audit event is not a permit decision"
    problem = event_problem(event)
    return None if problem is None else _STORED_EVENT_PROBLEMS[problem]


def _permit_problem(event: AuditEvent, entry: dict[str, Any]) -> str | None:
    """Compare the file, the stored permit and the audited payload on what they share."""
    attempt = attempt_by_pk(event.object_id)
    if attempt is None:
        return "the permit its audit event names is missing"
    payload = event.payload
    sides = {
        "permit": (entry.get("permit_id"), str(attempt.permit_id), payload.get("permit")),
        "decision": (entry.get("decision"), attempt.decision, payload.get("decision")),
        "code": (entry.get("verification_code"), attempt.verification_code, None),
        "time": (entry.get("requested_at"), attempt.requested_at.isoformat(), None),
        "channel": (None, attempt.channel, payload.get("channel")),
        "categories": (None, attempt.categories, payload.get("categories")),
    }
    for name, (in_file, stored, audited) in sides.items():
        if in_file is not None and in_file != stored:
            return f"its {name} differs from the stored permit"
        if audited is not None and audited != stored:
            return f"the stored permit's {name} differs from its audit event"
    return None

"""The contact record as evidence: a JSON file tied to the audit chain, and its check.

The JSON file carries, for every entry, the chain link of its permit event (sequence,
hash, previous hash, payload digest). `verify_export` confirms that each entry still
matches the stored event and permit, and that the chain itself is unbroken. Its format
name keeps the record's first name, ``tactful.contact-ledger/1``: files in people's hands
carry it. The readable PDF is the portal's (`tactful.portal.privacy.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

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
}


class MalformedExport(ValueError):
    """The file is not a contact-ledger export this version can read."""


@dataclass(frozen=True)
class ExportReport:
    """The outcome of checking an export: entries checked, and the first mismatch, if any."""

    entries_checked: int
    problem: str | None = None
    entry: str | None = None

    @property
    def matches(self) -> bool:
        return self.problem is None


# --- JSON ---------------------------------------------------------------------------------


def contact_record_json(borrower: Borrower, *, now: datetime | None = None) -> dict[str, Any]:
    """Return the borrower's contact record as the evidence file's JSON object."""
    return {
        "format": FORMAT,
        "generated_at": (now or timezone.now()).isoformat(),
        "entries": [_entry_json(entry) for entry in contact_record_of(borrower)],
    }


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


def verify_export(document: Any) -> ExportReport:
    """Check each entry of a parsed export against the chain; MalformedExport if unreadable."""
    entries = _entries_of(document)
    for checked, entry in enumerate(entries):
        problem = _entry_problem(entry)
        if problem is not None:
            return ExportReport(checked, problem, _name_of(entry))
    chain = verify_chain()
    if not chain.intact:
        return ExportReport(
            len(entries), f"audit chain broken at event {chain.sequence}: {chain.problem}"
        )
    return ExportReport(len(entries))


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

"""The contact ledger as evidence: a JSON file tied to the audit chain, a readable PDF, a check.

The JSON file carries, for every entry, the chain link of its permit event (sequence,
hash, previous hash, payload digest). `verify_export` confirms that each entry still
matches the stored event and permit, and that the chain itself is unbroken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tactful.audit.chain import Link, payload_digest
from tactful.audit.models import AuditEvent
from tactful.audit.verification import verify_chain
from tactful.borrowers.models import Borrower
from tactful.consent.ledger import ATTEMPT_TYPE, PERMIT_ACTIONS, LedgerEntry, ledger_of
from tactful.consent.pdf import PDF_FONT as PDF_FONT
from tactful.consent.pdf import FontMissing as FontMissing
from tactful.consent.pdf import new_document
from tactful.contacts.models import ContactAttempt

FORMAT = "tactful.contact-ledger/1"
_LINK_FIELDS = ("sequence", "hash", "previous_hash", "payload_digest")


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


def ledger_json(borrower: Borrower, *, now: datetime | None = None) -> dict[str, Any]:
    """Return the borrower's ledger as the evidence file's JSON object."""
    return {
        "format": FORMAT,
        "generated_at": (now or timezone.now()).isoformat(),
        "entries": [_entry_json(entry) for entry in ledger_of(borrower)],
    }


def _entry_json(entry: LedgerEntry) -> dict[str, Any]:
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
    event = AuditEvent.objects.filter(sequence=audit["sequence"]).first()
    if event is None:
        return "its audit event is not in the chain"
    for field in _LINK_FIELDS:
        if getattr(event, field) != audit[field]:
            return f"its {field.replace('_', ' ')} differs from the stored event"
    return _event_problem(event) or _permit_problem(event, entry)


def _event_problem(event: AuditEvent) -> str | None:
    if event.object_type != ATTEMPT_TYPE or event.action not in PERMIT_ACTIONS:
        return "its audit event is not a permit decision"
    if payload_digest(event.payload) != event.payload_digest:
        return "the stored event's payload was altered"
    if _link(event).hash() != event.hash:
        return "the stored event no longer matches its hash"
    return None


def _link(event: AuditEvent) -> Link:
    return Link(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        payload_digest=event.payload_digest,
        previous_hash=event.previous_hash,
    )


def _permit_problem(event: AuditEvent, entry: dict[str, Any]) -> str | None:
    """Compare the file, the stored permit and the audited payload on what they share."""
    attempt = ContactAttempt.objects.filter(pk=event.object_id).first()
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


# --- PDF ----------------------------------------------------------------------------------


def ledger_pdf(borrower: Borrower, *, now: datetime | None = None) -> bytes:
    """Return the ledger as a readable PDF in the active language, Chinese text included.

    Raise FontMissing where the Chinese font is not installed.
    """
    pdf = new_document()
    _pdf_heading(pdf, now or timezone.now())
    for entry in ledger_of(borrower):
        _pdf_entry(pdf, entry)
    return bytes(pdf.output())


def _pdf_heading(pdf: Any, now: datetime) -> None:
    pdf.set_font(size=16)
    pdf.multi_cell(0, 9, _("Contact ledger"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=9)
    intro = _(
        "Every contact attempt about your debts, as recorded by the lender. Each entry names "
        "its audit-chain event; `tactful audit verify-export` checks the JSON file against it."
    )
    pdf.multi_cell(0, 5, intro, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        5,
        _("Generated %(when)s UTC") % {"when": f"{now:%Y-%m-%d %H:%M}"},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)


def _pdf_entry(pdf: Any, entry: LedgerEntry) -> None:
    pdf.set_font(size=11)
    decision = _("Allowed") if entry.allowed else _("Denied")
    title = f"{entry.local_time} · {entry.channel} · {decision}"
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=9)
    for line in _pdf_lines(entry):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _pdf_lines(entry: LedgerEntry) -> list[str]:
    lines = [
        _("Who: %(who)s") % {"who": entry.who},
        _("To: %(recipient)s") % {"recipient": entry.recipient},
        _("Outcome: %(outcome)s") % {"outcome": entry.outcome},
        _("Verification code: %(code)s") % {"code": entry.verification_code},
    ]
    if entry.categories:
        lines.append(_("Basis: %(categories)s") % {"categories": ", ".join(entry.categories)})
    lines.extend(f"  – {reason}" for reason in entry.reasons)
    if entry.link is not None:
        lines.append(
            _("Audit event %(sequence)s, hash %(hash)s")
            % {"sequence": entry.link.sequence, "hash": entry.link.hash}
        )
    return lines

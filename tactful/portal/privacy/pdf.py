"""The contact record as a readable PDF: the same entries as the evidence file's JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tactful.borrowers.models import Borrower
from tactful.contacts.record import RecordEntry, contact_record_of
from tactful.pdf_pages import new_document


def contact_record_pdf(borrower: Borrower, *, now: datetime | None = None) -> bytes:
    """Return the contact record as a readable PDF in the active language, Chinese included.

    Raise FontMissing where the Chinese font is not installed.
    """
    pdf = new_document()
    _pdf_heading(pdf, now or timezone.now())
    for entry in contact_record_of(borrower):
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


def _pdf_entry(pdf: Any, entry: RecordEntry) -> None:
    pdf.set_font(size=11)
    decision = _("Allowed") if entry.allowed else _("Denied")
    title = f"{entry.local_time} · {entry.channel} · {decision}"
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(size=9)
    for line in _pdf_lines(entry):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _pdf_lines(entry: RecordEntry) -> list[str]:
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

"""The borrower's data export as a readable PDF: the same content as `my-data.json`.

It is drawn from `rights.selectors.export_of`, so the two downloads never disagree; labels are in
the active language and fields the JSON gains later are printed under their own key.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tactful.borrowers.models import Borrower, Language
from tactful.consent.models import Action, ConsentPurpose, Relationship
from tactful.pdf_pages import new_document, write_line
from tactful.rights.models import RightsKind, RightsStatus
from tactful.rights.selectors import export_of
from tactful.rights.wording import correctable_field_label

if TYPE_CHECKING:
    from fpdf import FPDF

_EMPTY = "—"
_LABELS: dict[str, str | Promise] = {
    "external_id": gettext_lazy("Reference at the lender"),
    "name": gettext_lazy("Name"),
    "id_country": gettext_lazy("Country of the ID"),
    "national_id": gettext_lazy("ID number"),
    "phone_numbers": gettext_lazy("Phone numbers"),
    "preferred_language": gettext_lazy("Language"),
    "language": gettext_lazy("Language"),
    "time_zone": gettext_lazy("Time zone"),
    "created_at": gettext_lazy("Held since"),
    "product": gettext_lazy("Product"),
    "principal": gettext_lazy("Principal"),
    "annual_rate": gettext_lazy("Annual rate"),
    "term_months": gettext_lazy("Term in months"),
    "disbursed_on": gettext_lazy("Disbursed on"),
    "relationship": gettext_lazy("Relationship"),
    "phone": gettext_lazy("Phone number"),
    "designated_at": gettext_lazy("Named on"),
    "removed_at": gettext_lazy("Ended on"),
}
# Shown elsewhere on the same line, or as a list of their own.
_NOT_AS_PAIRS = {"currency", "entries"}
_CHOICES: dict[str, Any] = {
    "preferred_language": Language,
    "relationship": Relationship,
}


def data_export_pdf(borrower: Borrower, *, now: datetime) -> bytes:
    """Return everything held about `borrower` as a PDF; FontMissing without the font."""
    document = export_of(borrower, now=now)
    pdf = new_document()
    _heading(pdf, now)
    _section(pdf, _("About you"))
    _pairs(pdf, document["borrower"])
    _section(pdf, _("Loans"))
    for loan in document["loans"] or [None]:
        _loan(pdf, loan)
    _section(pdf, _("Consents you gave or withdrew"))
    _lines(pdf, [_consent_line(event) for event in document["consent_events"]])
    _section(pdf, _("Emergency contacts"))
    for contact in document["emergency_contacts"] or [None]:
        _pairs(pdf, contact)
    _section(pdf, _("Contacts about your loans"))
    for entry in document["contact_ledger"] or [None]:
        _ledger_entry(pdf, entry)
    _section(pdf, _("Your requests"))
    for request in document["rights_requests"] or [None]:
        _request(pdf, request)
    return bytes(pdf.output())


def _heading(pdf: FPDF, now: datetime) -> None:
    write_line(pdf, _("Your data held by Tactful"), size=16, height=9)
    write_line(
        pdf,
        _(
            "Everything the lender holds about you through Tactful, as in the JSON file you "
            "can also download."
        ),
    )
    write_line(pdf, _("Generated %(when)s UTC") % {"when": f"{now:%Y-%m-%d %H:%M}"})


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    write_line(pdf, title, size=13, height=7)


def _lines(pdf: FPDF, lines: list[str]) -> None:
    for line in lines or [_("None.")]:
        write_line(pdf, line)


def _pairs(pdf: FPDF, item: dict[str, Any] | None) -> None:
    if item is None:
        _lines(pdf, [])
        return
    for key, value in item.items():
        if key not in _NOT_AS_PAIRS:
            write_line(pdf, f"{_label_of(key)}: {_shown(key, value)}")
    pdf.ln(1)


def _shown(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return _EMPTY
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    if key in _CHOICES:
        return _label(_CHOICES[key], value)
    if key.endswith("_at") and isinstance(value, str):
        return _when(value)
    return str(value)


def _loan(pdf: FPDF, loan: dict[str, Any] | None) -> None:
    _pairs(pdf, loan and {**loan, "principal": f"{loan['principal']} {loan['currency']}"})
    for entry in (loan or {}).get("entries", []):
        write_line(pdf, f"  {entry['value_date']} · {entry['kind']} · {entry['amount']}")


def _consent_line(event: dict[str, Any]) -> str:
    parts = [
        _when(event["recorded_at"]),
        _label(ConsentPurpose, event["purpose"]),
        event["scope"],
        _label(Action, event["action"]),
        _("notice version %(version)s") % {"version": event["notice_version"]},
    ]
    return " · ".join(part for part in parts if part)


def _ledger_entry(pdf: FPDF, entry: dict[str, Any] | None) -> None:
    if entry is None:
        _lines(pdf, [])
        return
    decision = _("Allowed") if entry["decision"] == "allow" else _("Denied")
    write_line(pdf, f"{entry['local_time']} · {entry['channel']} · {decision}")
    write_line(pdf, _("Who: %(who)s") % {"who": entry["who"]})
    write_line(pdf, _("To: %(recipient)s") % {"recipient": entry["recipient"]})
    write_line(pdf, _("Outcome: %(outcome)s") % {"outcome": entry["outcome"]})
    write_line(pdf, _("Verification code: %(code)s") % {"code": entry["verification_code"]})
    pdf.ln(1)


def _request(pdf: FPDF, request: dict[str, Any] | None) -> None:
    if request is None:
        _lines(pdf, [])
        return
    title = [
        _when(request["requested_at"]),
        _label(RightsKind, request["kind"]),
        _label(RightsStatus, request["status"]),
    ]
    write_line(pdf, " · ".join(title))
    if request["field"]:
        value = request["value"] or _EMPTY
        write_line(pdf, f"{_label_of(request['field'])}: {value}")
    if request["note"]:
        write_line(pdf, _("Note: %(note)s") % {"note": request["note"]})
    pdf.ln(1)


def _label_of(key: str) -> str:
    # A key without a label of its own is a correctable field named as the form names it.
    return str(_LABELS.get(key) or correctable_field_label(key))


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _when(iso: str) -> str:
    try:
        return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return iso

"""The words of a report: its title, each section's title and columns, and each code's name.

Programs read the workbook by the stable keys (section keys, column keys, codes); people
read these names, in the language the report was issued in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tactful.callqa.wording import CATEGORY_NAMES
from tactful.complaints.models import Category, IntakeChannel, Resolution
from tactful.consent.models import ConsentPurpose, Subject
from tactful.contacts.vocabulary import (
    CHANNEL_LABELS,
    PACK_PLACES,
    PURPOSE_LABELS,
    RECIPIENT_ROLE_LABELS,
)
from tactful.rights.models import RightsKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TITLE = _("Monthly report to the regulator")
EMPTY = "—"

SECTION_TITLES: Mapping[str, StrOrPromise] = {
    "summary": _("Summary"),
    "contacts": _("Contacts by channel and recipient"),
    "third_parties": _("Contacts of people other than the borrower"),
    "complaints": _("Complaints received, by category and complainant"),
    "complaint_intake": _("Complaints received, by how they came in"),
    "complaint_outcomes": _("Complaints resolved, by outcome and deadline"),
    "qa_findings": _("Call quality findings"),
    "consent_withdrawals": _("Consents withdrawn"),
    "rights_requests": _("Data-subject rights requests and their timing"),
}
SECTION_NOTES: Mapping[str, StrOrPromise] = {
    "contacts": _("Every permit the gate decided this month, allowed or denied."),
    "third_parties": _("Emergency contacts and other third parties, never told about the debt."),
    "complaint_outcomes": _(
        "In time: the outcome came by the end of the due day, in the pack's time zone."
    ),
    "qa_findings": _(
        "Findings of the language checker on the calls inspected, by the latest review."
    ),
    "rights_requests": _(
        "Answered in time: within 15 days of the day the request was received (UTC)."
    ),
}
# A section whose records carry no pack, in the report of another pack than the gate's.
UNSCOPED_NOTE = _(
    "These records are not kept per rule pack: they are counted in the report of the pack "
    "the gate runs under (%(pack)s)."
)
NO_ROWS = _("None this month.")

COLUMN_NAMES: Mapping[str, StrOrPromise] = {
    "figure": _("Figure"),
    "value": _("Value"),
    "channel": _("Channel"),
    "role": _("Recipient"),
    "purpose": _("Purpose"),
    "allowed": _("Allowed"),
    "denied": _("Denied"),
    "total": _("Total"),
    "category": _("Category"),
    "borrower": _("From the borrower"),
    "third_party": _("From someone else"),
    "anonymous": _("Anonymous"),
    "intake": _("Came in through"),
    "received": _("Received"),
    "outcome": _("Outcome"),
    "in_time": _("In time"),
    "late": _("Late"),
    "finding": _("Finding"),
    "confirmed": _("Confirmed"),
    "dismissed": _("Dismissed"),
    "not_reviewed": _("Not reviewed yet"),
    "subject": _("Whose consent"),
    "withdrawn": _("Withdrawn"),
    "request": _("Request"),
    "received_borrower": _("From borrowers"),
    "received_third_party": _("From others"),
    "answered_in_time": _("Answered in time"),
    "answered_late": _("Answered late"),
}
FIGURE_NAMES: Mapping[str, StrOrPromise] = {
    "permits": _("Contacts decided by the gate"),
    "permits_allowed": _("Allowed"),
    "permits_denied": _("Denied"),
    "third_party_contacts": _("Contacts allowed to people other than the borrower"),
    "complaints_received": _("Complaints received"),
    "complaints_resolved": _("Complaints resolved"),
    "complaints_in_time_percent": _("Resolved in time (%)"),
    "complaints_open_at_end": _("Complaints open at the end of the month"),
    "complaints_overdue_at_end": _("Of them past their deadline"),
    "calls_inspected": _("Calls inspected"),
    "findings": _("Call quality findings"),
    "findings_confirmed": _("Findings confirmed by a reviewer"),
    "consent_withdrawals": _("Consents withdrawn"),
    "rights_requests": _("Data-subject rights requests received"),
    "rights_in_time_percent": _("Rights requests answered in time (%)"),
    "rights_late_unanswered_at_end": _("Rights requests unanswered past their deadline"),
}


def _by_code(labels: Mapping[Any, StrOrPromise]) -> dict[str, StrOrPromise | Promise]:
    return {str(code): label for code, label in labels.items()}


# What each label column's codes mean.
CODES: Mapping[str, Mapping[str, StrOrPromise | Promise]] = {
    "figure": FIGURE_NAMES,
    "channel": _by_code(CHANNEL_LABELS),
    "role": _by_code(RECIPIENT_ROLE_LABELS),
    "purpose": {**_by_code(PURPOSE_LABELS), **dict(ConsentPurpose.choices)},
    "category": dict(Category.choices),
    "intake": dict(IntakeChannel.choices),
    "outcome": dict(Resolution.choices),
    "finding": dict(CATEGORY_NAMES),
    "subject": dict(Subject.choices),
    "request": dict(RightsKind.choices),
}


def code_name(column: str, code: str) -> str:
    """The name of `code` in the label column `column`, or the code itself if it has none."""
    return str(CODES.get(column, {}).get(code, code))


def column_name(column: str) -> str:
    return str(COLUMN_NAMES.get(column, column))


def place_of(pack: str) -> str:
    return str(PACK_PLACES.get(pack, pack))

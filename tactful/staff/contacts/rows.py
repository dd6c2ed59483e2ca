"""The rows of the staff contacts page: permits and holds, in the reader's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from tactful.contacts.models import ContactAttempt, Hold, HoldKind
from tactful.contacts.packs import message_for_reader
from tactful.contacts.vocabulary import OUTCOME_LABELS
from tactful.contacts.wording import category_labels, local_text, utc_text
from tactful.staff.contacts.forms import recipient_label


@dataclass(frozen=True)
class PermitRow:
    """One permit as the history table shows it."""

    requested_at: datetime
    local_time: str
    utc_time: str
    recipient: str
    channel: str
    purpose: str
    allowed: bool
    categories: list[str]
    messages: list[str]
    verification_code: str
    outcome: str
    collector: str


@dataclass(frozen=True)
class HoldRow:
    kind: str
    scope: str
    starts: str
    ends: str
    source: str


def permit_row(attempt: ContactAttempt, *, recipient_text: str | None = None) -> PermitRow:
    """`recipient_text`: the recipient's label, when the caller has it (a page of one
    person's permits labels each recipient once, not once per row)."""
    outcome = getattr(attempt, "outcome", None)
    return PermitRow(
        requested_at=attempt.requested_at,
        local_time=local_text(attempt.requested_at, attempt.facts.get("recipient_timezone")),
        utc_time=utc_text(attempt.requested_at),
        recipient=recipient_text or recipient_label(attempt.recipient),
        channel=attempt.get_channel_display(),
        purpose=attempt.get_purpose_display(),
        allowed=attempt.allowed,
        categories=category_labels(attempt.categories),
        messages=[message_for_reader(reason) for reason in attempt.reasons],
        verification_code=attempt.verification_code,
        outcome=_outcome_label(attempt, outcome),
        collector=attempt.collector.get_username() if attempt.collector else "",
    )


def hold_row(hold: Hold) -> HoldRow:
    kind = HoldKind(hold.kind).label if hold.kind in HoldKind.values else hold.kind
    scope = (
        _("Loan %(loan)s") % {"loan": hold.loan.external_id}
        if hold.loan is not None
        else recipient_label(hold.recipient)
        if hold.recipient is not None
        else ""
    )
    ends = utc_text(hold.ends_at) if hold.ends_at is not None else ""
    return HoldRow(str(kind), str(scope), utc_text(hold.starts_at), ends, hold.source)


def _outcome_label(attempt: ContactAttempt, outcome: Any) -> str:
    if not attempt.allowed:
        return ""
    if outcome is None:
        return str(_("Not reported yet"))
    return str(OUTCOME_LABELS[outcome.outcome])

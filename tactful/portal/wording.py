"""Plain, kind words for a loan's state. Never blame: say what is so and what can be done."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tactful.loans.models import EntryKind
from tactful.loans.selectors import LoanStatus

ENTRY_LABELS: dict[str, str | Promise] = {
    EntryKind.PAYMENT: _("Payment received"),
    EntryKind.FEE: _("Fee charged"),
    EntryKind.WAIVER: _("Fee waived"),
    EntryKind.REVERSAL: _("Correction"),
}


def status_kind(status: LoanStatus) -> str:
    """Return settled, overdue or current: the CSS class and the test hook of a status."""
    if status.is_settled:
        return "settled"
    return "overdue" if status.days_past_due > 0 else "current"


def status_words(status: LoanStatus) -> str:
    """Say in one short sentence where the loan stands."""
    if status.is_settled:
        return str(_("Paid in full. Thank you."))
    days = status.days_past_due
    if days == 0:
        return str(_("Up to date."))
    return ngettext("A payment is %(days)d day late.", "A payment is %(days)d days late.", days) % {
        "days": days
    }


def entry_label(kind: str) -> str:
    return str(ENTRY_LABELS.get(kind, kind))

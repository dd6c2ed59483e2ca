"""Plain, kind words for a loan's state. Never blame: say what is so and what can be done."""

from __future__ import annotations

from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tactful.loans.credits import CreditSource
from tactful.loans.models import EntryKind
from tactful.loans.selectors import LoanStatus

ENTRY_LABELS: dict[str, str | Promise] = {
    EntryKind.PAYMENT: _("Payment received"),
    EntryKind.FEE: _("Fee charged"),
    EntryKind.WAIVER: _("Fee waived"),
    EntryKind.REVERSAL: _("Correction"),
}

# Credits that are not money from the borrower are never called "payment received".
CREDIT_LABELS: dict[str, str | Promise] = {
    CreditSource.RESTRUCTURE: _("Moved into your repayment plan (not a payment)"),
    CreditSource.POINTS: _("Reward points used"),
    CreditSource.COMPENSATION: _("Compensation credited"),
}


def status_kind(status: LoanStatus, *, moved_into_plan: bool = False) -> str:
    """Return restructured, settled, overdue or current: the CSS class and test hook."""
    if moved_into_plan:
        return "restructured"
    if status.is_settled:
        return "settled"
    return "overdue" if status.days_past_due > 0 else "current"


def status_words(status: LoanStatus, *, moved_into_plan_on: date | None = None) -> str:
    """Say in one short sentence where the loan stands.

    A loan moved into a repayment plan reads as such, never as paid: what was owed on it
    is now owed on the plan.
    """
    if moved_into_plan_on is not None:
        words = _(
            "Moved into a repayment plan on %(day)s. Nothing was paid; you repay in the plan."
        )
        return str(words) % {"day": moved_into_plan_on.isoformat()}
    if status.is_settled:
        return str(_("Paid in full. Thank you."))
    days = status.days_past_due
    if days == 0:
        return str(_("Up to date."))
    return ngettext("A payment is %(days)d day late.", "A payment is %(days)d days late.", days) % {
        "days": days
    }


def entry_label(kind: str, source: str = CreditSource.BORROWER) -> str:
    if kind == EntryKind.PAYMENT and source in CREDIT_LABELS:
        return str(CREDIT_LABELS[source])
    return str(ENTRY_LABELS.get(kind, kind))

"""Kind, plain words for each refusal a borrower can meet on the help-to-repay pages."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tactful.errors import ServiceError

REFUSALS: dict[str, str | Promise] = {
    "cost_cap_exceeded": _("This plan would cost more than the law allows, so it is not offered."),
    "months_above_cap": _("A plan can be at most this long here; please choose a shorter one."),
    "rate_above_cap": _("This rate is above what may be offered."),
    "fee_above_cap": _("This fee is above what may be charged."),
    "nothing_owed": _("Nothing is owed on this loan."),
    "loan_restructured": _("This loan has already moved into a new plan."),
    "plan_not_restructurable": _("This plan cannot be changed here. Please talk to your lender."),
    "offer_expired": _("This offer has expired. Please look at the plans again."),
    "offer_stale": _(
        "What you owe changed since this offer was made. Please look at the plans again."
    ),
    "offer_no_longer_allowed": _("This plan can no longer be offered. Please look again."),
    "pause_overlaps": _("This pause would overlap one you already have."),
    "backdate_too_far": _("A pause can start at most 30 days ago."),
    "backdate_before_reset": _("A pause cannot start before your current plan began."),
    "pause_too_long": _("A pause can last at most 90 days."),
    "pause_in_future": _("A pause cannot start in the future."),
    "pause_too_short": _("A pause must last at least one day."),
    "pause_already_resumed": _("This pause has already ended."),
    "pause_over": _("This pause has already ended."),
    "promise_pending": _("You already have a promise open on this loan."),
    "promise_above_outstanding": _("This is more than you owe on this loan."),
    "promise_in_past": _("Please choose today or a later day."),
    "promise_too_far": _("This day is too far ahead; please choose an earlier one."),
    "invalid_amount": _("Please enter an amount above zero, with at most two decimals."),
    "mandate_above_maximum": _("This is above the most that auto-debit may collect."),
    "mandate_exists": _("This loan already has auto-debit."),
    "mandate_cancelled": _("This auto-debit was already cancelled."),
    "account_refused": _("The payment company does not recognise this account."),
    "not_enough_points": _("You do not have that many points."),
    "below_minimum_redemption": _("Please use at least the minimum number of points."),
    "redemption_above_fees_and_interest": _(
        "Points pay only interest and fees, and this is more than is due next."
    ),
    "redemption_worthless": _("These points are worth too little to use."),
    "invalid_points": _("Please enter a whole number of points."),
}
FALLBACK = _("This could not be done. Nothing was changed.")


def refusal_text(error: ServiceError) -> str:
    """Return what to tell the borrower about ``error``, in the active language."""
    return str(REFUSALS.get(error.code, FALLBACK))

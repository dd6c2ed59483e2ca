"""What to say on a call: a short script per recipient role and stage, in the reader's language.

To an emergency contact the script asks only that a call-back request be passed on: it never
names the debt, the lender's business or the amount (the gate denies a message that does).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EARLY_STAGE_DAYS = 30

DEBTOR_EARLY: tuple[Promise, ...] = (
    _("Say who you are and where you call from, then give the call's verification code."),
    _("Confirm you are speaking to the borrower before you say anything about the account."),
    _("Say what is due and by when. Ask whether something stands in the way of paying."),
    _("If paying is hard, offer the help-to-repay options: installments or a pause."),
    _("If they promise to pay, record the promise with its amount and day."),
)
DEBTOR_LATE: tuple[Promise, ...] = (
    _("Say who you are and where you call from, then give the call's verification code."),
    _("Confirm you are speaking to the borrower before you say anything about the account."),
    _("Listen first: ask how they are and what happened. Do not raise your voice or threaten."),
    _("Offer a restructuring plan or a hardship pause; say how to accept it in the portal."),
    _("If they speak of hardship, illness or distress, stop collecting and log it as hardship."),
)
EMERGENCY_CONTACT: tuple[Promise, ...] = (
    _("Say your name and that you are calling for the borrower, by first name only."),
    _("Ask only that they pass on a request to call back. Give the number to call."),
    _("Never mention a debt, a loan, an amount, the lender's business or any consequence."),
    _("If they ask why, say it is a private matter for the borrower. Thank them and end the call."),
    _("If they ask not to be called again, say so in the call log: the number is then left alone."),
)


def script_for(role: str, days_past_due: int) -> tuple[Promise, ...]:
    if role == "emergency_contact":
        return EMERGENCY_CONTACT
    return DEBTOR_EARLY if days_past_due <= EARLY_STAGE_DAYS else DEBTOR_LATE

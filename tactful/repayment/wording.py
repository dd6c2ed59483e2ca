"""Words help-to-repay says to borrowers: the auto-debit consent and the debit notices.

The consent wording is versioned: a mandate keeps the version, the language and a
digest of the exact text the borrower agreed to, so it can be shown again later.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext

if TYPE_CHECKING:
    from tactful.repayment.models import DebitMandate

CONSENT_VERSION = "2026.11-1"


def money_text(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}" if currency != "JPY" else f"{currency} {amount:,.0f}"


def consent_text(*, language: str, max_amount: Decimal, currency: str, debit_day: int) -> str:
    """Return the consent the borrower gives to set up auto-debit, in ``language``."""
    with translation.override(language):
        return gettext(
            "I authorise the lender to collect what falls due on this loan from my account "
            "on day %(day)d of each month, at most %(maximum)s a day. I will be told before "
            "each collection and after it. I can cancel this at any time in the portal, and "
            "a cancellation takes effect at once."
        ) % {"day": debit_day, "maximum": money_text(max_amount, currency)}


def mandate_consent_text(mandate: DebitMandate, *, language: str) -> str:
    """The consent `mandate` was set up with, its own figures, in `language`."""
    return consent_text(
        language=language,
        max_amount=mandate.max_amount,
        currency=mandate.loan.currency,
        debit_day=mandate.debit_day,
    )


def consent_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upcoming_text(*, language: str, amount: Decimal, currency: str, on: date, hint: str) -> str:
    with translation.override(language):
        return gettext(
            "On %(date)s we will collect %(amount)s for your loan from the account ending "
            "%(hint)s. You can cancel auto-debit in the portal."
        ) % {"date": on.isoformat(), "amount": money_text(amount, currency), "hint": hint}


def collected_text(*, language: str, amount: Decimal, currency: str, on: date) -> str:
    with translation.override(language):
        return gettext("We collected %(amount)s for your loan on %(date)s. Thank you.") % {
            "date": on.isoformat(),
            "amount": money_text(amount, currency),
        }


def failed_text(
    *, language: str, amount: Decimal, currency: str, on: date, retry_on: date | None
) -> str:
    values = {"date": on.isoformat(), "amount": money_text(amount, currency)}
    with translation.override(language):
        if retry_on is None:
            return (
                gettext(
                    "We could not collect %(amount)s on %(date)s and will not try again. You can "
                    "pay in the portal, or ask us for a plan that suits you."
                )
                % values
            )
        return gettext(
            "We could not collect %(amount)s on %(date)s. We will try again on %(retry)s."
        ) % {**values, "retry": retry_on.isoformat()}

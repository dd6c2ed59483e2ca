"""Where a credit on the ledger came from: the borrower's money, or one of Tactful's own entries.

Every credit is a payment entry, because each one lowers what is owed the same way. But only
the borrower's money is a payment *from the borrower*: closing a loan into a repayment plan,
redeeming reward points and complaint compensation are not, so they never keep a promise,
never earn points and are never shown to the borrower as "payment received". The entry's
external reference names its source; this module is the one place that reads it.
"""

from __future__ import annotations

from enum import StrEnum


class CreditSource(StrEnum):
    BORROWER = "borrower"
    RESTRUCTURE = "restructure"
    POINTS = "points"
    COMPENSATION = "compensation"


RESTRUCTURE_PREFIX = "restructure:"
POINTS_PREFIX = "points:"
COMPENSATION_PREFIX = "compensation:"

_PREFIXES = {
    RESTRUCTURE_PREFIX: CreditSource.RESTRUCTURE,
    POINTS_PREFIX: CreditSource.POINTS,
    COMPENSATION_PREFIX: CreditSource.COMPENSATION,
}


def credit_source(external_reference: str) -> CreditSource:
    """Return where the credit with ``external_reference`` came from."""
    for prefix, source in _PREFIXES.items():
        if external_reference.startswith(prefix):
            return source
    return CreditSource.BORROWER


def is_from_borrower(external_reference: str) -> bool:
    """Tell whether the credit is money the borrower paid (not one of Tactful's own entries)."""
    return credit_source(external_reference) is CreditSource.BORROWER

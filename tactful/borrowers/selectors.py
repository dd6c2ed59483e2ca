"""Read paths for borrowers."""

from __future__ import annotations

from tactful.borrowers.models import Borrower, PhoneNumber, phone_index


def borrower_by_phone(e164: str) -> Borrower | None:
    """Return the borrower whose own number is `e164` (normalised E.164), through its index."""
    number = (
        PhoneNumber.objects.select_related("borrower").filter(e164_index=phone_index(e164)).first()
    )
    return number.borrower if number else None


def borrower_by_external_id(external_id: str) -> Borrower | None:
    return Borrower.objects.filter(external_id=external_id).first()

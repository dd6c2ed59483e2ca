"""Read paths for borrowers."""

from __future__ import annotations

from tactful.borrowers.models import Borrower, PhoneNumber


def borrower_by_phone(e164: str) -> Borrower | None:
    number = PhoneNumber.objects.select_related("borrower").filter(e164=e164).first()
    return number.borrower if number else None


def borrower_by_external_id(external_id: str) -> Borrower | None:
    return Borrower.objects.filter(external_id=external_id).first()

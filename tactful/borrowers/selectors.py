"""Read paths for borrowers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import OuterRef, QuerySet, Subquery

from tactful.borrowers.models import (
    CORRECTION_ATTRIBUTES,
    Borrower,
    PhoneNumber,
    national_id_indexes,
    phone_indexes,
)


def borrower_by_phone(e164: str) -> Borrower | None:
    """Return the borrower whose own number is `e164` (normalised E.164), through its index."""
    number = (
        PhoneNumber.objects.select_related("borrower")
        .filter(e164_index__in=phone_indexes(e164))
        .first()
    )
    return number.borrower if number else None


def borrowers_with_national_id(national_id: str) -> QuerySet[Borrower]:
    """Return the borrowers with this normalised national ID, through its index."""
    return Borrower.objects.filter(national_id_index__in=national_id_indexes(national_id))


def borrower_by_id(pk: int) -> Borrower | None:
    return Borrower.objects.filter(pk=pk).first()


def borrowers_with_ids(ids: Iterable[int]) -> QuerySet[Borrower]:
    return Borrower.objects.filter(pk__in=list(ids))


def borrowers_with_external_id_prefix(prefix: str) -> QuerySet[Borrower]:
    """Return the borrowers whose external id starts with `prefix` (a seed's, a batch's)."""
    return Borrower.objects.filter(external_id__startswith=prefix)


def any_borrower() -> bool:
    """Tell whether any borrower is stored."""
    return Borrower.objects.exists()


def primary_numbers_with_prefix(prefix: str) -> QuerySet[PhoneNumber]:
    """Return the primary numbers of the borrowers whose external id starts with `prefix`."""
    return (
        PhoneNumber.objects.filter(is_primary=True, borrower__external_id__startswith=prefix)
        .select_related("borrower")
        .order_by("borrower_id")
    )


def borrower_by_external_id(external_id: str) -> Borrower | None:
    return Borrower.objects.filter(external_id=external_id).first()


def numbers_at(e164: str) -> QuerySet[PhoneNumber]:
    """Return the borrowers' own numbers stored as `e164` (every index key), oldest first."""
    return numbers_with_indexes(phone_indexes(e164))


def numbers_with_indexes(indexes: Sequence[str]) -> QuerySet[PhoneNumber]:
    """Return the borrowers' own numbers stored under these blind indexes, oldest first."""
    return (
        PhoneNumber.objects.select_related("borrower").filter(e164_index__in=indexes).order_by("pk")
    )


def numbers_of(borrower: Borrower) -> QuerySet[PhoneNumber]:
    """Return the borrower's own numbers, in the order they were given."""
    return borrower.phone_numbers.order_by("pk")


def primary_number(borrower: Borrower) -> PhoneNumber | None:
    """Return the borrower's primary number, else their oldest; None if they have none."""
    return borrower.phone_numbers.order_by("-is_primary", "pk").first()


def correctable_value(borrower: Borrower, field: str) -> str:
    """Return what the borrower's record holds now for the correctable `field`."""
    if field == "phone":
        primary = borrower.phone_numbers.filter(is_primary=True).first()
        return primary.e164 if primary else ""
    if field == "time_zone":
        return borrower.time_zone or ""
    return str(getattr(borrower, CORRECTION_ATTRIBUTES.get(field, field), "") or "")


def locked_borrower(pk: int) -> Borrower:
    """Return the borrower `pk`, its row locked until the caller's transaction ends."""
    return Borrower.objects.select_for_update().get(pk=pk)


def primary_zone_column(borrower_path: str) -> Subquery:
    """A subquery for rows that reach a borrower by `borrower_path`: their primary number's zone.

    With the borrower's own override, it gives `Borrower.time_zone` for a page of rows in
    one query, without reading (and decrypting) the numbers.
    """
    primary = PhoneNumber.objects.filter(borrower=OuterRef(borrower_path), is_primary=True)
    return Subquery(primary.values("time_zone")[:1])

"""Ledger entries partitioned by the month of their value date (PostgreSQL, ADR 0019): an
entry lands in its month's partition, its reference and the entry it reverses stay unique
across every month, and a one-month query reads one partition."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from tactful.audit.models import AppendOnlyError
from tactful.audit.partitions import prepare_months
from tactful.loans.models import EntryKey, EntryKind, LedgerEntry
from tactful.loans.services import post_payment, reverse_entry
from tactful.testing.partitions import partition_holding, partitions_read

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="monthly partitions are PostgreSQL's: CI's PostgreSQL pass runs this",
    ),
]

FEBRUARY = date(2026, 2, 1)
MARCH = date(2026, 3, 1)


@pytest.fixture
def payment(loan) -> LedgerEntry:
    """A payment valued 10 February 2026 (the loan was disbursed on 15 January)."""
    return post_payment(loan=loan, amount=Decimal("100"), value_date=date(2026, 2, 10), actor="t")


def _copy(entry: LedgerEntry, **changes: object) -> LedgerEntry:
    """Return an unsaved entry like `entry` with `changes`, as if posted behind the services."""
    copy = LedgerEntry.objects.get(pk=entry.pk)
    copy.pk = None
    copy._state.adding = True
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def _refused(entry: LedgerEntry) -> IntegrityError:
    with pytest.raises(IntegrityError) as refused:
        _insert(entry)
    return refused.value


def _insert(entry: LedgerEntry) -> None:
    with transaction.atomic():
        entry.save(force_insert=True)
        _check_foreign_keys_now()


def test_an_entry_lands_in_the_partition_of_its_value_dates_month(loan, payment):
    prepare_months(today=FEBRUARY, ahead=1)

    march = post_payment(loan=loan, amount=Decimal("5"), value_date=date(2026, 3, 31), actor="t")

    assert partition_holding(payment) == "loans_ledgerentry_y2026m02"
    assert partition_holding(march) == "loans_ledgerentry_y2026m03"
    assert EntryKey.objects.filter(reference=payment.reference, entry_id=payment.pk).exists()


def test_an_entry_of_a_month_without_a_partition_still_posts(payment):
    assert partition_holding(payment) == "loans_ledgerentry_default"
    assert LedgerEntry.objects.get().amount == Decimal("100.00")


def test_a_payment_reference_used_in_another_month_is_refused(payment):
    prepare_months(today=FEBRUARY, ahead=1)
    again = _copy(payment, value_date=date(2026, 3, 5))

    refused = _refused(again)

    assert "loans_entrykey_reference" in str(refused)
    assert list(LedgerEntry.objects.all()) == [payment]


def test_an_entry_reversed_in_one_month_cannot_be_reversed_again_in_another(loan, payment):
    reversal = reverse_entry(
        loan=loan, entry_reference=str(payment.reference), value_date=date(2026, 2, 20), actor="t"
    )
    # Behind the services' back (they refuse it first): the database still refuses it.
    again = _copy(reversal, reference=uuid.uuid4(), value_date=date(2026, 3, 2))

    refused = _refused(again)

    assert "loans_entrykey_reverses_id" in str(refused)


def test_a_reversal_must_still_reverse_an_entry_there_is(payment):
    orphan = LedgerEntry(
        loan=payment.loan,
        kind=EntryKind.REVERSAL,
        value_date=date(2026, 2, 12),
        amount=Decimal("100"),
        reverses_id=payment.pk + 1000,
        posted_by="t",
    )

    refused = _refused(orphan)

    assert "loans_ledgerentry_reverses_id" in str(refused)


def test_an_entry_is_still_append_only(payment):
    payment.amount = Decimal("1")

    with pytest.raises(AppendOnlyError):
        payment.save()
    with pytest.raises(AppendOnlyError):
        payment.delete()


def test_a_query_for_one_month_reads_only_that_months_partition(loan, payment):
    prepare_months(today=FEBRUARY, ahead=2)
    post_payment(loan=loan, amount=Decimal("5"), value_date=date(2026, 3, 31), actor="t")

    february = LedgerEntry.objects.filter(value_date__gte=FEBRUARY, value_date__lt=MARCH)

    assert list(february) == [payment]
    assert partitions_read(february) == {"loans_ledgerentry_y2026m02"}


def _check_foreign_keys_now() -> None:
    # Django's foreign keys are checked at commit; a test's transaction never commits.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

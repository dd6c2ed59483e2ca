from datetime import date
from decimal import Decimal

import pytest

from tactful.audit.models import AppendOnlyError, AuditEvent
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.loans.models import Installment, LedgerEntry, Loan
from tactful.loans.selectors import loan_status
from tactful.loans.services import (
    charge_fee,
    open_loan,
    post_payment,
    record_delinquency_snapshots,
    reverse_entry,
)
from tactful.loans.tests.conftest import terms

pytestmark = pytest.mark.django_db


def test_opening_a_loan_stores_its_schedule(loan):
    rows = list(loan.installments.values_list("n", "due_date", "principal", "interest"))
    assert len(rows) == 12
    assert rows[0] == (1, date(2026, 2, 15), Decimal("920.16"), Decimal("180.00"))
    assert sum(row[2] for row in rows) == Decimal("12000.00")


def test_opening_again_with_the_same_terms_returns_the_same_loan(borrower, loan):
    again, created = open_loan(borrower=borrower, terms=terms(), actor="test")
    assert (again.pk, created) == (loan.pk, False)
    assert Installment.objects.count() == 12


def test_terms_never_change(borrower, loan):
    with pytest.raises(Conflict) as error:
        open_loan(borrower=borrower, terms=terms(principal=Decimal("13000")), actor="test")
    assert error.value.code == "loan_terms_immutable"
    assert Loan.objects.get().principal == Decimal("12000.00")


@pytest.mark.parametrize(
    ("_case", "overrides", "field"),
    [
        ("negative principal", {"principal": Decimal("-1")}, "principal"),
        ("too many decimals", {"principal": Decimal("100.001")}, "principal"),
        ("unknown currency", {"currency": "XYZ"}, "currency"),
        ("unknown method", {"method": "balloon"}, "method"),
        ("negative rate", {"annual_rate": Decimal("-0.1")}, "annual_rate"),
        ("zero months", {"term_months": 0}, "term_months"),
        ("rate too precise", {"annual_rate": Decimal("0.1234567")}, "annual_rate"),
        ("principal too large", {"principal": Decimal("1e15")}, "principal"),
    ],
)
def test_bad_terms_store_nothing(borrower, _case, overrides, field):
    with pytest.raises(InvalidInput) as error:
        open_loan(borrower=borrower, terms=terms(**overrides), actor="test")
    assert field in error.value.fields
    assert Loan.objects.count() == 0
    assert Installment.objects.count() == 0


def test_a_payment_pays_the_oldest_installment_and_clears_days_past_due(loan):
    as_of = date(2026, 3, 20)
    assert loan_status(loan, as_of=as_of).days_past_due == 33
    post_payment(loan=loan, amount=Decimal("1100.16"), value_date=as_of, actor="test")
    status = loan_status(loan, as_of=as_of)
    assert (status.days_past_due, status.bucket) == (5, "M1")
    assert loan.installments.get(n=1).paid_off_on == as_of


def test_reversal_restores_the_state_before_the_payment(loan):
    as_of = date(2026, 3, 20)
    before = loan_status(loan, as_of=as_of)
    payment = post_payment(loan=loan, amount=Decimal("2200.32"), value_date=as_of, actor="test")
    reverse_entry(loan=loan, entry_reference=str(payment.reference), value_date=as_of, actor="test")
    after = loan_status(loan, as_of=as_of)
    assert (after.days_past_due, after.outstanding) == (before.days_past_due, before.outstanding)
    assert loan.installments.filter(paid_off_on__isnull=False).count() == 0
    assert LedgerEntry.objects.count() == 2


def test_an_entry_can_be_reversed_once_and_a_reversal_never(loan):
    payment = post_payment(loan=loan, amount=Decimal("10"), value_date=date(2026, 3, 1), actor="t")
    reversal = reverse_entry(
        loan=loan, entry_reference=str(payment.reference), value_date=date(2026, 3, 2), actor="t"
    )
    with pytest.raises(Conflict, match="already been reversed"):
        reverse_entry(
            loan=loan,
            entry_reference=str(payment.reference),
            value_date=date(2026, 3, 2),
            actor="t",
        )
    with pytest.raises(Conflict, match="cannot itself be reversed"):
        reverse_entry(
            loan=loan,
            entry_reference=str(reversal.reference),
            value_date=date(2026, 3, 2),
            actor="t",
        )
    with pytest.raises(NotFound):
        reverse_entry(
            loan=loan,
            entry_reference="00000000-0000-0000-0000-000000000000",
            value_date=date(2026, 3, 2),
            actor="t",
        )


def test_fees_are_paid_before_interest_and_principal(loan):
    charge_fee(
        loan=loan, installment_n=1, amount=Decimal("30"), value_date=date(2026, 2, 20), actor="t"
    )
    post_payment(loan=loan, amount=Decimal("100"), value_date=date(2026, 2, 21), actor="t")
    first = loan_status(loan, as_of=date(2026, 2, 21)).state.installments[0]
    assert (first.fees_paid, first.interest_paid, first.principal_paid) == (
        Decimal("30"),
        Decimal("70"),
        Decimal("0"),
    )


@pytest.mark.parametrize(
    ("amount", "value_date", "field"),
    [
        (Decimal("-5"), date(2026, 3, 1), "amount"),
        (Decimal("0"), date(2026, 3, 1), "amount"),
        (Decimal("1.001"), date(2026, 3, 1), "amount"),
        (Decimal("5"), date(2025, 1, 1), "value_date"),
        (Decimal("5"), date(2999, 1, 1), "value_date"),
    ],
)
def test_bad_payments_store_nothing(loan, amount, value_date, field):
    events_before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        post_payment(loan=loan, amount=amount, value_date=value_date, actor="t")
    assert field in error.value.fields
    assert LedgerEntry.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_ledger_entries_are_append_only(loan):
    entry = post_payment(loan=loan, amount=Decimal("5"), value_date=date(2026, 3, 1), actor="t")
    entry.amount = Decimal("500")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_daily_snapshots_record_history_once_per_day(loan):
    assert record_delinquency_snapshots(as_of=date(2026, 3, 20)) == 1
    assert record_delinquency_snapshots(as_of=date(2026, 3, 20)) == 0
    assert record_delinquency_snapshots(as_of=date(2026, 5, 1)) == 1
    history = list(loan.delinquency_snapshots.values_list("as_of", "days_past_due", "bucket"))
    assert history == [(date(2026, 3, 20), 33, "M2"), (date(2026, 5, 1), 75, "M3+")]

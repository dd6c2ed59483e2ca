from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tactful.audit.models import AuditEvent
from tactful.audit.verification import verify_chain
from tactful.errors import InvalidInput
from tactful.loans.ledger_view import ledger_state, read_ledgers, schedule_rows_of, schedules_of
from tactful.loans.models import Installment, LedgerEntry, Loan
from tactful.loans.services import (
    PaymentRequest,
    charge_fee,
    open_loan,
    post_payment,
    post_payments,
)
from tactful.loans.tests.conftest import terms

pytestmark = pytest.mark.django_db
FEB = date(2026, 2, 20)

# (loan letter, amount, value date): several per loan, one valued before an earlier one.
PAYMENTS = [
    ("a", "1100.16", date(2026, 3, 1)),
    ("b", "500.00", date(2026, 3, 2)),
    ("a", "1100.16", date(2026, 4, 1)),
    ("b", "1700.32", date(2026, 3, 20)),
    ("a", "0.01", date(2026, 2, 20)),
    ("c", "13500.00", date(2026, 5, 5)),
]


def open_loans(borrower, prefix: str) -> dict[str, Loan]:
    loans = {}
    for letter in "abc":
        loan, _ = open_loan(
            borrower=borrower, terms=terms(external_id=f"{prefix}-{letter}"), actor="test"
        )
        # A fee already on the ledger, so the replay has more than payments to apply.
        charge_fee(
            loan=loan,
            installment_n=1,
            amount=Decimal("30"),
            value_date=date(2026, 2, 20),
            actor="t",
        )
        loans[letter] = loan
    return loans


def requests(loans: dict[str, Loan]) -> list[PaymentRequest]:
    return [
        PaymentRequest(
            loan=loans[letter], amount=Decimal(amount), value_date=day, external_reference=f"r{n}"
        )
        for n, (letter, amount, day) in enumerate(PAYMENTS)
    ]


def ledger_of(loans: dict[str, Loan]) -> list[tuple[object, ...]]:
    rows = LedgerEntry.objects.filter(loan__in=loans.values()).order_by("id")
    return [
        (row.loan.external_id[-1], row.kind, row.amount, row.value_date, row.external_reference)
        for row in rows
    ]


def installments_of(loans: dict[str, Loan]) -> list[tuple[object, ...]]:
    rows = Installment.objects.filter(loan__in=loans.values()).order_by("loan_id", "n")
    return [(row.loan.external_id[-1], row.n, row.paid_off_on) for row in rows]


def events_after(sequence: int) -> list[tuple[object, ...]]:
    rows = AuditEvent.objects.filter(sequence__gt=sequence).order_by("sequence")
    return [(row.actor, row.action, row.object_type, row.payload["amount"]) for row in rows]


def last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]


def test_a_batch_stores_what_posting_one_by_one_stores(borrower) -> None:
    single, batch = open_loans(borrower, "one"), open_loans(borrower, "batch")
    before_single = last_sequence()
    for request in requests(single):
        post_payment(
            loan=request.loan,
            amount=request.amount,
            value_date=request.value_date,
            actor="test",
            external_reference=request.external_reference,
        )
    before_batch = last_sequence()
    entries = post_payments(payments=requests(batch), actor="test")

    assert ledger_of(batch) == ledger_of(single)
    assert installments_of(batch) == installments_of(single)
    assert any(paid_off for _, _, paid_off in installments_of(batch))
    assert events_after(before_batch) == events_after(before_single)[: len(PAYMENTS)]
    assert [entry.external_reference for entry in entries] == [f"r{n}" for n in range(6)]
    assert all(entry.pk for entry in entries)
    targets = AuditEvent.objects.filter(sequence__gt=before_batch).order_by("sequence")
    assert [event.object_id for event in targets] == [str(entry.pk) for entry in entries]
    report = verify_chain()
    assert report.intact, report.problem


@pytest.mark.parametrize(
    ("amount", "value_date", "field"),
    [
        (Decimal("-5"), date(2026, 3, 1), "payments[1].amount"),
        (Decimal("1.001"), date(2026, 3, 1), "payments[1].amount"),
        (Decimal("5"), date(2025, 1, 1), "payments[1].value_date"),
        (Decimal("5"), date(2999, 1, 1), "payments[1].value_date"),
    ],
)
def test_one_bad_payment_stores_nothing_of_the_batch(loan, amount, value_date, field) -> None:
    events_before = AuditEvent.objects.count()
    good = PaymentRequest(loan=loan, amount=Decimal("1100.16"), value_date=date(2026, 3, 1))
    bad = PaymentRequest(loan=loan, amount=amount, value_date=value_date)
    with pytest.raises(InvalidInput) as error:
        post_payments(payments=[good, bad, good], actor="t")
    assert list(error.value.fields) == [field]
    assert LedgerEntry.objects.count() == 0
    assert AuditEvent.objects.count() == events_before
    assert not Installment.objects.filter(paid_off_on__isnull=False).exists()


def test_loans_are_locked_in_ascending_order_before_anything_is_written(borrower) -> None:
    loans = open_loans(borrower, "lock")
    backwards = sorted(loans.values(), key=lambda loan: -loan.pk)
    payments = [
        PaymentRequest(loan=loan, amount=Decimal("10"), value_date=date(2026, 3, 1))
        for loan in backwards
    ]
    with CaptureQueriesContext(connection) as queries:
        post_payments(payments=payments, actor="t")
    statements = [query["sql"] for query in queries.captured_queries]
    lock = next(n for n, sql in enumerate(statements) if 'FROM "loans_loan"' in sql)
    first_write = next(n for n, sql in enumerate(statements) if sql.startswith("INSERT"))
    assert lock < first_write
    # Ordered by the primary key (the first and only column selected), locked on PostgreSQL.
    assert re.search(r"ORDER BY 1 ASC" + _for_update() + "$", statements[lock])


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def test_a_batch_costs_the_same_queries_whatever_its_size(borrower) -> None:
    loans = open_loans(borrower, "cost")

    def queries_for(count: int) -> int:
        payments = [
            PaymentRequest(loan=loan, amount=Decimal("1"), value_date=date(2026, 3, 1))
            for loan in list(loans.values())[:count]
        ]
        with CaptureQueriesContext(connection) as queries:
            post_payments(payments=payments, actor="t")
        return len(queries.captured_queries)

    assert queries_for(1) == queries_for(3)


def test_an_empty_batch_stores_nothing(loan) -> None:
    events_before = AuditEvent.objects.count()
    assert post_payments(payments=[], actor="t") == []
    assert AuditEvent.objects.count() == events_before


def test_ledgers_read_beforehand_give_what_reading_afresh_gives(borrower) -> None:
    afresh, read = open_loans(borrower, "afresh"), open_loans(borrower, "read")
    post_payments(payments=requests(afresh), actor="test")
    ledgers = read_ledgers(loan.pk for loan in read.values())
    with CaptureQueriesContext(connection) as queries:
        post_payments(payments=requests(read), actor="test", ledgers=ledgers)

    assert installments_of(read) == installments_of(afresh)
    assert ledger_of(read) == ledger_of(afresh)
    # The schedules were read already: the posting reads only the paid-off dates.
    installment_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "loans_installment"' in query["sql"]
    ]
    assert len(installment_reads) == 1
    assert '"loans_installment"."principal"' not in installment_reads[0]
    # The open replays took the new payments: they now stand where a fresh replay would.
    for loan in read.values():
        replayed = ledger_state(loan, as_of=date.max)
        assert ledgers[loan.pk].replay.state(date.max) == replayed


def test_a_ledger_that_changed_since_it_was_read_is_replayed_in_full(borrower) -> None:
    afresh, read = open_loans(borrower, "fresh2"), open_loans(borrower, "stale")
    ledgers = read_ledgers(loan.pk for loan in read.values())
    # Posted by someone else between the read and the batch: the read is stale.
    for loans in (afresh, read):
        post_payment(loan=loans["a"], amount=Decimal("1100.16"), value_date=FEB, actor="t")
    post_payments(payments=requests(afresh), actor="test")
    post_payments(payments=requests(read), actor="test", ledgers=ledgers)

    assert installments_of(read) == installments_of(afresh)
    assert any(paid_off for _, _, paid_off in installments_of(read))


def test_a_read_of_another_loan_is_not_used(borrower) -> None:
    afresh, read = open_loans(borrower, "fresh3"), open_loans(borrower, "mixed")
    ledgers = read_ledgers(loan.pk for loan in read.values())
    swapped = {read["a"].pk: ledgers[read["b"].pk], read["b"].pk: ledgers[read["a"].pk]}
    post_payments(payments=requests(afresh), actor="test")
    post_payments(payments=requests(read), actor="test", ledgers=swapped)

    assert installments_of(read) == installments_of(afresh)


def test_first_installments_read_alone_post_what_a_full_read_posts(borrower) -> None:
    afresh, read = open_loans(borrower, "fresh4"), open_loans(borrower, "first")
    # Installments 1 and 2 fall due before 20 March; "c" pays far beyond them.
    ledgers = read_ledgers((loan.pk for loan in read.values()), due_before=date(2026, 3, 20))
    assert [due.n for due in ledgers[read["a"].pk].schedule.dues] == [1, 2]
    post_payments(payments=requests(afresh), actor="test")
    post_payments(payments=requests(read), actor="test", ledgers=ledgers)

    assert installments_of(read) == installments_of(afresh)
    assert ("c", 12, date(2026, 5, 5)) in installments_of(read)
    # "a" and "b" paid within their first two installments: the replays read took them.
    for letter in "ab":
        whole = ledger_state(read[letter], as_of=date.max).installments
        assert ledgers[read[letter].pk].replay.state(date.max).installments == whole[:2]
    report = verify_chain()
    assert report.intact, report.problem


def test_a_fee_on_a_later_installment_has_the_loan_read_in_full(borrower) -> None:
    loans = open_loans(borrower, "fee")
    charge_fee(loan=loans["b"], installment_n=5, amount=Decimal("30"), value_date=FEB, actor="t")
    ledgers = read_ledgers((loan.pk for loan in loans.values()), due_before=date(2026, 3, 20))

    assert not ledgers[loans["a"].pk].schedule.complete
    assert ledgers[loans["b"].pk].schedule.complete
    assert len(ledgers[loans["b"].pk].schedule.dues) == 12
    whole = ledger_state(loans["b"], as_of=FEB).installments
    assert ledgers[loans["b"].pk].replay.state(FEB).installments == whole


def test_schedule_rows_give_each_installment_in_exact_cents(borrower) -> None:
    loans = open_loans(borrower, "cents")
    first = next(iter(loans.values()))
    # Amounts a float would get wrong, and the largest the column holds in practice.
    Installment.objects.filter(loan=first, n=1).update(principal=Decimal("0.29"))
    Installment.objects.filter(loan=first, n=2).update(interest=Decimal("1234567890123.57"))
    ids = [loan.pk for loan in loans.values()]

    rows = schedule_rows_of(ids)

    expected = [
        (loan_id, due.n, due.due_date, int(due.principal * 100), int(due.interest * 100))
        for loan_id, schedule in schedules_of(ids).items()
        for due in schedule.dues
    ]
    assert sorted(rows) == sorted(expected)
    assert (first.pk, 1) in {(row[0], row[1]) for row in rows}
    assert all(isinstance(value, int) for row in rows for value in (row[3], row[4]))
    assert 29 in {row[3] for row in rows if row[0] == first.pk}
    assert 123456789012357 in {row[4] for row in rows if row[0] == first.pk}

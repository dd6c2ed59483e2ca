"""The run works in batches: whatever their size, every mandate ends as it would alone."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tactful.audit.models import AuditEvent
from tactful.audit.verification import verify_chain
from tactful.loans.models import Loan
from tactful.repayment import services
from tactful.repayment.models import (
    DebitAttempt,
    DebitMandate,
    DebitResult,
    MandateCancellation,
)
from tactful.repayment.payments import (
    BankAccount,
    ChargeRequest,
    ChargeResult,
    FakeProcessor,
    ProcessorUnavailable,
)
from tactful.repayment.services import MandateRequest
from tactful.repayment.services.debits import RUN_GC_THRESHOLD
from tactful.repayment.tests.test_auto_debit import (
    CLOSED,
    INSUFFICIENT,
    D,
    collected_entries,
    mandate_for,
    run,
    run_day,
)
from tactful.testing.personas import make_overdue_loan

KINDS = ("paid", "poor", "flaky", "withdrawn", "paused", "closed", "paid_too")


@dataclass
class FlakyProcessor(FakeProcessor):
    """A processor that cannot be reached for one account only."""

    unreachable: str = ""

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if request.token == self.unreachable:
            raise ProcessorUnavailable("no answer for this account")
        return super().charge(request)


@pytest.fixture
def flaky() -> FlakyProcessor:
    return FlakyProcessor()


def own_mandate(loan: Loan, number: int) -> DebitMandate:
    """A mandate on an account of the loan's own, collecting one installment a day."""
    request = MandateRequest(
        account=BankAccount(bank_code="ICBC", account_number=f"62220202001122{number:05d}"),
        max_amount=D("1100.16"),
        debit_day=run_day().day,
        language="zh-hans",
    )
    return services.set_up_mandate(loan=loan, request=request, via="portal", actor="borrower:1")


def portfolio(borrower, processor: FlakyProcessor, today) -> dict[str, Loan]:
    """One loan of each kind, each with its mandate, in the order of KINDS."""
    loans = {kind: make_overdue_loan(borrower, external_id=f"l-{kind}") for kind in KINDS}
    mandates = {kind: own_mandate(loan, n) for n, (kind, loan) in enumerate(loans.items())}
    processor.fail_accounts[mandates["poor"].account_token] = INSUFFICIENT
    processor.fail_accounts[mandates["closed"].account_token] = CLOSED
    processor.unreachable = mandates["flaky"].account_token
    services.cancel_mandate(mandate=mandates["withdrawn"], reason="borrower", actor="borrower:1")
    services.request_pause(
        loan=loans["paused"],
        starts_on=run_day(),
        ends_on=run_day() + timedelta(days=10),
        reason="illness",
        via="portal",
        actor="b",
        today=today,
    )
    return loans


def outcomes(loans: dict[str, Loan]) -> dict[str, tuple[object, ...]]:
    """Each loan's attempts with their results, and its auto-debit payments."""
    seen: dict[str, tuple[object, ...]] = {}
    for kind, loan in loans.items():
        attempts = DebitAttempt.objects.filter(loan=loan).order_by("pk")
        seen[kind] = (
            [
                (
                    attempt.installment_n,
                    attempt.amount,
                    getattr(getattr(attempt, "result", None), "outcome", None),
                    getattr(getattr(attempt, "result", None), "retry_on", None),
                )
                for attempt in attempts
            ],
            sorted(entry.amount for entry in collected_entries(loan)),
        )
    return seen


@pytest.mark.parametrize("chunk_size", [1, 3, 500])
def test_a_mixed_run_ends_each_mandate_as_it_would_alone(
    borrower, flaky, today, chunk_size
) -> None:
    loans = portfolio(borrower, flaky, today)
    report = run(run_day(), flaky, chunk_size=chunk_size)

    assert (report.mandates, report.attempts) == (6, 5)
    assert (report.collected, report.failed, report.unknown) == (2, 2, 1)
    got = outcomes(loans)
    installment = 1
    amount = collected_entries(loans["paid"]).get().amount
    assert got["paid"] == ([(installment, amount, "succeeded", None)], [amount])
    assert got["paid_too"] == got["paid"]
    assert got["poor"] == (
        [(installment, amount, "failed", run_day() + timedelta(days=1))],
        [],
    )
    assert got["closed"] == ([(installment, amount, "failed", None)], [])
    # No answer: claimed, not recorded, left to the next run.
    assert got["flaky"] == ([(installment, amount, None, None)], [])
    # A withdrawn consent and a hardship pause: nothing claimed, nothing charged.
    assert got["withdrawn"] == got["paused"] == ([], [])
    charged = {charge.token for charge in flaky.charges}
    assert charged == {
        DebitMandate.objects.get(loan=loans[kind]).account_token for kind in ("paid", "paid_too")
    }
    ended = MandateCancellation.objects.filter(reason="account_unusable")
    assert [cancellation.mandate.loan for cancellation in ended] == [loans["closed"]]
    assert verify_chain().intact


@pytest.mark.parametrize("chunk_size", [1, 500])
def test_a_second_run_the_same_day_collects_nothing_twice(
    borrower, flaky, today, chunk_size
) -> None:
    loans = portfolio(borrower, flaky, today)
    run(run_day(), flaky, chunk_size=chunk_size)
    charges, results = len(flaky.charges), DebitResult.objects.count()

    flaky.unreachable = ""
    again = run(run_day(), flaky, chunk_size=chunk_size, resume_after=timedelta(0))

    # The attempt left without an answer is asked again and collects. The day's maximum
    # is spent everywhere else but on the empty account, whose next installment is tried.
    assert (again.resumed, again.collected, again.failed) == (1, 1, 1)
    assert [attempt.loan for attempt in DebitAttempt.objects.filter(run_id=again.run_id)] == [
        loans["poor"]
    ]
    assert len(flaky.charges) == charges + 1
    assert DebitResult.objects.count() == results + 2
    keys = [charge.idempotency_key for charge in flaky.charges]
    assert len(keys) == len(set(keys))
    for kind in ("paid", "paid_too", "flaky"):
        assert collected_entries(loans[kind]).count() == 1
    assert verify_chain().intact


def test_a_mandate_withdrawn_during_the_run_is_not_debited(borrower, processor) -> None:
    loans = [make_overdue_loan(borrower, external_id=f"l-during-{n}") for n in range(2)]
    mandates = [own_mandate(loan, n) for n, loan in enumerate(loans)]

    def withdraw_the_second(done: int, total: int) -> None:
        if done == 1:
            services.cancel_mandate(mandate=mandates[1], reason="borrower", actor="borrower:1")

    report = run(run_day(), processor, chunk_size=1, progress=withdraw_the_second)

    assert (report.mandates, report.attempts, report.collected) == (2, 1, 1)
    assert [charge.token for charge in processor.charges] == [mandates[0].account_token]
    assert collected_entries(loans[1]).count() == 0
    assert not DebitAttempt.objects.filter(mandate=mandates[1]).exists()


def test_a_mandate_failing_twice_in_one_batch_is_ended_once(loan, processor) -> None:
    # About seventy days late: several installments are collected in one go.
    mandate = mandate_for(loan, processor)
    processor.fail_accounts[mandate.account_token] = CLOSED
    report = run(run_day(), processor)

    assert report.failed == report.attempts > 1
    assert MandateCancellation.objects.filter(mandate=mandate).count() == 1
    ended = AuditEvent.objects.filter(action="repayment.mandate_cancelled")
    assert [event.object_id for event in ended] == [str(mandate.pk)]


def test_the_queries_of_a_run_do_not_grow_with_its_mandates(borrower, processor) -> None:
    def queries_for(count: int, prefix: str) -> int:
        for n in range(count):
            loan = make_overdue_loan(borrower, external_id=f"l-{prefix}-{n}")
            mandate_for(loan, processor, maximum="1100.16")
        with CaptureQueriesContext(connection) as queries:
            report = run(run_day(), processor)
        assert report.collected == count
        return len(queries.captured_queries)

    assert queries_for(2, "few") == queries_for(6, "more")


def test_the_collector_is_relaxed_for_the_run_only(loan, processor) -> None:
    mandate_for(loan, processor)
    before = gc.get_threshold()
    during: list[int] = []
    run(run_day(), processor, progress=lambda done, total: during.append(gc.get_threshold()[0]))
    assert during == [max(before[0], RUN_GC_THRESHOLD)]
    assert gc.get_threshold() == before

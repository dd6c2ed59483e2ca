from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.batches.services import ChunksFailed
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import EntryKind, LedgerEntry
from tactful.loans.selectors import loan_status
from tactful.repayment import services
from tactful.repayment.models import (
    DebitAttempt,
    DebitMandate,
    DebitNotice,
    DebitResult,
    MandateCancellation,
    MandateConsent,
)
from tactful.repayment.payments import BankAccount, ChargeResult, FakeProcessor
from tactful.repayment.services import MandateRequest
from tactful.testing.personas import make_overdue_loan

D = Decimal
ACCOUNT = BankAccount(bank_code="ICBC", account_number="6222020200112233445")
INSUFFICIENT = ChargeResult(succeeded=False, failure_code="insufficient_funds")
CLOSED = ChargeResult(succeeded=False, failure_code="account_closed", permanent=True)


def run_day() -> date:
    """The latest day up to today that a mandate can name (days 1 to 28)."""
    today = timezone.now().date()
    return today if today.day <= 28 else today.replace(day=28)


def mandate_for(loan, processor, maximum="5000.00", day=None) -> DebitMandate:
    request = MandateRequest(
        account=ACCOUNT,
        max_amount=D(maximum),
        debit_day=run_day().day if day is None else day,
        language="zh-hans",
    )
    return services.set_up_mandate(loan=loan, request=request, via="portal", actor="borrower:1")


def run(as_of, processor, **kwargs):
    return services.run_auto_debits(as_of=as_of, port=processor, **kwargs)


def collected_entries(loan):
    return LedgerEntry.objects.filter(
        loan=loan, kind=EntryKind.PAYMENT, external_reference__startswith="ad-"
    )


def test_a_mandate_keeps_a_token_and_the_consent_never_the_account(loan, processor) -> None:
    mandate = mandate_for(loan, processor)
    assert mandate.account_token.startswith("fake_acct_")
    assert mandate.account_hint == "3445"
    consent = mandate.consent
    assert (consent.language, consent.given_via) == ("zh-hans", "portal")
    assert len(consent.wording_digest) == 64
    stored = json.dumps(
        [
            list(DebitMandate.objects.values()),
            list(MandateConsent.objects.values()),
            list(AuditEvent.objects.values_list("payload", flat=True)),
        ],
        default=str,
    )
    assert ACCOUNT.account_number not in stored


@pytest.mark.parametrize(
    ("maximum", "day", "code"),
    [
        ("50000.01", 10, "mandate_above_maximum"),
        ("-1.00", 10, "invalid_amount"),
        ("0", 10, "invalid_amount"),
        ("12.345", 10, "invalid_amount"),
        ("100.00", 29, "invalid_input"),
        ("100.00", 0, "invalid_input"),
    ],
)
def test_bad_mandates_are_refused_and_nothing_stored(loan, processor, maximum, day, code) -> None:
    with pytest.raises(InvalidInput) as refused:
        mandate_for(loan, processor, maximum=maximum, day=day)
    assert refused.value.code == code
    assert not DebitMandate.objects.exists()
    assert not MandateConsent.objects.exists()


def test_an_account_the_processor_refuses_stores_nothing(loan, processor) -> None:
    request = MandateRequest(
        account=BankAccount("ICBC", "12"), max_amount=D("100"), debit_day=5, language="en"
    )
    with pytest.raises(InvalidInput) as refused:
        services.set_up_mandate(loan=loan, request=request, via="portal", actor="b")
    assert refused.value.code == "account_refused"
    assert not DebitMandate.objects.exists()


def test_one_active_mandate_per_loan(loan, processor) -> None:
    first = mandate_for(loan, processor)
    with pytest.raises(Conflict) as refused:
        mandate_for(loan, processor)
    assert refused.value.code == "mandate_exists"
    services.cancel_mandate(mandate=first, reason="borrower", actor="borrower:1")
    mandate_for(loan, processor)
    with pytest.raises(Conflict):
        services.cancel_mandate(mandate=first, reason="borrower", actor="borrower:1")


def test_the_run_collects_what_is_due_and_posts_it_once(loan, processor, sms_outbox) -> None:
    mandate_for(loan, processor)
    day = run_day()
    due_before = loan_status(loan, as_of=day).due_now
    report = run(day, processor)
    assert report.collected >= 1
    assert processor.collected() == report.amount_collected
    entries = collected_entries(loan)
    assert sum(entry.amount for entry in entries) == processor.collected()
    assert {entry.external_reference for entry in entries} == {
        charge.idempotency_key for charge in processor.charges
    }
    # Everything overdue, and the installment falling due before the next debit day.
    assert loan_status(loan, as_of=day).due_now == 0
    assert processor.collected() > due_before
    # The same day again: nothing more is charged.
    again = run(day, processor)
    assert (again.attempts, again.collected) == (0, 0)
    assert len(processor.charges) == report.collected


def test_notices_after_collection_go_through_a_reminder_permit(
    loan, processor, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    mandate_for(loan, processor)
    with django_capture_on_commit_callbacks(execute=True):
        run(run_day(), processor)
    notices = DebitNotice.objects.filter(kind="collected")
    assert notices.exists()
    assert all(notice.sent and notice.permit_id for notice in notices)
    texts = [m for m in sms_outbox.sent if m.purpose == "auto_debit_collected"]
    assert len(texts) == notices.count()
    from tactful.contacts.models import ContactAttempt

    assert set(ContactAttempt.objects.values_list("purpose", flat=True)) == {"reminder"}


def test_a_denied_notice_sends_nothing_and_is_recorded(
    loan, processor, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    from tactful.testing.zones import move_to_night

    move_to_night(loan.borrower)
    loan.borrower.refresh_from_db()
    mandate_for(loan, processor)
    with django_capture_on_commit_callbacks(execute=True):
        run(run_day(), processor)
    notice = DebitNotice.objects.get(kind="collected")
    assert not notice.sent
    assert "time_window" in notice.detail
    assert not [m for m in sms_outbox.sent if m.purpose.startswith("auto_debit")]


def test_the_mandate_maximum_caps_a_days_collection(loan, processor) -> None:
    mandate_for(loan, processor, maximum="1500.00")
    report = run(run_day(), processor)
    assert report.amount_collected == D("1500.00")


def test_a_failure_is_retried_on_the_policy_days_then_the_mandate_ends(loan, processor) -> None:
    mandate = mandate_for(loan, processor, maximum="1100.16")
    processor.fail_accounts[mandate.account_token] = INSUFFICIENT
    day = run_day() - timedelta(days=4)
    mandate = _on_day(mandate, day)
    run(day, processor)
    first = DebitResult.objects.get()
    assert first.retry_on == day + timedelta(days=1)
    assert run(day + timedelta(days=1), processor).attempts == 1
    assert run(day + timedelta(days=2), processor).attempts == 0
    assert run(day + timedelta(days=4), processor).attempts == 1
    last = DebitResult.objects.order_by("-pk").first()
    assert last is not None
    assert last.retry_on is None
    assert MandateCancellation.objects.get(mandate=mandate).reason == "account_unusable"
    assert not processor.charges


def _on_day(mandate, day):
    """Return a mandate like `mandate` but collecting on `day` (the test's own choice)."""
    services.cancel_mandate(mandate=mandate, reason="borrower", actor="t")
    request = MandateRequest(ACCOUNT, mandate.max_amount, day.day, "zh-hans")
    fresh = services.set_up_mandate(loan=mandate.loan, request=request, via="portal", actor="t")
    return fresh


def test_a_permanent_failure_ends_the_mandate_at_once(loan, processor) -> None:
    mandate = mandate_for(loan, processor, maximum="1100.16")
    processor.fail_accounts[mandate.account_token] = CLOSED
    run(run_day(), processor)
    assert DebitResult.objects.get().retry_on is None
    assert MandateCancellation.objects.filter(mandate=mandate).exists()


def test_paused_and_restructured_loans_are_not_collected(loan, processor, today) -> None:
    mandate_for(loan, processor)
    services.request_pause(
        loan=loan,
        starts_on=run_day(),
        ends_on=run_day() + timedelta(days=10),
        reason="illness",
        via="portal",
        actor="b",
        today=today,
    )
    assert run(run_day(), processor).attempts == 0
    assert not processor.charges


def test_an_unreachable_processor_leaves_the_attempt_to_the_next_run(loan, processor) -> None:
    mandate_for(loan, processor, maximum="1100.16")
    processor.unavailable = True
    report = run(run_day(), processor)
    assert (report.attempts, report.unknown) == (1, 1)
    assert not DebitResult.objects.exists()
    processor.unavailable = False
    again = run(run_day(), processor, resume_after=timedelta(0))
    assert (again.resumed, again.collected) == (1, 1)
    assert collected_entries(loan).count() == 1


def test_a_crash_between_charge_and_record_never_charges_twice(borrower, processor) -> None:
    loans = [make_overdue_loan(borrower, external_id=f"l-crash-{n}") for n in range(5)]
    for loan in loans:
        mandate_for(loan, processor, maximum="1100.16")

    def crash_on_the_third(request):
        if len(processor.charges) == 3:
            raise RuntimeError("the worker died after the processor took the money")

    processor.after_charge = crash_on_the_third
    with pytest.raises(ChunksFailed) as failed:
        run(run_day(), processor, chunk_size=2)
    assert isinstance(failed.value.__cause__, RuntimeError)
    # The worker went on with the next chunk; the crashed one waits for the next run.
    assert len(processor.charges) == 4
    assert DebitResult.objects.count() == 3
    processor.after_charge = None
    report = run(run_day(), processor, chunk_size=2, resume_after=timedelta(0))
    # The crashed batch: one attempt charged but unrecorded, one never charged.
    assert report.resumed == 2
    _assert_each_collected_once(loans, processor)


def _assert_each_collected_once(loans, processor) -> None:
    keys = Counter(charge.idempotency_key for charge in processor.charges)
    assert all(count == 1 for count in keys.values())
    assert len(keys) == len(loans)
    posted = LedgerEntry.objects.filter(external_reference__startswith="ad-")
    assert sorted(entry.external_reference for entry in posted) == sorted(keys)
    for loan in loans:
        assert collected_entries(loan).count() == 1
    assert DebitAttempt.objects.count() == len(loans)
    assert DebitResult.objects.count() == len(loans)


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_with_sigkill_is_finished_by_the_next_run(borrower, tmp_path: Path) -> None:
    loans = [make_overdue_loan(borrower, external_id=f"l-kill-{n}") for n in range(5)]
    setup = FakeProcessor()
    from tactful.repayment.payments import use_payment_port

    use_payment_port(setup)
    try:
        for loan in loans:
            mandate_for(loan, setup, maximum="1100.16")
    finally:
        use_payment_port(None)
    journal = tmp_path / "processor.jsonl"
    killed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tactful.repayment.tests.crash_runner",
            str(connection.settings_dict["NAME"]),
            str(journal),
            run_day().isoformat(),
            "3",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    survivor = FakeProcessor(journal=journal)
    assert len(survivor.charges) == 3
    assert DebitResult.objects.count() == 2
    report = run(run_day(), survivor, chunk_size=2, resume_after=timedelta(0))
    assert report.resumed == 2
    _assert_each_collected_once(loans, survivor)
    assert len(journal.read_text().splitlines()) == len(loans)


def test_borrowers_hear_of_a_collection_days_before_it_once(
    loan, processor, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    notice_day = run_day() - timedelta(days=3)
    collection_day = notice_day + timedelta(days=3)
    mandate_for(loan, processor, day=collection_day.day)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_upcoming_notices(today=notice_day) == 1
        assert services.send_upcoming_notices(today=notice_day) == 0
    [text] = [m for m in sms_outbox.sent if m.purpose == "auto_debit_upcoming"]
    assert collection_day.isoformat() in text.body
    assert "3445" in text.body
    assert DebitNotice.objects.get().kind == "upcoming"


def test_no_notice_when_nothing_will_be_collected(borrower, processor, sms_outbox) -> None:
    fresh = make_overdue_loan(borrower, external_id="l-fresh", days_ago=0)
    notice_day = run_day() - timedelta(days=3)
    mandate_for(fresh, processor, day=(notice_day + timedelta(days=3)).day)
    # The first installment falls due on (or after) the next debit day: not collected yet.
    assert services.send_upcoming_notices(today=notice_day) == 0
    assert not sms_outbox.sent


def test_a_batch_of_collections_is_posted_together_and_each_result_names_its_entry(
    borrower, processor, monkeypatch
) -> None:
    from tactful.audit.verification import verify_chain
    from tactful.loans import services as loan_services

    loans = [make_overdue_loan(borrower, external_id=f"l-batch-{n}") for n in range(5)]
    for loan in loans:
        mandate_for(loan, processor)
    batches: list[int] = []
    post_payments = loan_services.post_payments

    def counted(*, payments, **kwargs):
        batches.append(len(payments))
        return post_payments(payments=payments, **kwargs)

    monkeypatch.setattr(loan_services, "post_payments", counted)
    report = run(run_day(), processor, chunk_size=3)

    assert report.collected == len(processor.charges) >= len(loans)
    assert len(batches) == 2
    assert sum(batches) == report.collected
    for result in DebitResult.objects.select_related("attempt", "ledger_entry"):
        entry = result.ledger_entry
        assert entry is not None
        assert (entry.external_reference, entry.amount) == (
            result.attempt.idempotency_key,
            result.attempt.amount,
        )
    for loan in loans:
        assert loan_status(loan, as_of=run_day()).due_now == 0
    report = verify_chain()
    assert report.intact, report.problem


def test_an_unpostable_collection_is_left_alone_and_the_rest_of_its_batch_recorded(
    borrower, processor, monkeypatch
) -> None:
    from tactful.loans import services as loan_services

    loans = [make_overdue_loan(borrower, external_id=f"l-odd-{n}") for n in range(3)]
    for loan in loans:
        mandate_for(loan, processor, maximum="1100.16")
    odd = loans[1]
    validate = loan_services.validate_payment

    def refuse_the_odd_one(payment):
        if payment.loan.pk == odd.pk:
            raise InvalidInput({"amount": "refused for the test"})
        return validate(payment)

    monkeypatch.setattr(loan_services, "validate_payment", refuse_the_odd_one)
    report = run(run_day(), processor)

    assert (report.collected, report.unknown) == (2, 1)
    assert collected_entries(odd).count() == 0
    assert not DebitResult.objects.filter(attempt__loan=odd).exists()
    assert all(collected_entries(loan).count() == 1 for loan in (loans[0], loans[2]))


def _worker(db_name: str, journal: Path, run_reference: str, kill_after: int):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tactful.repayment.tests.crash_runner",
            "--worker",
            db_name,
            str(journal),
            run_reference,
            str(kill_after),
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_a_lease(day, process) -> None:
    import time

    from tactful.batches.models import BatchChunk

    leases = BatchChunk.objects.filter(run=day, leased_by__endswith=f":{process.pid}")
    deadline = time.monotonic() + 60
    while not leases.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_day_and_one_killed_is_finished_without_double_effects(
    borrower, tmp_path: Path
) -> None:
    from tactful.audit.verification import verify_chain
    from tactful.batches.models import BatchChunk
    from tactful.repayment.payments import use_payment_port

    loans = [make_overdue_loan(borrower, external_id=f"l-share-{n}") for n in range(12)]
    setup = FakeProcessor()
    use_payment_port(setup)
    try:
        for loan in loans:
            mandate_for(loan, setup, maximum="1100.16")
    finally:
        use_payment_port(None)
    day = services.open_debit_day(as_of=run_day(), chunk_size=2)
    assert day.chunks == 6
    journal = tmp_path / "processor.jsonl"
    database = str(connection.settings_dict["NAME"])
    # The doomed worker dies after charging its first chunk, before recording it; the
    # steady one starts once the doomed one holds that chunk and does the rest.
    doomed = _worker(database, journal, str(day.reference), kill_after=2)
    _wait_for_a_lease(day, doomed)
    steady = _worker(database, journal, str(day.reference), kill_after=0)
    assert doomed.wait(timeout=120) == -9, doomed.stderr.read().decode()[-2000:]
    assert steady.wait(timeout=120) == 0, steady.stderr.read().decode()[-2000:]
    day.refresh_from_db()
    # The killed worker's chunk is still leased to it: the run is not finished.
    assert day.finished_at is None
    assert BatchChunk.objects.filter(run=day, done_at__isnull=True).count() == 1
    assert len(journal.read_text().splitlines()) == len(loans)

    survivor = FakeProcessor(journal=journal)
    report = run(run_day(), survivor, chunk_size=2, resume_after=timedelta(0))

    assert report.run_id == day.reference
    assert report.collected == len(loans)
    assert report.failed == report.unknown == 0
    assert report.mandates == len(loans)
    _assert_each_collected_once(loans, survivor)
    assert len(journal.read_text().splitlines()) == len(loans)
    day.refresh_from_db()
    assert day.finished_at is not None
    assert AuditEvent.objects.filter(action="repayment.auto_debit_run").count() == 1
    assert verify_chain().intact

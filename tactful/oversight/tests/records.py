"""Raw records written straight into the tables, for the roll-up tests: many rows fast,
at chosen moments, without the services' checks (which their own tests cover)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from tactful.accounts.models import User
from tactful.borrowers.models import Borrower
from tactful.callqa.models import (
    Finding,
    Recording,
    Segment,
    Status,
    SupervisorAlert,
    VulnerabilitySignal,
)
from tactful.complaints.models import Complaint
from tactful.consent.models import ConsentEvent, NoticeVersion
from tactful.contacts.models import ContactAttempt, OptOut, Recipient
from tactful.loans.models import Loan
from tactful.repayment.models import (
    DebitAttempt,
    DebitMandate,
    DebitResult,
    MandateConsent,
    PromiseOutcome,
    PromiseToPay,
)

_codes = itertools.count(1)


def recipient(borrower: Borrower, role: str) -> Recipient:
    return Recipient.objects.create(borrower=borrower, role=role)


def attempt(
    to: Recipient,
    *,
    at: datetime,
    decision: str = "allow",
    channel: str = "sms",
    categories: tuple[str, ...] = (),
    pack: str = "cn",
    collector: User | None = None,
) -> ContactAttempt:
    return ContactAttempt.objects.create(
        recipient=to,
        collector=collector,
        channel=channel,
        purpose="collection",
        attempt={},
        facts={},
        decision=decision,
        categories=sorted(categories),
        pack=pack,
        pack_version="test",
        verification_code=f"T{next(_codes):07d}",
        requested_at=at,
        requested_by="test",
    )


def complaint(*, at: datetime, category: str, pack: str = "cn", due_on: date) -> Complaint:
    return Complaint.objects.create(
        number=f"C{next(_codes):07d}",
        pack=pack,
        category=category,
        channel="public",
        complainant_kind="borrower",
        description="(test)",
        received_at=at,
        received_by="test",
        due_on=due_on,
    )


def opt_out(to: Recipient, *, at: datetime) -> OptOut:
    return OptOut.objects.create(recipient=to, source="test", recorded_at=at, recorded_by="test")


def inspected_call(to: Recipient, *, at: datetime, collector: User | None = None) -> Recording:
    permit = attempt(to, at=at, channel="call", collector=collector)
    return Recording.objects.create(
        attempt=permit,
        audio="test/call.wav",
        size_bytes=1,
        sha256="0" * 64,
        uploaded_at=at,
        uploaded_by="test",
        status=Status.INSPECTED,
    )


def finding(call: Recording, category: str) -> Finding:
    segment = _segment(call)
    return Finding.objects.create(
        recording=call,
        segment=segment,
        category=category,
        start=0,
        end=1,
        evidence="x",
        source="rules",
        score=1.0,
        rule="test",
        found_at=call.uploaded_at,
    )


def distress(call: Recording, *, acknowledged_after: timedelta | None) -> SupervisorAlert:
    signal = VulnerabilitySignal.objects.create(
        recording=call,
        segment=_segment(call),
        kind="distress",
        evidence="x",
        heard_at=call.uploaded_at,
    )
    acknowledged = None if acknowledged_after is None else call.uploaded_at + acknowledged_after
    return SupervisorAlert.objects.create(
        signal=signal, raised_at=call.uploaded_at, acknowledged_at=acknowledged
    )


def withdrawal(borrower: Borrower, *, at: datetime, purpose: str) -> ConsentEvent:
    return ConsentEvent.objects.create(
        subject="borrower",
        borrower=borrower,
        purpose=purpose,
        action="withdraw",
        notice=NoticeVersion.objects.filter(purpose=purpose).latest("version"),
        language="zh-hans",
        channel="portal",
        recorded_at=at,
        recorded_by="test",
    )


def promise_outcome(loan: Loan, *, decided_on: date, state: str) -> PromiseOutcome:
    promise = PromiseToPay.objects.create(
        loan=loan,
        amount=Decimal("100.00"),
        made_on=decided_on - timedelta(days=3),
        due_on=decided_on - timedelta(days=1),
        channel="portal",
        recorded_at=datetime.combine(decided_on, time(1), tzinfo=UTC),
        recorded_by="test",
    )
    return PromiseOutcome.objects.create(
        promise=promise,
        state=state,
        paid=Decimal("100.00") if state == "kept" else Decimal("0.00"),
        decided_on=decided_on,
        recorded_at=datetime.combine(decided_on, time(1), tzinfo=UTC),
    )


def debit_result(loan: Loan, *, at: datetime, outcome: str) -> DebitResult:
    consent = MandateConsent.objects.create(
        borrower=loan.borrower,
        loan=loan,
        wording_version="1",
        wording_digest="0" * 64,
        language="zh-hans",
        given_at=at,
        given_via="portal",
    )
    mandate = DebitMandate.objects.create(
        loan=loan,
        consent=consent,
        account_token="tok",
        account_hint="0000",
        max_amount=Decimal("500.00"),
        debit_day=1,
        created_at=at,
        created_by="test",
    )
    debit = DebitAttempt.objects.create(
        mandate=mandate,
        loan=loan,
        installment_n=1,
        attempt_no=1,
        amount=Decimal("100.00"),
        scheduled_on=at.date(),
        idempotency_key=f"k{next(_codes)}",
        run_id=uuid.uuid4(),
        created_at=at,
    )
    return DebitResult.objects.create(attempt=debit, outcome=outcome, recorded_at=at)


def _segment(call: Recording) -> Segment:
    return Segment.objects.create(
        recording=call,
        index=Segment.objects.filter(recording=call).count(),
        start_seconds=0,
        end_seconds=1,
        text="x",
    )

"""Write path of the contacts app: permits and their outcomes, holds, opt-outs, certificates.

No contact without a permit: `request_permit` gathers the facts, decides and records the
attempt in one transaction, under a lock on the person it would reach, so parallel
requests see each other's permits and caps hold. Tactful's own messages and calls go
through `send_sms_with_permit` and `place_call_with_permit`, which send only when the
permit is granted, and only after the permit is committed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.borrowers.selectors import numbers_of
from tactful.contacts import selectors
from tactful.contacts.channels.voice import CallRequest, voice_dialer
from tactful.contacts.codes import new_verification_code, with_verification_code
from tactful.contacts.decisions import Decided, decide_request, stored_reasons
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import (
    CertificationSuspension,
    CollectorCertification,
    ContactAttempt,
    ContactOutcome,
    Hold,
    HoldLift,
    OptOut,
    Recipient,
)
from tactful.errors import Conflict, InvalidInput
from tactful.loans.models import Loan
from tactful.messaging.ports import SmsMessage
from tactful.messaging.services import send_sms_on_commit
from tactful.policy.types import OUTCOMES, Purpose
from tactful.telemetry import metrics

MAX_KIND_LENGTH = 40
MAX_SOURCE_LENGTH = 80
_CODE_TRIES = 5


# --- recipients ---------------------------------------------------------------------------


def recipients_for_borrower(*, borrower: Borrower) -> list[Recipient]:
    """Ensure one recipient per own number of `borrower`; return them, primary first."""
    recipients_for_numbers(numbers=numbers_of(borrower))
    return list(selectors.own_number_recipients(borrower))


def recipients_for_numbers(*, numbers: Iterable[PhoneNumber]) -> list[Recipient]:
    """Return the recipient of each of these own numbers, creating those not made yet."""
    return [recipient_for_number(number=number) for number in numbers]


def recipient_for_emergency_contact(*, borrower: Borrower, designation_id: int) -> Recipient:
    """Return the recipient through which Tactful reaches the person `borrower` named.

    `designation_id` is the consent app's record of the naming (`EmergencyContact`).
    """
    recipient, _ = Recipient.objects.get_or_create(
        emergency_contact_id=designation_id,
        defaults={"borrower": borrower, "role": "emergency_contact"},
    )
    return recipient


def recipient_for_number(*, number: PhoneNumber) -> Recipient:
    """Return the recipient of the borrower's own `number`, creating it the first time."""
    recipient, _ = Recipient.objects.get_or_create(
        phone_number=number,
        defaults={"borrower_id": number.borrower_id, "role": "debtor"},
    )
    return recipient


# --- permits ------------------------------------------------------------------------------


def request_permit(
    *, request: PermitRequest, actor: str, now: datetime | None = None
) -> ContactAttempt:
    """Decide whether this contact may happen now, and record the attempt either way.

    A request the rules refuse is a recorded denial, not an error (a request that makes no
    sense cannot be made at all: `PermitRequest` checks itself).
    """
    moment = now or timezone.now()
    started = time.perf_counter()
    # No savepoint of its own when nested: a failure here fails the caller's transaction.
    with transaction.atomic(savepoint=False):
        person = _lock_person(request.recipient)
        decided = decide_request(request, now=moment, person=person)
        attempt = _record_attempt(request, decided, actor=actor, now=moment)
        record_event(
            actor=actor,
            action="contact.permit_issued" if attempt.allowed else "contact.permit_denied",
            target=attempt,
            payload=_permit_payload(attempt),
        )
    metrics.record_permit(
        decision=decided.decision.verdict,
        channel=request.channel,
        categories=decided.decision.categories,
        seconds=time.perf_counter() - started,
    )
    return attempt


def report_outcome(
    *,
    attempt: ContactAttempt,
    outcome: str,
    actor: str,
    permanent_failure: bool = False,
    now: datetime | None = None,
) -> ContactOutcome:
    """Record how a permitted contact ended. Once per permit; denied permits have none."""
    _check_outcome(outcome, permanent_failure)
    if not attempt.allowed:
        raise Conflict("permit_denied", "this permit was denied: no contact was made")
    with transaction.atomic():
        # Two reports racing for one permit: the second waits here, then finds the first.
        ContactAttempt.objects.select_for_update().get(pk=attempt.pk)
        if ContactOutcome.objects.filter(attempt=attempt).exists():
            raise Conflict("outcome_already_reported", "an outcome was already reported")
        reported = ContactOutcome.objects.create(
            attempt=attempt,
            outcome=outcome,
            permanent_failure=permanent_failure,
            reported_at=now or timezone.now(),
            reported_by=actor,
        )
        record_event(
            actor=actor,
            action="contact.outcome_reported",
            target=attempt,
            payload={"outcome": outcome, "permanent_failure": permanent_failure},
        )
    return reported


def _lock_person(recipient: Recipient) -> list[int]:
    """Lock every recipient row of the person, in primary-key order (no deadlocks); return ids.

    PostgreSQL: a second request for the same person waits here until the first commits,
    then reads its permit. SQLite: the IMMEDIATE transaction already serializes writers.
    """
    # The ids first (by index), then their rows locked by primary key: locking through the
    # person query itself scanned every recipient (docs/capacity.md). The rows the two
    # requests for one person lock are the same, so the second still waits for the first.
    ids = list(selectors.same_person_ids(recipient))
    rows = Recipient.objects.filter(pk__in=ids).select_for_update(no_key=True).order_by("pk")
    return list(rows.values_list("pk", flat=True))


def _record_attempt(
    request: PermitRequest, decided: Decided, *, actor: str, now: datetime
) -> ContactAttempt:
    decision = decided.decision
    return ContactAttempt.objects.create(
        loan=request.loan,
        recipient=request.recipient,
        channel=request.channel,
        purpose=request.purpose,
        collector=request.collector,
        automated=request.automated,
        requested_by_recipient=request.requested_by_recipient,
        content=request.content,
        attempt=_attempt_record(request),
        facts=decided.facts,
        decision=decision.verdict,
        categories=list(decision.categories),
        reasons=stored_reasons(decision),
        next_allowed_at=decision.next_allowed_at,
        pack=decision.pack,
        pack_version=decision.pack_version,
        pack_digest=decision.pack_digest,
        verification_code=_unused_code(),
        requested_at=now,
        requested_by=actor,
    )


def _attempt_record(request: PermitRequest) -> dict[str, Any]:
    return {
        "loan": request.loan.external_id if request.loan is not None else None,
        "recipient": str(request.recipient.public_id),
        "recipient_role": request.recipient.role,
        "channel": request.channel,
        "purpose": request.purpose,
        "collector": request.collector.pk if request.collector is not None else None,
        "automated": request.automated,
        "requested_by_recipient": request.requested_by_recipient,
        "has_content": request.content is not None,
    }


def _unused_code() -> str:
    # 31^8 codes: a collision is rare; the unique constraint is the backstop.
    for _ in range(_CODE_TRIES):
        code = new_verification_code()
        if not ContactAttempt.objects.filter(verification_code=code).exists():
            return code
    raise RuntimeError("no unused verification code found")


def _permit_payload(attempt: ContactAttempt) -> dict[str, Any]:
    return {
        "permit": str(attempt.permit_id),
        "recipient": str(attempt.recipient.public_id),
        "loan": attempt.loan.external_id if attempt.loan is not None else None,
        "channel": attempt.channel,
        "purpose": attempt.purpose,
        "decision": attempt.decision,
        "categories": attempt.categories,
        "rules": [reason["rule"] for reason in attempt.reasons],
        "pack": attempt.pack,
        "pack_version": attempt.pack_version,
        "pack_digest": attempt.pack_digest,
    }


def _check_outcome(outcome: str, permanent_failure: bool) -> None:
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": f"must be one of {', '.join(OUTCOMES)}"})
    if permanent_failure and outcome != "failed":
        raise InvalidInput({"permanent_failure": "only a failed contact can fail permanently"})


# --- Tactful's own messages and calls -----------------------------------------------------


def send_sms_with_permit(
    *,
    loan: Loan | None,
    recipient: Recipient,
    purpose: Purpose,
    body: str,
    language: str,
    message_purpose: str,
    actor: str,
    to: str | None = None,
    requested_by_recipient: bool = False,
    collector: User | None = None,
    now: datetime | None = None,
) -> ContactAttempt:
    """Ask for a permit to text `recipient`; send `body` with its code only if granted.

    Without `collector` the message is Tactful's own (automated); with one, it is that
    collector's, and the gate checks their certificate.

    The text leaves after the caller's transaction commits; a denial sends nothing.
    `message_purpose` names the message for the gateway (e.g. ``sign_in_code``). `to` is
    the E.164 number to text, for a recipient whose number is not a borrower's own (an
    emergency contact's is kept encrypted on the designation); by default the recipient's.
    """
    attempt = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="sms",
            purpose=purpose,
            collector=collector,
            automated=collector is None,
            content=body,
            requested_by_recipient=requested_by_recipient,
        ),
        actor=actor,
        now=now,
    )
    number = to or selectors.number_of(recipient)
    if attempt.allowed and number is not None:
        text = with_verification_code(body, attempt.verification_code, language)
        send_sms_on_commit(SmsMessage(to=number, body=text, purpose=message_purpose))
    return attempt


def place_call_with_permit(
    *,
    loan: Loan | None,
    recipient: Recipient,
    purpose: Purpose,
    language: str,
    actor: str,
    collector: User | None = None,
    automated: bool = False,
    now: datetime | None = None,
) -> ContactAttempt:
    """Ask for a permit to call `recipient`; place the call after commit only if granted."""
    dialer = voice_dialer()
    attempt = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose=purpose,
            collector=collector,
            automated=automated,
        ),
        actor=actor,
        now=now,
    )
    number = recipient.phone_number
    if attempt.allowed and number is not None:
        call = CallRequest(number.e164, attempt.verification_code, purpose, language)
        transaction.on_commit(lambda: dialer.place_call(call))
    return attempt


def erase_message_texts(*, borrower: Borrower) -> int:
    """Blank the words of every message about `borrower`'s debts (erasure after retention).

    Attempts are append-only: a queryset update, which their save() guard leaves alone on
    purpose, clears the text while the rows, decisions and codes stay on record.
    """
    return selectors.attempts_about(borrower).update(content=None)


# --- holds, opt-outs, certificates --------------------------------------------------------


def place_hold(
    *,
    kind: str,
    source: str,
    actor: str,
    loan: Loan | None = None,
    recipient: Recipient | None = None,
    reason: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> Hold:
    """Pause contact about `loan`, or with `recipient`, from `starts_at` (now by default).

    Any kind is accepted, known or not: an unknown kind still pauses contact.
    """
    moment = now or timezone.now()
    start = starts_at or moment
    _check_hold(kind, source, loan, recipient, start, ends_at)
    with transaction.atomic():
        hold = Hold.objects.create(
            kind=kind.strip(),
            loan=loan,
            recipient=recipient,
            starts_at=start,
            ends_at=ends_at,
            source=source.strip(),
            reason=reason,
            placed_at=moment,
            placed_by=actor,
        )
        record_event(
            actor=actor,
            action="contact.hold_placed",
            target=hold,
            payload={"kind": hold.kind, "scope": "loan" if loan else "recipient"},
        )
    return hold


def lift_hold(*, hold: Hold, reason: str, actor: str, now: datetime | None = None) -> HoldLift:
    """End `hold` now, for a stated reason. A hold is lifted once; the hold row stays."""
    if not reason.strip():
        raise InvalidInput({"reason": "say why the hold is lifted"})
    with transaction.atomic():
        Hold.objects.select_for_update().get(pk=hold.pk)
        if HoldLift.objects.filter(hold=hold).exists():
            raise Conflict("hold_already_lifted", "this hold was already lifted")
        lift = HoldLift.objects.create(
            hold=hold, lifted_at=now or timezone.now(), lifted_by=actor, reason=reason.strip()
        )
        record_event(
            actor=actor, action="contact.hold_lifted", target=hold, payload={"kind": hold.kind}
        )
    return lift


def record_opt_out(
    *, recipient: Recipient, source: str, actor: str, now: datetime | None = None
) -> OptOut:
    """Record that `recipient` asked not to be contacted; it holds from the next decision."""
    if not source.strip() or len(source.strip()) > MAX_SOURCE_LENGTH:
        raise InvalidInput({"source": f"name the source in 1 to {MAX_SOURCE_LENGTH} characters"})
    with transaction.atomic():
        opt_out = OptOut.objects.create(
            recipient=recipient,
            source=source.strip(),
            recorded_at=now or timezone.now(),
            recorded_by=actor,
        )
        record_event(actor=actor, action="contact.opted_out", target=recipient)
    return opt_out


def certify_collector(
    *,
    collector: User,
    certificate_number: str,
    valid_from: datetime,
    valid_until: datetime,
    actor: str,
    now: datetime | None = None,
) -> CollectorCertification:
    """Record a collector's certificate, valid from `valid_from` until `valid_until`."""
    problems: dict[str, str] = {}
    if not certificate_number.strip() or len(certificate_number.strip()) > 64:
        problems["certificate_number"] = "must be 1 to 64 characters"
    if valid_until <= valid_from:
        problems["valid_until"] = "must be after valid_from"
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        certification = CollectorCertification.objects.create(
            collector=collector,
            certificate_number=certificate_number.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            recorded_at=now or timezone.now(),
            recorded_by=actor,
        )
        record_event(actor=actor, action="contact.collector_certified", target=collector)
    return certification


def suspend_certification(
    *, collector: User, reason: str, source: str, actor: str, now: datetime | None = None
) -> CertificationSuspension:
    """Stop `collector`'s certificates from counting until a new one is recorded."""
    if not reason.strip() or len(reason) > 200 or not source.strip() or len(source) > 80:
        raise InvalidInput({"reason": "a reason (1 to 200) and a source (1 to 80) are needed"})
    with transaction.atomic():
        suspension = CertificationSuspension.objects.create(
            collector=collector,
            reason=reason.strip(),
            source=source.strip(),
            suspended_at=now or timezone.now(),
            suspended_by=actor,
        )
        record_event(
            actor=actor,
            action="contact.certification_suspended",
            target=collector,
            payload={"source": suspension.source},
        )
    return suspension


def _check_hold(
    kind: str,
    source: str,
    loan: Loan | None,
    recipient: Recipient | None,
    starts_at: datetime,
    ends_at: datetime | None,
) -> None:
    problems: dict[str, str] = {}
    if not kind.strip() or len(kind.strip()) > MAX_KIND_LENGTH:
        problems["kind"] = f"name the kind in 1 to {MAX_KIND_LENGTH} characters"
    if not source.strip() or len(source.strip()) > MAX_SOURCE_LENGTH:
        problems["source"] = f"name the source in 1 to {MAX_SOURCE_LENGTH} characters"
    if (loan is None) == (recipient is None):
        problems["scope"] = "a hold is on a loan or on a recipient, exactly one of them"
    if ends_at is not None and ends_at <= starts_at:
        problems["ends_at"] = "must be after starts_at"
    if problems:
        raise InvalidInput(problems)

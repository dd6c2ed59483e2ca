"""Write path of casework: templates and their four-eyes approval, assignments, notes, calls.

Every contact a collector makes goes through the gate: a templated text through
`contacts.services.send_sms_with_permit`, a call through `place_call_with_permit`, each
with the collector on the permit, so an uncertified collector is refused by the rules
themselves, not by a button that happens to be hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.casework import selectors
from tactful.casework.fields import SAMPLE_VALUES, blanks_of, fill
from tactful.casework.models import (
    Assignment,
    CallLog,
    CallResult,
    CaseNote,
    MessageTemplate,
    ReviewDecision,
    ReviewOutcome,
    TemplateApproval,
    TemplateAudience,
    TemplatedMessage,
    TemplateLanguage,
)
from tactful.contacts import selectors as contact_selectors
from tactful.contacts import services as contacts
from tactful.contacts.models import ContactAttempt, Recipient
from tactful.contacts.packs import configured_pack
from tactful.errors import Conflict, InvalidInput
from tactful.input_text import PROBLEM, has_control_characters
from tactful.inspection.content_checker import shared_checker
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status
from tactful.policy.types import PURPOSES, Purpose
from tactful.repayment.models import PromiseToPay
from tactful.repayment.services.offers import OfferRequest, price_offers
from tactful.repayment.services.pauses import request_pause
from tactful.repayment.services.promises import record_promise

MAX_BODY_LENGTH = 480
MAX_NOTE_LENGTH = 2000
MAX_REASON_LENGTH = 200
PROMISE_CHANNEL = {"call": "call", "sms": "sms"}
# How each result the collector logs reads as the gate's outcome of the call.
GATE_OUTCOME = {
    CallResult.CONNECTED: ("connected", False),
    CallResult.NO_ANSWER: ("no_answer", False),
    CallResult.WRONG_NUMBER: ("failed", True),
    CallResult.DISPUTE: ("connected", False),
    CallResult.HARDSHIP: ("connected", False),
    CallResult.PROMISE: ("connected", False),
}
COLLECTING_ROLES = (Role.COLLECTOR, Role.SUPERVISOR)
ASSIGNING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


# --- templates ------------------------------------------------------------------------------


def write_template(
    *,
    name: str,
    language: str,
    audience: str,
    purpose: str,
    body: str,
    author: User,
    pack: str | None = None,
) -> MessageTemplate:
    """Record a new version of template `name`; it is checked now and usable once approved."""
    pack_name = pack or configured_pack().name
    text = _checked_body(body, audience)
    _check_choice("language", language, TemplateLanguage.values)
    _check_choice("audience", audience, TemplateAudience.values)
    _check_choice("purpose", purpose, PURPOSES)
    if not name or len(name) > 40 or not name.replace("_", "").replace("-", "").isalnum():
        raise InvalidInput({"name": "letters, digits, - and _; at most 40"})
    findings = list(shared_checker().check(fill(text, SAMPLE_VALUES), audience))
    with transaction.atomic():
        template = MessageTemplate.objects.create(
            name=name,
            version=selectors.last_version(pack=pack_name, name=name, language=language) + 1,
            pack=pack_name,
            language=language,
            audience=audience,
            purpose=purpose,
            body=text,
            findings=findings,
            written_by=author,
            written_at=timezone.now(),
        )
        record_event(
            actor=author.audit_actor,
            action="casework.template_written",
            target=template,
            payload={"name": name, "version": template.version, "findings": findings},
        )
    return template


def _checked_body(body: object, audience: str) -> str:
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput({"body": "a template needs words"})
    text = body.strip()
    if len(text) > MAX_BODY_LENGTH:
        raise InvalidInput({"body": f"at most {MAX_BODY_LENGTH} characters"})
    if has_control_characters(text, multiline=False):
        raise InvalidInput({"body": PROBLEM})
    blanks = blanks_of(text)
    if audience == TemplateAudience.EMERGENCY_CONTACT and blanks:
        raise InvalidInput(
            {"body": "a message to an emergency contact names nothing about the account"},
            code="template_reveals_account",
        )
    return text


def _check_choice(field: str, value: object, allowed: tuple[str, ...] | list[str]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput({field: f"must be one of {', '.join(allowed)}"})


def approve_template(*, template: MessageTemplate, approver: User) -> TemplateApproval:
    """Approve a template version: a compliance officer who did not write it, no findings."""
    if not approver.has_role(Role.COMPLIANCE):
        raise Conflict("approver_not_compliance", "only a compliance officer approves templates")
    if template.written_by_id == approver.pk:
        raise Conflict("four_eyes", "a template is approved by someone other than its author")
    if template.findings:
        raise Conflict("template_has_findings", "the checker found problems in this template")
    with transaction.atomic():
        locked = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        if TemplateApproval.objects.filter(template=locked).exists():
            raise Conflict("already_approved", "this version is approved already")
        approval = TemplateApproval.objects.create(
            template=locked, approved_by=approver, approved_at=timezone.now()
        )
        record_event(
            actor=approver.audit_actor,
            action="casework.template_approved",
            target=locked,
            payload={"name": locked.name, "version": locked.version},
        )
    return approval


def help_link() -> str:
    """The full address of the portal's help to repay, as a text message can carry it."""
    return settings.SITE_URL.rstrip("/") + reverse("portal:help")


def filled_template(template: MessageTemplate, *, loan: Loan, today: date) -> str:
    """Return the words of `template` with this loan's values in its blanks."""
    status = loan_status(loan, as_of=today)
    values = {
        "amount_due": f"{status.due_now:,.2f} {loan.currency}",
        "days_past_due": str(status.days_past_due),
        "loan": loan.external_id,
        "help_link": help_link(),
    }
    return fill(template.body, values)


def send_templated_sms(
    *,
    loan: Loan,
    recipient: Recipient,
    template: MessageTemplate,
    collector: User,
    today: date,
    now: datetime | None = None,
) -> ContactAttempt:
    """Text `recipient` the template's words for this loan, through a permit for `collector`.

    Refused (nothing asked of the gate) when the template is not the approved version in
    use or was written for another kind of recipient. A denial by the gate is recorded
    and sends nothing.
    """
    if not selectors.is_usable(template):
        raise Conflict("template_not_usable", "this template version is not approved for use")
    if template.audience != recipient.role:
        raise Conflict("template_wrong_audience", "this template is for another recipient")
    _check_same_borrower(loan, recipient)
    body = filled_template(template, loan=loan, today=today)
    with transaction.atomic():
        attempt = contacts.send_sms_with_permit(
            loan=loan,
            recipient=recipient,
            purpose=cast(Purpose, template.purpose),
            body=body,
            language=template.language,
            message_purpose=f"template:{template.name}",
            actor=collector.audit_actor,
            collector=collector,
            now=now,
        )
        TemplatedMessage.objects.create(attempt=attempt, template=template)
    return attempt


def place_call(
    *,
    loan: Loan,
    recipient: Recipient,
    purpose: str,
    collector: User,
    language: str,
    now: datetime | None = None,
) -> ContactAttempt:
    """Call `recipient` about `loan` through the voice port, under a permit for `collector`."""
    _check_choice("purpose", purpose, PURPOSES)
    _check_same_borrower(loan, recipient)
    return contacts.place_call_with_permit(
        loan=loan,
        recipient=recipient,
        purpose=cast(Purpose, purpose),
        language=language,
        actor=collector.audit_actor,
        collector=collector,
        now=now,
    )


def log_call(
    *, attempt: ContactAttempt, result: str, collector: User, now: datetime | None = None
) -> CallLog:
    """Record how a permitted call went; the gate's outcome follows from it.

    Hardship or distress places a hardship hold on the loan: contact pauses and the
    next plan sends the account to a supervisor's review.
    """
    _check_choice("result", result, CallResult.values)
    if attempt.channel != "call" or attempt.collector_id != collector.pk:
        raise Conflict("not_your_call", "only the collector who placed a call logs it")
    outcome, permanent = GATE_OUTCOME[CallResult(result)]
    moment = now or timezone.now()
    with transaction.atomic():
        contacts.report_outcome(
            attempt=attempt,
            outcome=outcome,
            permanent_failure=permanent,
            actor=collector.audit_actor,
            now=moment,
        )
        log = CallLog.objects.create(
            attempt=attempt, result=result, logged_by=collector, logged_at=moment
        )
        if result == CallResult.HARDSHIP and attempt.loan is not None:
            contacts.place_hold(
                kind="hardship",
                source="collector call log",
                actor=collector.audit_actor,
                loan=attempt.loan,
                reason="hardship or distress heard on a call",
                now=moment,
            )
        record_event(
            actor=collector.audit_actor,
            action="casework.call_logged",
            target=attempt,
            payload={"result": result},
        )
    return log


def _check_same_borrower(loan: Loan, recipient: Recipient) -> None:
    if recipient.borrower_id != loan.borrower_id:
        raise Conflict("recipient_not_of_loan", "this recipient is not connected to this loan")


# --- promises, notes, assignments -------------------------------------------------------------


def take_promise(
    *,
    loan: Loan,
    amount: Decimal,
    due_on: date,
    channel: str,
    collector: User,
    today: date,
    now: datetime | None = None,
) -> PromiseToPay:
    """Record a promise the borrower made to `collector` (repayment's rules apply)."""
    _check_choice("channel", channel, tuple(PROMISE_CHANNEL))
    return record_promise(
        loan=loan,
        amount=amount,
        due_on=due_on,
        channel=PROMISE_CHANNEL[channel],
        actor=collector.audit_actor,
        today=today,
        now=now,
    )


def add_note(*, loan: Loan, text: object, author: User, now: datetime | None = None) -> CaseNote:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput({"text": "a note needs words"})
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidInput({"text": f"at most {MAX_NOTE_LENGTH} characters"})
    if has_control_characters(text):
        raise InvalidInput({"text": PROBLEM})
    with transaction.atomic():
        note = CaseNote.objects.create(
            loan=loan, text=text.strip(), written_by=author, written_at=now or timezone.now()
        )
        # The note's words may hold personal data: the chain keeps only that one was written.
        record_event(actor=author.audit_actor, action="casework.note_added", target=note)
    return note


def assign(
    *,
    loan: Loan,
    collector: User | None,
    by: User,
    reason: str = "",
    now: datetime | None = None,
) -> Assignment:
    """Give `loan` to `collector` (None: back to the pool).

    A supervisor or admin assigns anyone's accounts to any collector; a collector may only
    take an account from the pool for themselves.
    """
    if not isinstance(reason, str) or len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput({"reason": f"at most {MAX_REASON_LENGTH} characters"})
    if collector is not None and not collector.has_role(*COLLECTING_ROLES):
        raise InvalidInput({"collector": "not a collector"}, code="not_a_collector")
    with transaction.atomic():
        current = selectors.assignee_of(loan)
        if not by.has_role(*ASSIGNING_ROLES):
            taking_from_pool = current is None and collector is not None and collector.pk == by.pk
            if not taking_from_pool:
                raise Conflict("not_allowed_to_assign", "only a supervisor moves accounts")
        assignment = Assignment.objects.create(
            loan=loan,
            collector=collector,
            reason=reason.strip(),
            assigned_at=now or timezone.now(),
            assigned_by=by.audit_actor,
        )
        record_event(
            actor=by.audit_actor,
            action="casework.assigned",
            target=assignment,
            payload={"loan": loan.external_id, "collector": collector.pk if collector else None},
        )
    return assignment


# --- supervisors' review of hardship and distress ----------------------------------------------

MAX_REVIEW_REASON_LENGTH = 500


@dataclass(frozen=True)
class PauseTerms:
    """What a hardship pause decided on review needs: why, and the day ageing resumes."""

    reason: str
    ends_on: date


def decide_review(
    *,
    loan: Loan,
    outcome: str,
    reason: object,
    by: User,
    today: date,
    pause: PauseTerms | None = None,
    now: datetime | None = None,
) -> ReviewDecision:
    """Record a supervisor's decision on an account under review, and carry it out.

    A pause goes through repayment's rules; offers are priced for the borrower to see in
    the portal; a referral keeps contact stopped while the person gets help; a return lifts
    the hardship holds so the next plan treats the account as any other. Everything is
    checked before anything is written, and all of it commits together or not at all.
    """
    if not by.has_role(*ASSIGNING_ROLES):
        raise Conflict("not_allowed_to_review", "a supervisor decides on a review")
    _check_choice("outcome", outcome, ReviewOutcome.values)
    words = _review_reason(reason)
    if outcome == ReviewOutcome.PAUSE and pause is None:
        raise InvalidInput({"ends_on": "a pause needs its last day and a reason"})
    moment = now or timezone.now()
    with transaction.atomic():
        _carry_out(ReviewOutcome(outcome), loan=loan, by=by, today=today, pause=pause, now=moment)
        decision = ReviewDecision.objects.create(
            loan=loan, outcome=outcome, reason=words, decided_by=by, decided_at=moment
        )
        # The reason may hold personal data: the chain keeps only what was decided.
        record_event(
            actor=by.audit_actor,
            action="casework.review_decided",
            target=decision,
            payload={"loan": loan.external_id, "outcome": outcome},
        )
    return decision


def _review_reason(reason: object) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput({"reason": "say why you decided so"})
    if len(reason) > MAX_REVIEW_REASON_LENGTH:
        raise InvalidInput({"reason": f"at most {MAX_REVIEW_REASON_LENGTH} characters"})
    if has_control_characters(reason):
        raise InvalidInput({"reason": PROBLEM})
    return reason.strip()


def _carry_out(
    outcome: ReviewOutcome,
    *,
    loan: Loan,
    by: User,
    today: date,
    pause: PauseTerms | None,
    now: datetime,
) -> None:
    actor = by.audit_actor
    if outcome is ReviewOutcome.PAUSE and pause is not None:
        request_pause(
            loan=loan,
            starts_on=today,
            ends_on=pause.ends_on,
            reason=pause.reason,
            via="staff",
            actor=actor,
            today=today,
        )
    elif outcome is ReviewOutcome.OFFER:
        price_offers(loan=loan, request=OfferRequest(), actor=actor, today=today)
    elif outcome is ReviewOutcome.RETURN:
        for hold in contact_selectors.hardship_holds_on_loan(loan, now=now):
            contacts.lift_hold(
                hold=hold, reason="returned to the queue on review", actor=actor, now=now
            )

"""Remediation of a complaint: corrections, apologies, waivers, compensation, coaching.

Also rule proposals (a stricter lender override of the pack), the complainant's rating,
and complaints opened from confirmed call QA findings.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.callqa import services as callqa
from tactful.callqa.models import Finding, FindingReview
from tactful.complaints import selectors
from tactful.complaints.models import (
    Category,
    CoachingTask,
    ComplainantKind,
    Complaint,
    EventKind,
    IntakeChannel,
    Rating,
    Remediation,
    RemediationKind,
    RuleProposal,
    Status,
)
from tactful.complaints.services._common import (
    MAX_NOTE,
    OFFICER_ROLES,
    NotAnOfficer,
    _ensure_officer,
    _event,
    _remediation,
    _required_note,
    _user,
)
from tactful.complaints.services.intake import Intake, file_complaint
from tactful.contacts.services import suspend_certification
from tactful.errors import Conflict, InvalidInput
from tactful.loans.credits import COMPENSATION_PREFIX
from tactful.loans.models import Loan
from tactful.loans.services import post_payment, reverse_entry
from tactful.loans.services import waive_fee as loans_waive_fee
from tactful.policy import PackError, load_pack


def record_correction(
    *,
    complaint: Complaint,
    note: str,
    actor: User,
    reverse_entry_reference: str = "",
    now: datetime | None = None,
) -> Remediation:
    """Record a correction; with an entry reference, reverse that ledger entry (a new row)."""
    _ensure_officer(actor)
    note = _required_note(note, "note")
    moment = now or timezone.now()
    with transaction.atomic():
        entry = None
        if reverse_entry_reference:
            loan = _loan_of(complaint)
            entry = reverse_entry(
                loan=loan,
                entry_reference=reverse_entry_reference,
                value_date=moment.date(),
                actor=_user(actor),
            )
        return _remediation(
            complaint, RemediationKind.CORRECTION, actor, moment, note=note, ledger_entry=entry
        )


def waive_fee(
    *,
    complaint: Complaint,
    installment_n: int,
    amount: str,
    actor: User,
    now: datetime | None = None,
) -> Remediation:
    """Forgive a fee as a ledger entry of kind `waiver`; the fee's own row stays."""
    _ensure_officer(actor)
    loan = _loan_of(complaint)
    value = _amount(amount)
    moment = now or timezone.now()
    with transaction.atomic():
        entry = loans_waive_fee(
            loan=loan,
            installment_n=installment_n,
            amount=value,
            value_date=moment.date(),
            actor=_user(actor),
            external_reference=f"complaint:{complaint.number}",
        )
        return _remediation(
            complaint, RemediationKind.FEE_WAIVER, actor, moment, ledger_entry=entry
        )


def compensate(
    *, complaint: Complaint, amount: str, actor: User, now: datetime | None = None
) -> Remediation:
    """Credit compensation to the debt as a ledger entry (it reduces what is owed)."""
    _ensure_officer(actor)
    loan = _loan_of(complaint)
    value = _amount(amount)
    moment = now or timezone.now()
    with transaction.atomic():
        entry = post_payment(
            loan=loan,
            amount=value,
            value_date=moment.date(),
            actor=_user(actor),
            external_reference=f"{COMPENSATION_PREFIX}{complaint.number}",
        )
        return _remediation(
            complaint, RemediationKind.COMPENSATION, actor, moment, ledger_entry=entry
        )


def coach_collector(
    *,
    collector: User,
    note: str,
    actor: User,
    complaint: Complaint | None = None,
    finding: Finding | None = None,
    now: datetime | None = None,
) -> CoachingTask:
    """Open a coaching task for `collector`, from a complaint or a confirmed finding."""
    if not actor.has_role(Role.SUPERVISOR, *OFFICER_ROLES):
        raise NotAnOfficer()
    if not collector.has_role(Role.COLLECTOR):
        raise InvalidInput({"collector": "coaching is for collectors"})
    if complaint is None and finding is None:
        raise InvalidInput({"cause": "coaching follows a complaint or a finding"})
    note = _required_note(note, "note")
    moment = now or timezone.now()
    with transaction.atomic():
        task = CoachingTask.objects.create(
            complaint=complaint,
            finding=finding,
            collector=collector,
            note=note,
            created_at=moment,
            created_by=_user(actor),
        )
        record_event(actor=_user(actor), action="complaint.coaching_opened", target=task)
        # Coaching ends with a re-quiz: until the collector passes it, the gate's
        # certification rule holds their collection contacts back.
        suspend_certification(
            collector=collector,
            reason="coaching: a re-quiz is due",
            source=f"coaching:{task.pk}",
            actor=_user(actor),
            now=moment,
        )
        if complaint is not None:
            _remediation(
                complaint, RemediationKind.COACHING, actor, moment, details={"task": task.pk}
            )
    return task


def complete_coaching(*, task: CoachingTask, actor: User, now: datetime | None = None) -> None:
    """Mark a coaching conversation as held. The re-quiz still stands between the
    collector and collecting: only a new certificate lifts the suspension."""
    if not actor.has_role(Role.SUPERVISOR, *OFFICER_ROLES):
        raise NotAnOfficer()
    with transaction.atomic():
        updated = CoachingTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now or timezone.now()
        )
        if not updated:
            raise Conflict("coaching_done", "this coaching task is done already")
        record_event(actor=_user(actor), action="complaint.coaching_done", target=task)


def review_finding_and_coach(
    *, finding: Finding, verdict: str, reason: str, reviewer: User, now: datetime | None = None
) -> FindingReview:
    """Record the verdict on a call-QA finding; a confirmed one coaches the caller.

    The coaching task suspends the collector's certificate until their re-quiz is passed.
    A call made by nobody in particular (automated) is reviewed without coaching.
    """
    with transaction.atomic():
        review = callqa.review_finding(
            finding=finding, verdict=verdict, reason=reason, reviewer=reviewer, now=now
        )
        caller = finding.recording.attempt.collector
        if review.verdict == "confirmed" and caller is not None and caller.has_role(Role.COLLECTOR):
            coach_collector(
                collector=caller,
                note=f"Confirmed call-QA finding: {finding.category}. Re-quiz required.",
                actor=reviewer,
                finding=finding,
                now=now,
            )
    return review


def propose_rule(
    *, complaint: Complaint, override: str, actor: User, now: datetime | None = None
) -> RuleProposal:
    """Propose a stricter lender override of the complaint's pack; the pack loader checks it.

    An override that loosens a rule, or is not valid YAML, is refused and not stored.
    """
    _ensure_officer(actor)
    document = _override_document(complaint.pack, override)
    moment = now or timezone.now()
    with transaction.atomic():
        proposal = RuleProposal.objects.create(
            complaint=complaint,
            pack=complaint.pack,
            override=override,
            digest=hashlib.sha256(override.encode("utf-8")).hexdigest(),
            proposed_by=_user(actor),
            proposed_at=moment,
        )
        _remediation(
            complaint,
            RemediationKind.RULE_PROPOSAL,
            actor,
            moment,
            details={
                "proposal": proposal.pk,
                "rules": [rule.get("id") for rule in document.get("rules", [])],
            },
        )
    return proposal


def rate_outcome(
    *, complaint: Complaint, score: int, comment: str = "", now: datetime | None = None
) -> Rating:
    """Record the complainant's rating (1 to 5) of a resolved or closed complaint, once."""
    if complaint.status not in (Status.RESOLVED, Status.CLOSED):
        raise Conflict("not_resolved_yet", "a complaint can be rated once it is resolved")
    if not 1 <= score <= 5:
        raise InvalidInput({"score": "must be from 1 to 5"})
    if len(comment) > MAX_NOTE:
        raise InvalidInput({"comment": f"must be at most {MAX_NOTE} characters"})
    moment = now or timezone.now()
    with transaction.atomic():
        if Rating.objects.filter(complaint=complaint).exists():
            raise Conflict("already_rated", "this complaint was already rated")
        rating = Rating.objects.create(
            complaint=complaint, score=score, comment=comment.strip(), rated_at=moment
        )
        _event(complaint, EventKind.RATED, "complainant", moment, details={"score": score})
    return rating


def open_complaint_from_finding(
    *, finding: Finding, actor: User, now: datetime | None = None
) -> Complaint:
    """Open a complaint on the record for a confirmed finding (the call's permit is linked)."""
    if not actor.has_role(Role.SUPERVISOR, *OFFICER_ROLES):
        raise NotAnOfficer()
    review = finding.reviews.order_by("-reviewed_at", "-pk").first()
    if review is None or review.verdict != "confirmed":
        raise Conflict("finding_not_confirmed", "only a confirmed finding opens a complaint")
    attempt = finding.recording.attempt
    intake = Intake(
        channel=IntakeChannel.STAFF,
        category=_CATEGORY_OF_FINDING.get(finding.category, Category.OTHER),
        description=f"Opened from a confirmed call QA finding ({finding.category}).",
        borrower=attempt.recipient.borrower if attempt.recipient.role == "debtor" else None,
        complainant_kind=ComplainantKind.ANONYMOUS,
        verification_codes=[attempt.verification_code],
        submission_key=f"finding:{finding.pk}",
    )
    return file_complaint(intake=intake, actor=_user(actor), now=now).complaint


_CATEGORY_OF_FINDING = {
    "threat": Category.ABUSIVE_LANGUAGE,
    "insult": Category.ABUSIVE_LANGUAGE,
    "impersonation": Category.IMPERSONATION,
    "false_legal_claim": Category.IMPERSONATION,
    "exposure_threat": Category.DISCLOSURE,
    "third_party_disclosure": Category.DISCLOSURE,
}


def _loan_of(complaint: Complaint) -> Loan:
    loan = selectors.loan_of(complaint)
    if loan is None:
        raise Conflict("no_loan", "this complaint concerns no loan")
    return loan


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput({"amount": "give an amount such as 50.00"}) from None
    if not value.is_finite() or value <= 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput({"amount": "give a positive amount with at most two decimals"})
    return value


def _override_document(pack: str, text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        raise InvalidInput({"override": "this is not valid YAML"}) from None
    if not isinstance(document, dict):
        raise InvalidInput({"override": "an override is a mapping with pack and rules"})
    if document.get("pack") != pack:
        raise InvalidInput({"override": f"the override must name pack {pack}"})
    try:
        load_pack(pack, override=document)
    except PackError as error:
        raise InvalidInput({"override": str(error)}) from None
    return document

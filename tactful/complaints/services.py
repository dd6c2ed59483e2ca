"""Write path of complaints: intake from every channel, holds, workflow, remediation.

Intake (`file_complaint`) records the complaint, links the contacts its verification codes
name, places `complaint` holds and asks for a permit to acknowledge it, all in one
transaction: from the next decision on, the gate denies. Every later step appends a
`ComplaintEvent` and an audit event in the same transaction as the change it records.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower
from tactful.callqa.models import Finding
from tactful.complaints import deadlines
from tactful.complaints.identity import keyed_digest, phone_digest, recipients_with_number
from tactful.complaints.models import (
    Attachment,
    Category,
    CoachingTask,
    ComplainantKind,
    Complaint,
    ComplaintEvent,
    ComplaintHold,
    EventKind,
    IntakeChannel,
    LinkedAttempt,
    Rating,
    Remediation,
    RemediationKind,
    Resolution,
    RuleProposal,
    Status,
)
from tactful.contacts.models import ContactAttempt, Hold, HoldKind, Recipient, RecipientRole
from tactful.contacts.selectors import loans_of
from tactful.contacts.services import lift_hold, place_hold, recipients_for_borrower
from tactful.contacts.services import send_sms_with_permit as send_with_permit
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.loans.models import LedgerEntry, Loan
from tactful.loans.services import post_payment, reverse_entry
from tactful.loans.services import waive_fee as loans_waive_fee
from tactful.policy import PackError, load_pack

MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
MAX_CODES = 20
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Photos, screenshots and documents; what a person can show of a message or a letter.
ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
}
# Magic numbers, so a renamed executable is not accepted as a picture.
_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/pdf": (b"%PDF-",),
}
PUBLIC_COMPLAINTS_PER_HOUR = 5
OFFICER_ROLES = (Role.COMPLIANCE, Role.ADMIN)
APOLOGY_TEMPLATE_VERSION = "2026.1"
_CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$")
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class TooManyComplaints(ServiceError):
    status = 429

    def __init__(self) -> None:
        super().__init__(
            "too_many_complaints", "too many complaints came from here in the last hour"
        )


class NotAnOfficer(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("not_a_compliance_officer", "only compliance officers handle complaints")


@dataclass(frozen=True)
class Intake:
    """A complaint as any channel received it."""

    channel: str
    category: str
    description: str
    language: str = "zh-hans"
    complainant_kind: str = ComplainantKind.ANONYMOUS
    borrower: Borrower | None = None
    loan: Loan | None = None
    # A number the complainant proved is theirs (one-time code) or staff confirmed.
    complainant_phone: str | None = None
    verification_codes: Sequence[str] = ()
    attachments: Sequence[UploadedFile] = field(default_factory=tuple)
    submission_key: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    created: bool


# --- intake -------------------------------------------------------------------------------


def file_complaint(*, intake: Intake, actor: str, now: datetime | None = None) -> Filed:
    """Record a complaint, link its contacts, hold contact and acknowledge it; all or nothing.

    A repeated `submission_key` returns the first complaint (created False). Bad input
    raises InvalidInput and stores nothing.
    """
    moment = now or timezone.now()
    if intake.submission_key:
        earlier = Complaint.objects.filter(submission_key=intake.submission_key).first()
        if earlier is not None:
            return Filed(earlier, created=False)
    attempts = _validated(intake)
    source_digest = _source_digest(intake.source)
    if intake.channel == IntakeChannel.PUBLIC:
        _ensure_below_public_limit(source_digest, moment)
    try:
        with transaction.atomic():
            complaint = _recorded(intake, attempts, source_digest, actor, moment)
    except IntegrityError:
        # Two submissions with one key raced: the other one won; answer with it.
        earlier = Complaint.objects.filter(submission_key=intake.submission_key).first()
        if intake.submission_key and earlier is not None:
            return Filed(earlier, created=False)
        raise
    return Filed(complaint, created=True)


def _recorded(
    intake: Intake,
    attempts: list[ContactAttempt],
    source_digest: str,
    actor: str,
    moment: datetime,
) -> Complaint:
    identified = recipients_with_number(intake.complainant_phone or "")
    kind, borrower = _complainant(intake, identified)
    complaint = Complaint.objects.create(
        number=_unused_number(),
        pack=settings.GATE_PACK,
        category=intake.category,
        channel=intake.channel,
        complainant_kind=kind,
        borrower=borrower,
        loan=intake.loan,
        reply_to=_reply_to(kind, borrower, identified),
        complainant_digest=phone_digest(intake.complainant_phone)
        if intake.complainant_phone
        else "",
        description=intake.description.strip(),
        language=intake.language,
        received_at=moment,
        received_by=actor,
        submission_key=intake.submission_key or None,
        source_digest=source_digest,
        due_on=_due_on(settings.GATE_PACK, moment, 0),
    )
    _event(complaint, EventKind.RECEIVED, actor, moment, to_status=Status.RECEIVED)
    LinkedAttempt.objects.bulk_create(
        LinkedAttempt(complaint=complaint, attempt=attempt) for attempt in attempts
    )
    _store_attachments(complaint, intake.attachments)
    holds = _place_holds(complaint, attempts, identified, actor, moment)
    record_event(
        actor=actor,
        action="complaint.received",
        target=complaint,
        payload={
            "number": complaint.number,
            "category": complaint.category,
            "channel": complaint.channel,
            "complainant": complaint.complainant_kind,
            "attempts": len(attempts),
            "holds": len(holds),
            "due_on": complaint.due_on.isoformat(),
        },
    )
    acknowledge(complaint=complaint, actor=actor, now=moment)
    return complaint


def _validated(intake: Intake) -> list[ContactAttempt]:
    problems: dict[str, str] = {}
    text = intake.description.strip()
    if not text:
        problems["description"] = "say what happened"
    elif len(text) > MAX_DESCRIPTION:
        problems["description"] = f"must be at most {MAX_DESCRIPTION} characters"
    if intake.category not in Category.values:
        problems["category"] = f"must be one of {', '.join(Category.values)}"
    if intake.channel not in IntakeChannel.values:
        problems["channel"] = f"must be one of {', '.join(IntakeChannel.values)}"
    if intake.complainant_kind not in ComplainantKind.values:
        problems["complainant_kind"] = f"must be one of {', '.join(ComplainantKind.values)}"
    borrower = intake.borrower
    if intake.loan is not None and borrower is not None and intake.loan.borrower_id != borrower.pk:
        problems["loan"] = "this loan is not the complainant's"
    attempts = _attempts_for(intake.verification_codes, problems)
    _check_attachments(intake.attachments, problems)
    if problems:
        raise InvalidInput(problems)
    return attempts


def _attempts_for(codes: Sequence[str], problems: dict[str, str]) -> list[ContactAttempt]:
    wanted = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    if len(wanted) > MAX_CODES:
        problems["verification_codes"] = f"give at most {MAX_CODES} codes"
        return []
    malformed = [code for code in wanted if not _CODE.fullmatch(code)]
    found = {
        attempt.verification_code: attempt
        for attempt in ContactAttempt.objects.filter(verification_code__in=wanted).select_related(
            "recipient", "loan"
        )
    }
    unknown = [code for code in wanted if code not in found and code not in malformed]
    if malformed or unknown:
        # The codes are the complainant's own input: repeating them does no harm.
        problems["verification_codes"] = "no message or call carried the code(s) " + ", ".join(
            malformed + unknown
        )
        return []
    return [found[code] for code in wanted]


def _check_attachments(files: Sequence[UploadedFile], problems: dict[str, str]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        problems["attachments"] = f"attach at most {MAX_ATTACHMENTS} files"
        return
    for upload in files:
        problem = _attachment_problem(upload)
        if problem:
            problems["attachments"] = problem
            return


def _attachment_problem(upload: UploadedFile) -> str:
    suffix = PurePath(upload.name or "").suffix.lower()
    content_type = ATTACHMENT_TYPES.get(suffix)
    if content_type is None:
        return f"attach only {', '.join(sorted(ATTACHMENT_TYPES))} files"
    if not upload.size:
        return "an attached file is empty"
    if upload.size > MAX_ATTACHMENT_BYTES:
        return f"each file must be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"
    head = upload.read(8)
    upload.seek(0)
    signatures = _SIGNATURES.get(content_type)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        return "a file's content does not match its name"
    return ""


def _store_attachments(complaint: Complaint, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        suffix = PurePath(upload.name or "").suffix.lower()
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            complaint=complaint,
            content_type=ATTACHMENT_TYPES[suffix],
            size_bytes=upload.size or 0,
            sha256=digest.hexdigest(),
        )
        # A random name: the complainant's file name may name them.
        attachment.file.save(f"{secrets.token_hex(16)}{suffix}", upload, save=False)
        attachment.save()


def _complainant(intake: Intake, identified: list[Recipient]) -> tuple[str, Borrower | None]:
    if intake.borrower is not None:
        return ComplainantKind.BORROWER, intake.borrower
    own = [recipient for recipient in identified if recipient.role == RecipientRole.DEBTOR]
    if own:
        return ComplainantKind.BORROWER, own[0].borrower
    if intake.complainant_phone:
        return ComplainantKind.THIRD_PARTY, None
    return intake.complainant_kind, None


def _reply_to(
    kind: str, borrower: Borrower | None, identified: list[Recipient]
) -> Recipient | None:
    if identified:
        return identified[0]
    if kind == ComplainantKind.BORROWER and borrower is not None:
        own = recipients_for_borrower(borrower=borrower)
        return own[0] if own else None
    return None


def _place_holds(
    complaint: Complaint,
    attempts: list[ContactAttempt],
    identified: list[Recipient],
    actor: str,
    moment: datetime,
) -> list[Hold]:
    """Hold the debt(s) concerned, and every recipient the complainant is, or was contacted as.

    A third party is held wherever their number is a recipient, whichever borrower it is
    about: the hold is on the person, not on one debt.
    """
    loans = _loans_concerned(complaint, attempts)
    people = {recipient.pk: recipient for recipient in identified}
    for attempt in attempts:
        if attempt.recipient.role != RecipientRole.DEBTOR:
            people.setdefault(attempt.recipient.pk, attempt.recipient)
    reason = f"complaint {complaint.number}"
    source = f"complaints:{complaint.reference}"
    holds = [
        place_hold(
            kind=HoldKind.COMPLAINT,
            source=source,
            actor=actor,
            loan=loan,
            reason=reason,
            now=moment,
        )
        for loan in loans
    ]
    holds += [
        place_hold(
            kind=HoldKind.COMPLAINT,
            source=source,
            actor=actor,
            recipient=person,
            reason=reason,
            now=moment,
        )
        for person in people.values()
    ]
    ComplaintHold.objects.bulk_create(
        ComplaintHold(complaint=complaint, hold=hold) for hold in holds
    )
    return holds


def _loans_concerned(complaint: Complaint, attempts: list[ContactAttempt]) -> list[Loan]:
    loans = {attempt.loan.pk: attempt.loan for attempt in attempts if attempt.loan is not None}
    if complaint.loan is not None:
        loans[complaint.loan.pk] = complaint.loan
    if not loans and complaint.borrower is not None:
        # A borrower's complaint about no debt in particular pauses all of their debts.
        loans = {loan.pk: loan for loan in loans_of(complaint.borrower)}
    return [loans[key] for key in sorted(loans)]


def _ensure_below_public_limit(source_digest: str, moment: datetime) -> None:
    if not source_digest:
        return
    recent = Complaint.objects.filter(
        source_digest=source_digest,
        channel=IntakeChannel.PUBLIC,
        received_at__gt=moment - _HOUR,
    ).count()
    if recent >= PUBLIC_COMPLAINTS_PER_HOUR:
        raise TooManyComplaints()


def _source_digest(source: str) -> str:
    if not source:
        return ""
    return keyed_digest(f"complaint-source:{source}")


def _unused_number() -> str:
    while True:
        number = "C" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
        if not Complaint.objects.filter(number=number).exists():
            return number


# --- acknowledgement ----------------------------------------------------------------------


def acknowledge(*, complaint: Complaint, actor: str, now: datetime | None = None) -> bool:
    """Text the complainant that the complaint arrived, through a `service` permit.

    Return True once acknowledged. Without anyone to text, or at night, the complaint
    stays `received` and the scheduled task tries again.
    """
    moment = now or timezone.now()
    if complaint.status != Status.RECEIVED:
        return True
    recipient = complaint.reply_to
    if recipient is None:
        return False
    attempt = send_with_permit(
        loan=None,
        recipient=recipient,
        purpose="service",
        body=_acknowledgement_text(complaint),
        language=complaint.language,
        message_purpose="complaint_acknowledgement",
        actor=actor,
        now=moment,
    )
    if not attempt.allowed:
        _event(
            complaint,
            EventKind.ACKNOWLEDGEMENT_DEFERRED,
            actor,
            moment,
            details={"categories": attempt.categories},
        )
        return False
    _move(complaint, Status.ACKNOWLEDGED, EventKind.ACKNOWLEDGED, actor, moment)
    return True


def _acknowledgement_text(complaint: Complaint) -> str:
    with translation.override(complaint.language):
        return render_to_string(
            "complaints/letters/acknowledgement.txt",
            {"complaint": complaint, "site_url": settings.SITE_URL},
        ).strip()


# --- workflow -----------------------------------------------------------------------------


def assign(
    *, complaint: Complaint, officer: User, actor: User, now: datetime | None = None
) -> Complaint:
    """Give the complaint to a compliance officer."""
    _ensure_officer(actor)
    if not officer.has_role(*OFFICER_ROLES):
        raise InvalidInput({"officer": "assign complaints to a compliance officer"})
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        complaint.assigned_to = officer
        complaint.save(update_fields=["assigned_to"])
        _event(complaint, EventKind.ASSIGNED, _user(actor), moment, details={"officer": officer.pk})
    return complaint


def start_investigation(
    *, complaint: Complaint, actor: User, now: datetime | None = None
) -> Complaint:
    _ensure_officer(actor)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.RECEIVED, Status.ACKNOWLEDGED)
        _move(complaint, Status.INVESTIGATING, EventKind.INVESTIGATING, _user(actor), now)
    return complaint


def resolve(
    *, complaint: Complaint, resolution: str, summary: str, actor: User, now: datetime | None = None
) -> Complaint:
    """Record the finding of the investigation: upheld, partly upheld or not upheld."""
    _ensure_officer(actor)
    problems: dict[str, str] = {}
    if resolution not in Resolution.values:
        problems["resolution"] = f"must be one of {', '.join(Resolution.values)}"
    summary = summary.strip()
    if not summary or len(summary) > MAX_DESCRIPTION:
        problems["summary"] = f"explain the outcome in 1 to {MAX_DESCRIPTION} characters"
    if problems:
        raise InvalidInput(problems)
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.INVESTIGATING)
        complaint.resolution = resolution
        complaint.resolution_summary = summary
        complaint.resolved_at = moment
        complaint.save(update_fields=["resolution", "resolution_summary", "resolved_at"])
        _move(
            complaint,
            Status.RESOLVED,
            EventKind.RESOLVED,
            _user(actor),
            moment,
            details={"resolution": resolution},
        )
    return complaint


def close(*, complaint: Complaint, actor: User, now: datetime | None = None) -> Complaint:
    """Close a resolved complaint. An upheld one needs a second officer: four eyes.

    The first officer's close is a request; another officer's close approves it.
    """
    _ensure_officer(actor)
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.RESOLVED)
        if complaint.resolution != Resolution.NOT_UPHELD:
            requested = _pending_closure_request(complaint)
            if requested is None:
                _event(complaint, EventKind.CLOSURE_REQUESTED, _user(actor), moment)
                record_event(
                    actor=_user(actor), action="complaint.closure_requested", target=complaint
                )
                return complaint
            if requested.actor == _user(actor):
                raise Conflict(
                    "second_officer_required", "another compliance officer must approve closing"
                )
        complaint.closed_at = moment
        complaint.save(update_fields=["closed_at"])
        _move(complaint, Status.CLOSED, EventKind.CLOSED, _user(actor), moment)
    return complaint


def reopen(
    *, complaint: Complaint, reason: str, actor: User, now: datetime | None = None
) -> Complaint:
    _ensure_officer(actor)
    reason = _required_note(reason, "reason")
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(complaint, Status.RESOLVED, Status.CLOSED)
        complaint.resolution = ""
        complaint.resolved_at = None
        complaint.closed_at = None
        complaint.save(update_fields=["resolution", "resolved_at", "closed_at"])
        _move(
            complaint, Status.INVESTIGATING, EventKind.REOPENED, _user(actor), moment, note=reason
        )
    return complaint


def extend_deadline(
    *,
    complaint: Complaint,
    reason: str,
    actor: User,
    approved_by: User | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Grant the pack's next extension: with a recorded reason, and an approval where needed."""
    _ensure_officer(actor)
    reason = _required_note(reason, "reason")
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        policy = deadlines.policy_for(complaint.pack)
        try:
            extension = deadlines.next_extension(policy, complaint.extensions)
        except deadlines.SlaError as error:
            raise Conflict("no_extension_left", str(error)) from None
        if extension.needs_approval:
            _ensure_approver(actor, approved_by)
        complaint.extensions += 1
        complaint.due_on = _due_on(complaint.pack, complaint.received_at, complaint.extensions)
        complaint.save(update_fields=["extensions", "due_on"])
        details: dict[str, Any] = {
            "due_on": complaint.due_on.isoformat(),
            "level": complaint.extensions,
        }
        if approved_by is not None:
            details["approved_by"] = approved_by.pk
        _event(complaint, EventKind.EXTENDED, _user(actor), moment, note=reason, details=details)
    return complaint


def lift_holds(
    *, complaint: Complaint, reason: str, actor: User, now: datetime | None = None
) -> int:
    """Lift every hold the complaint placed that is still in force, for a stated reason."""
    _ensure_officer(actor)
    reason = _required_note(reason, "reason")
    moment = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        holds = [
            link.hold for link in complaint.holds.select_related("hold") if not _lifted(link.hold)
        ]
        for hold in holds:
            lift_hold(hold=hold, reason=reason, actor=_user(actor), now=moment)
        _event(
            complaint,
            EventKind.HOLD_LIFTED,
            _user(actor),
            moment,
            note=reason,
            details={"holds": len(holds)},
        )
    return len(holds)


def escalate_due(
    *, today: date, actor: str = "complaints", now: datetime | None = None
) -> list[Complaint]:
    """Escalate open complaints due within two days or late; once per deadline and standing."""
    moment = now or timezone.now()
    escalated = []
    for complaint in Complaint.objects.exclude(status__in=[Status.RESOLVED, Status.CLOSED]):
        standing = deadlines.standing(complaint.due_on, today)
        if standing is deadlines.Standing.ON_TIME or _already_escalated(complaint, standing):
            continue
        with transaction.atomic():
            _event(
                complaint,
                EventKind.ESCALATED,
                actor,
                moment,
                details={"standing": standing.value, "due_on": complaint.due_on.isoformat()},
            )
        escalated.append(complaint)
    return escalated


def retry_acknowledgements(*, actor: str = "complaints", now: datetime | None = None) -> int:
    """Try again to acknowledge complaints that could not be acknowledged at once."""
    done = 0
    for complaint in Complaint.objects.filter(status=Status.RECEIVED, reply_to__isnull=False):
        with transaction.atomic():
            done += acknowledge(complaint=complaint, actor=actor, now=now)
    return done


# --- remediation --------------------------------------------------------------------------


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


def send_apology(*, complaint: Complaint, actor: User, now: datetime | None = None) -> Remediation:
    """Text an apology from the versioned template, in the complainant's language, by permit."""
    _ensure_officer(actor)
    if complaint.resolution not in (Resolution.UPHELD, Resolution.PARTLY_UPHELD):
        raise Conflict("not_upheld", "an apology follows an upheld complaint")
    if complaint.reply_to is None:
        raise Conflict("no_one_to_reply_to", "the complainant left no number to reply to")
    moment = now or timezone.now()
    with transaction.atomic():
        attempt = send_with_permit(
            loan=None,
            recipient=complaint.reply_to,
            purpose="service",
            body=apology_text(complaint),
            language=complaint.language,
            message_purpose="complaint_apology",
            actor=_user(actor),
            now=moment,
        )
        if not attempt.allowed:
            raise Conflict("not_sent_now", "the gate does not permit the text now; try again later")
        return _remediation(
            complaint,
            RemediationKind.APOLOGY,
            actor,
            moment,
            details={"template": APOLOGY_TEMPLATE_VERSION, "language": complaint.language},
            attempt=attempt,
        )


def apology_text(complaint: Complaint) -> str:
    with translation.override(complaint.language):
        return render_to_string(
            f"complaints/letters/apology_{APOLOGY_TEMPLATE_VERSION}.txt",
            {"complaint": complaint, "site_url": settings.SITE_URL},
        ).strip()


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
            external_reference=f"compensation:{complaint.number}",
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
        if complaint is not None:
            _remediation(
                complaint, RemediationKind.COACHING, actor, moment, details={"task": task.pk}
            )
    return task


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
        borrower=attempt.recipient.borrower
        if attempt.recipient.role == RecipientRole.DEBTOR
        else None,
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


# --- helpers ------------------------------------------------------------------------------

_HOUR = timedelta(hours=1)


def _due_on(pack: str, received_at: datetime, extensions: int) -> date:
    policy = deadlines.policy_for(pack)
    return deadlines.deadline(policy, _local_date(received_at, pack), extensions)


_PACK_ZONES = {
    "cn": "Asia/Shanghai",
    "uk": "Europe/London",
    "id": "Asia/Jakarta",
    "in": "Asia/Kolkata",
}


def _local_date(moment: datetime, pack: str) -> date:
    return moment.astimezone(ZoneInfo(_PACK_ZONES.get(pack, "UTC"))).date()


def _event(
    complaint: Complaint,
    kind: str,
    actor: str,
    moment: datetime,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    details: dict[str, Any] | None = None,
) -> ComplaintEvent:
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=details or {},
        actor=actor,
        at=moment,
    )
    if kind != EventKind.RECEIVED:
        record_event(
            actor=actor,
            action=f"complaint.{kind}",
            target=complaint,
            payload={"number": complaint.number, **(details or {})},
        )
    return event


def _move(
    complaint: Complaint,
    status: str,
    kind: str,
    actor: str,
    now: datetime | None,
    *,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    before = complaint.status
    complaint.status = status
    complaint.save(update_fields=["status"])
    _event(
        complaint,
        kind,
        actor,
        now or timezone.now(),
        from_status=before,
        to_status=status,
        note=note,
        details=details,
    )


def _remediation(
    complaint: Complaint,
    kind: str,
    actor: User,
    moment: datetime,
    *,
    note: str = "",
    details: dict[str, Any] | None = None,
    ledger_entry: LedgerEntry | None = None,
    attempt: ContactAttempt | None = None,
) -> Remediation:
    remediation = Remediation.objects.create(
        complaint=complaint,
        kind=kind,
        note=note,
        details=details or {},
        ledger_entry=ledger_entry,
        attempt=attempt,
        recorded_by=_user(actor),
        recorded_at=moment,
    )
    _event(complaint, EventKind.REMEDIATION, _user(actor), moment, details={"kind": kind})
    return remediation


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _require(complaint: Complaint, *statuses: str) -> None:
    if complaint.status not in statuses:
        raise Conflict(
            "wrong_status",
            f"the complaint is {complaint.status}; this step needs {' or '.join(statuses)}",
        )


def _pending_closure_request(complaint: Complaint) -> ComplaintEvent | None:
    latest = (
        complaint.events.filter(
            kind__in=[EventKind.CLOSURE_REQUESTED, EventKind.RESOLVED, EventKind.REOPENED]
        )
        .order_by("-at", "-pk")
        .first()
    )
    return latest if latest is not None and latest.kind == EventKind.CLOSURE_REQUESTED else None


def _already_escalated(complaint: Complaint, standing: deadlines.Standing) -> bool:
    return any(
        event.details.get("standing") == standing.value
        and event.details.get("due_on") == complaint.due_on.isoformat()
        for event in complaint.events.filter(kind=EventKind.ESCALATED)
    )


def _lifted(hold: Hold) -> bool:
    return hasattr(hold, "lift")


def _ensure_officer(user: User) -> None:
    if not user.has_role(*OFFICER_ROLES):
        raise NotAnOfficer()


def _ensure_approver(actor: User, approver: User | None) -> None:
    if approver is None:
        raise InvalidInput({"approved_by": "this extension needs another officer's approval"})
    if approver.pk == actor.pk or not approver.has_role(*OFFICER_ROLES):
        raise InvalidInput({"approved_by": "another compliance officer must approve"})


def _required_note(text: str, name: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidInput({name: f"write 1 to {MAX_NOTE} characters"})
    return text


def _loan_of(complaint: Complaint) -> Loan:
    if complaint.loan is not None:
        return complaint.loan
    linked = (
        complaint.attempts.select_related("attempt__loan")
        .filter(attempt__loan__isnull=False)
        .first()
    )
    if linked is None or linked.attempt.loan is None:
        raise Conflict("no_loan", "this complaint concerns no loan")
    return linked.attempt.loan


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


def _user(user: User) -> str:
    return f"user:{user.pk}"

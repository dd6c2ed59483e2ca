"""Intake from every channel: record a complaint, link its contacts, place holds.

`file_complaint` records the complaint, links the contacts its verification codes name,
places `complaint` holds and asks for a permit to acknowledge it, all in one transaction:
from the next decision on, the gate denies.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tactful.audit.services import record_event
from tactful.borrowers.models import Borrower, phone_indexes
from tactful.complaints.models import (
    Attachment,
    Category,
    ComplainantKind,
    Complaint,
    ComplaintHold,
    EventKind,
    IntakeChannel,
    LinkedAttempt,
    Status,
)
from tactful.complaints.services._common import MAX_DESCRIPTION, _due_on, _event
from tactful.complaints.services.workflow import acknowledge
from tactful.contacts.models import ContactAttempt, Hold, HoldKind, Recipient
from tactful.contacts.selectors import (
    attempts_with_codes,
    designated_recipients_at,
    emergency_contact_recipients_at,
    loans_of,
    own_number_recipients_at,
)
from tactful.contacts.services import place_hold, recipients_for_borrower
from tactful.errors import InvalidInput, ServiceError
from tactful.loans.models import Loan
from tactful.one_time_codes import services as codes
from tactful.one_time_codes.models import Purpose
from tactful.policy import DEFAULT_CHECKER
from tactful.privacy.digests import keyed_digest

MAX_CODES = 20
MAX_ATTACHMENTS = 3
MAX_REFERRAL_REFERENCE = 64
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
_CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$")
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_HOUR = timedelta(hours=1)


class TooManyComplaints(ServiceError):
    status = 429

    def __init__(self) -> None:
        super().__init__(
            "too_many_complaints", "too many complaints came from here in the last hour"
        )


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
    # Channel ``regulator`` only: the regulator's reference of the referral.
    referral_reference: str = ""


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    created: bool


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
    identified = _recipients_at(intake.complainant_phone)
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
        complainant_digest=keyed_digest("complainant-phone", intake.complainant_phone)
        if intake.complainant_phone
        else "",
        description=intake.description.strip(),
        referral_reference=intake.referral_reference.strip(),
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
    referral_problem = _referral_problem(intake.channel, intake.referral_reference)
    if referral_problem:
        problems["referral_reference"] = referral_problem
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


def _referral_problem(channel: str, referral: object) -> str:
    if not isinstance(referral, str) or len(referral) > MAX_REFERRAL_REFERENCE:
        return f"must be text of at most {MAX_REFERRAL_REFERENCE} characters"
    if not referral.isprintable():
        return "must be printable text"
    if channel == IntakeChannel.REGULATOR and not referral.strip():
        return "give the regulator's reference of the referral"
    if channel != IntakeChannel.REGULATOR and referral.strip():
        return "only a regulator's referral has one"
    return ""


def _attempts_for(codes: Sequence[str], problems: dict[str, str]) -> list[ContactAttempt]:
    wanted = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    if len(wanted) > MAX_CODES:
        problems["verification_codes"] = f"give at most {MAX_CODES} codes"
        return []
    malformed = [code for code in wanted if not _CODE.fullmatch(code)]
    found = {attempt.verification_code: attempt for attempt in attempts_with_codes(wanted)}
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


def _recipients_at(phone: str | None) -> list[Recipient]:
    """Return everyone Tactful reaches at the complainant's proven number: a borrower's own
    number, and every designation of it as an emergency contact (ended ones too: the
    person was named, and the hold must reach every record that names them)."""
    if not phone:
        return []
    indexes = phone_indexes(phone)
    return [*own_number_recipients_at(indexes), *designated_recipients_at(indexes)]


def _complainant(intake: Intake, identified: list[Recipient]) -> tuple[str, Borrower | None]:
    if intake.borrower is not None:
        return ComplainantKind.BORROWER, intake.borrower
    own = [recipient for recipient in identified if recipient.role == "debtor"]
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
        if attempt.recipient.role != "debtor":
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
    return keyed_digest("complaint-source", source)


def _unused_number() -> str:
    while True:
        number = _draw_number()
        # The number is quoted in every text to the complainant, who is often not the
        # debtor: one that reads as an amount ("C9KAK5RMB" as 5 RMB, "CNY7JX9F9" as
        # CNY 7) would have the gate's content rule hold the acknowledgement back.
        if DEFAULT_CHECKER.check(number, "third_party"):
            continue
        if not Complaint.objects.filter(number=number).exists():
            return number


def _draw_number() -> str:
    return "C" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


# --- a complainant proves their number -----------------------------------------------------


def send_complainant_code(*, phone: str, language: str, now: datetime | None = None) -> str:
    """Text a one-time code to `phone` if Tactful has contacted it; return the E.164 form.

    The page answers alike for every well-formed number: a code is made for any, and
    texted only to a number Tactful reaches (a borrower's own, or a standing emergency
    contact's), through the gate. Raise
    InvalidInput for a malformed number and TooManyCodes past the hourly limit.
    """
    e164 = codes.normalised_phone(phone)
    codes.send_code(
        purpose=Purpose.COMPLAINT_IDENTITY,
        e164=e164,
        recipients=[
            *own_number_recipients_at(phone_indexes(e164)),
            *emergency_contact_recipients_at(phone_indexes(e164)),
        ],
        language=language,
        now=now,
    )
    return e164


def prove_complainant_phone(*, phone: str, code: str, now: datetime | None = None) -> str:
    """Return the E.164 number `code` was texted to, using the code up; CodeRefused if not."""
    e164 = codes.normalised_phone(phone)
    codes.use_code(purpose=Purpose.COMPLAINT_IDENTITY, e164=e164, code=code, now=now)
    return e164

"""Write path of call QA: upload a recording, transcribe and inspect it, review findings.

1. `upload_recording` stores the audio against the call's permit and queues transcription
   once the upload is committed.
2. `transcribe_recording` (the background task) transcribes, runs the checker on every
   segment and stores segments, findings and signals in one transaction. A signal places a
   `hardship` hold through the contacts app; a distress signal also raises a supervisor alert.
3. `review_finding`: a supervisor or compliance officer confirms or dismisses a finding;
   a dismissal needs a reason.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.callqa.engines import call_checker, speech_engine
from tactful.callqa.models import (
    Finding,
    FindingReview,
    Recording,
    Segment,
    Status,
    SupervisorAlert,
    Verdict,
    VulnerabilitySignal,
)
from tactful.contacts.models import ContactAttempt, Hold, HoldKind
from tactful.contacts.services import place_hold
from tactful.errors import Conflict, InvalidInput, ServiceError
from tactful.inspection.calls import CallInspection, inspect_call
from tactful.inspection.speech import SpeechEngine, SpeechError

AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".flac", ".amr", ".webm")
REVIEWER_ROLES = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)
MAX_REASON_LENGTH = 2000
ACTOR = "callqa"


class ReviewNotAllowed(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("review_not_allowed", "only supervisors and compliance review findings")


# --- upload -------------------------------------------------------------------------------


def upload_recording(
    *, attempt: ContactAttempt, audio: File[bytes], actor: str, now: datetime | None = None
) -> tuple[Recording, bool]:
    """Store `audio` as the recording of the call `attempt` permitted; queue its inspection.

    Return the recording and whether it is new: the same file uploaded again for the same
    permit returns the first upload, so a retried upload does nothing twice.
    """
    suffix = _checked_upload(attempt, audio)
    digest = _sha256(audio)
    existing = Recording.objects.filter(attempt=attempt, sha256=digest).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        recording = Recording(
            attempt=attempt,
            size_bytes=audio.size,
            sha256=digest,
            uploaded_at=now or timezone.now(),
            uploaded_by=actor,
        )
        recording.audio.save(f"{uuid.uuid4().hex}{suffix}", audio, save=False)
        recording.save()
        record_event(
            actor=actor,
            action="callqa.recording_uploaded",
            target=recording,
            payload={"permit": str(attempt.permit_id), "bytes": recording.size_bytes},
        )
        transaction.on_commit(lambda: _enqueue_transcription(recording.pk))
    return recording, True


def _checked_upload(attempt: ContactAttempt, audio: File[bytes]) -> str:
    """Return the file's suffix; raise for a permit or a file that cannot be a call recording."""
    if attempt.channel != "call":
        raise InvalidInput({"permit_id": "the permit is not for a call"})
    if not attempt.allowed:
        raise Conflict("permit_not_granted", "the gate denied this permit: there was no call")
    suffix = PurePath(audio.name or "").suffix.lower()
    if suffix not in AUDIO_SUFFIXES:
        raise InvalidInput({"audio": f"must be one of {', '.join(AUDIO_SUFFIXES)}"})
    limit = settings.RECORDING_MAX_MEGABYTES * 1024 * 1024
    if not audio.size:
        raise InvalidInput({"audio": "the file is empty"})
    if audio.size > limit:
        raise InvalidInput({"audio": f"must be at most {settings.RECORDING_MAX_MEGABYTES} MB"})
    return suffix


def _sha256(audio: File[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in audio.chunks():
        digest.update(chunk)
    audio.seek(0)
    return digest.hexdigest()


def _enqueue_transcription(recording_id: int) -> None:
    from tactful.callqa.tasks import transcribe_recording_task

    transcribe_recording_task.enqueue(recording_id)


# --- transcription and inspection ---------------------------------------------------------


def transcribe_recording(
    *, recording_id: int, engine: SpeechEngine | None = None, now: datetime | None = None
) -> Recording:
    """Transcribe and inspect an uploaded recording; a second call does nothing."""
    claimed = Recording.objects.filter(pk=recording_id, status=Status.UPLOADED).update(
        status=Status.TRANSCRIBING
    )
    recording = Recording.objects.select_related("attempt__recipient", "attempt__loan").get(
        pk=recording_id
    )
    if not claimed:
        return recording
    try:
        transcript = (engine or speech_engine()).transcribe(Path(recording.audio.path))
    except SpeechError as error:
        return _failed(recording, str(error))
    role = recording.attempt.recipient.role
    call = inspect_call(transcript, call_checker(), recipient_role=role)
    with transaction.atomic():
        _store(recording, call, now or timezone.now())
    return recording


def _failed(recording: Recording, reason: str) -> Recording:
    recording.status = Status.FAILED
    recording.failure = reason[:200]
    recording.save(update_fields=["status", "failure"])
    record_event(actor=ACTOR, action="callqa.transcription_failed", target=recording)
    return recording


def _store(recording: Recording, call: CallInspection, moment: datetime) -> None:
    """Store the transcript and everything found in it; act on the signals."""
    segments = _stored_segments(recording, call)
    _store_findings(recording, call, segments, moment)
    signals = _store_signals(recording, call, segments, moment)
    coverage = call.transcript.coverage
    recording.status = Status.INSPECTED
    recording.engine = call.transcript.engine
    recording.transcribed_at = moment
    recording.duration_seconds = call.transcript.duration_seconds
    recording.speech_seconds = coverage.speech_seconds
    recording.transcript_characters = coverage.characters
    recording.low_coverage = coverage.low
    recording.save()
    record_event(
        actor=ACTOR,
        action="callqa.recording_inspected",
        target=recording,
        payload={
            "labels": list(call.labels),
            "signals": list(call.signal_kinds),
            "low_coverage": coverage.low,
            # Seconds into the call of the speech the transcript lacks: where to listen.
            "unheard": coverage.to_json()["flagged"],
        },
    )
    if signals:
        _act_on_signals(recording, signals, moment)


def _stored_segments(recording: Recording, call: CallInspection) -> dict[int, Segment]:
    rows = [
        Segment(
            recording=recording,
            index=part.index,
            start_seconds=part.segment.start,
            end_seconds=part.segment.end,
            text=part.segment.text,
        )
        for part in call.segments
    ]
    return {segment.index: segment for segment in Segment.objects.bulk_create(rows)}


def _store_findings(
    recording: Recording, call: CallInspection, segments: dict[int, Segment], moment: datetime
) -> None:
    Finding.objects.bulk_create(
        Finding(
            recording=recording,
            segment=segments[part.index],
            category=finding.category,
            start=finding.start,
            end=finding.end,
            evidence=finding.evidence,
            source=finding.source,
            score=finding.score,
            rule=finding.rule,
            found_at=moment,
        )
        for part, finding in call.findings()
    )


def _store_signals(
    recording: Recording, call: CallInspection, segments: dict[int, Segment], moment: datetime
) -> list[VulnerabilitySignal]:
    return VulnerabilitySignal.objects.bulk_create(
        VulnerabilitySignal(
            recording=recording,
            segment=segments[part.index],
            kind=signal.kind,
            evidence=signal.evidence,
            heard_at=moment,
        )
        for part, signal in call.signals()
    )


def _act_on_signals(
    recording: Recording, signals: list[VulnerabilitySignal], moment: datetime
) -> None:
    """Pause collection with a hardship hold; alert a supervisor at once on distress."""
    hold = _hardship_hold(recording, signals, moment)
    VulnerabilitySignal.objects.filter(pk__in=[signal.pk for signal in signals]).update(hold=hold)
    distress = [signal for signal in signals if signal.kind == "distress"]
    if distress:
        alert = SupervisorAlert.objects.create(signal=distress[0], raised_at=moment)
        record_event(
            actor=ACTOR,
            action="callqa.supervisor_alerted",
            target=alert,
            payload={"recording": str(recording.reference), "kind": "distress"},
        )


def _hardship_hold(
    recording: Recording, signals: list[VulnerabilitySignal], moment: datetime
) -> Hold:
    attempt = recording.attempt
    kinds = sorted({signal.kind for signal in signals})
    return place_hold(
        kind=HoldKind.HARDSHIP,
        source=f"callqa:{recording.reference}",
        actor=ACTOR,
        # A hold on the loan pauses every contact about it; without a loan, the person.
        loan=attempt.loan,
        recipient=None if attempt.loan is not None else attempt.recipient,
        reason=f"signals heard in a recorded call: {', '.join(kinds)}",
        now=moment,
    )


# --- review -------------------------------------------------------------------------------


def review_finding(
    *, finding: Finding, verdict: str, reason: str, reviewer: User, now: datetime | None = None
) -> FindingReview:
    """Record a reviewer's verdict on `finding`: confirmed, or dismissed with a reason."""
    if not reviewer.has_role(*REVIEWER_ROLES):
        raise ReviewNotAllowed()
    reason = reason.strip()
    if verdict not in Verdict.values:
        raise InvalidInput({"verdict": f"must be one of {', '.join(Verdict.values)}"})
    if verdict == Verdict.DISMISSED and not reason:
        raise InvalidInput({"reason": "say why the finding is dismissed"})
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput({"reason": f"must be at most {MAX_REASON_LENGTH} characters"})
    with transaction.atomic():
        review = FindingReview.objects.create(
            finding=finding,
            verdict=verdict,
            reason=reason,
            reviewer=reviewer,
            reviewed_at=now or timezone.now(),
        )
        record_event(
            actor=f"user:{reviewer.pk}",
            action=f"callqa.finding_{verdict}",
            target=finding,
            payload={"category": finding.category, "recording": str(finding.recording.reference)},
        )
    return review


def acknowledge_alert(
    *, alert: SupervisorAlert, supervisor: User, now: datetime | None = None
) -> SupervisorAlert:
    """Record that `supervisor` has seen the alert and taken it in hand."""
    if not supervisor.has_role(Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN):
        raise ReviewNotAllowed()
    with transaction.atomic():
        locked = SupervisorAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            raise Conflict("alert_already_acknowledged", "someone has already taken this alert")
        locked.acknowledged_at = now or timezone.now()
        locked.acknowledged_by = supervisor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        record_event(
            actor=f"user:{supervisor.pk}", action="callqa.alert_acknowledged", target=locked
        )
    return locked

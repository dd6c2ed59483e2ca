"""`/api/v1/recordings`: dialers upload call recordings; integrators read their inspection.

Scope `recordings:write` for both. The answer never holds the transcript, names or
numbers: only what was found, when in the call, and its review state.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tactful.api.auth import api_key_of, requires
from tactful.api.keys import actor_of
from tactful.api.schemas import error_responses
from tactful.callqa import selectors
from tactful.callqa.models import Recording
from tactful.callqa.services import upload_recording
from tactful.errors import InvalidInput, NotFound

router = Router()


class FindingOut(Schema):
    category: str
    start_seconds: float = Field(description="When in the call the segment starts.")
    end_seconds: float
    source: str = Field(description="lexicon, pattern or model")
    score: float
    review: str | None = Field(description="confirmed, dismissed, or null while unreviewed.")


class RecordingOut(Schema):
    reference: UUID
    permit_id: UUID
    status: str = Field(description="uploaded, transcribing, inspected or failed")
    uploaded_at: datetime
    duration_seconds: float | None
    low_coverage: bool = Field(description="The transcript is short for the speech heard.")
    labels: list[str]
    signals: list[str]
    findings: list[FindingOut]


@router.post(
    "",
    auth=requires("recordings:write"),
    response={200: RecordingOut, 201: RecordingOut, **error_responses(409)},
    operation_id="uploadRecording",
    summary="Upload a call recording",
    description=(
        "Scope `recordings:write`. Multipart form: `permit_id` (the call's permit) and "
        "`audio` (WAV, MP3, M4A, AAC, OGG, OPUS, FLAC, AMR or WEBM). 201 when stored, 200 "
        "when this file was already uploaded for this permit. Transcription and inspection "
        "run in the background; read the result with GET."
    ),
)
def upload(
    request: HttpRequest, permit_id: Form[UUID], audio: File[UploadedFile]
) -> Status[RecordingOut]:
    attempt = selectors.permit_by_id(permit_id)
    if attempt is None:
        raise InvalidInput({"permit_id": "no permit has this id"})
    recording, created = upload_recording(
        attempt=attempt, audio=audio, actor=actor_of(api_key_of(request))
    )
    return Status(201 if created else 200, recording_out(recording))


@router.get(
    "/{reference}",
    auth=requires("recordings:write"),
    response={200: RecordingOut, **error_responses()},
    operation_id="getRecording",
    summary="Read a recording's inspection",
    description="Scope `recordings:write`: the uploader reads back what it uploaded.",
)
def get_recording(request: HttpRequest, reference: UUID) -> RecordingOut:
    recording = selectors.recording_by_reference(reference)
    if recording is None:
        raise NotFound("recording_not_found", "no recording has this reference")
    return recording_out(recording)


def recording_out(recording: Recording) -> RecordingOut:
    findings = [
        FindingOut(
            category=finding.category,
            start_seconds=finding.segment.start_seconds,
            end_seconds=finding.segment.end_seconds,
            source=finding.source,
            score=finding.score,
            review=review.verdict if (review := selectors.latest_review(finding)) else None,
        )
        for finding in recording.findings.select_related("segment")
    ]
    return RecordingOut(
        reference=recording.reference,
        permit_id=recording.attempt.permit_id,
        status=recording.status,
        uploaded_at=recording.uploaded_at,
        duration_seconds=recording.duration_seconds,
        low_coverage=recording.low_coverage,
        labels=sorted({finding.category for finding in findings}),
        signals=sorted(set(recording.signals.values_list("kind", flat=True))),
        findings=findings,
    )

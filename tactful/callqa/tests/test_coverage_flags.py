"""A call whose transcript lost speech is stored as needing a listen, with where to listen."""

from __future__ import annotations

import pytest

from tactful.audit.models import AuditEvent
from tactful.callqa.services import transcribe_recording, upload_recording
from tactful.callqa.tests.conftest import wav
from tactful.inspection.fake_speech import FakeSpeechEngine
from tactful.inspection.speech import Chunk, Segment, Transcript

pytestmark = pytest.mark.django_db

HEARD = "您好，我是小鹿金融的客服，打电话是关于您的账单。"


def _transcript(last: Chunk) -> Transcript:
    # Ten lines heard in the first chunks; the last chunk, read twice, still lost two lines.
    return Transcript(
        (Segment(0.5, 50.0, HEARD * 6),),
        68.0,
        "fake",
        chunks=(Chunk(0.3, 50.9, 45.0, 132), last),
    )


def test_speech_lost_in_one_chunk_marks_the_recording_and_says_where(permit):
    recording, _ = upload_recording(attempt=permit, audio=wav(), actor="dialer")
    lost = Chunk(51.3, 68.0, 14.4, 9, reread=True, unheard=((56.5, 62.0), (62.4, 68.0)))

    transcribe_recording(
        recording_id=recording.pk, engine=FakeSpeechEngine(default=_transcript(lost))
    )

    recording.refresh_from_db()
    assert recording.low_coverage
    event = AuditEvent.objects.get(action="callqa.recording_inspected")
    assert event.payload["unheard"] == [[56.5, 62.0], [62.4, 68.0]]


def test_a_chunk_recovered_by_the_second_reading_needs_no_listen(permit):
    recording, _ = upload_recording(attempt=permit, audio=wav(), actor="dialer")
    recovered = Chunk(51.3, 68.0, 14.4, 40, reread=True)

    transcribe_recording(
        recording_id=recording.pk, engine=FakeSpeechEngine(default=_transcript(recovered))
    )

    recording.refresh_from_db()
    assert not recording.low_coverage

"""Background work of call QA."""

from __future__ import annotations

from django_tasks import task

from tactful.callqa.services import transcribe_recording


@task()
def transcribe_recording_task(recording_id: int) -> str:
    """Transcribe and inspect the recording `recording_id`; return its status."""
    return transcribe_recording(recording_id=recording_id).status

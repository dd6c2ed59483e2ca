"""`/api/v1/recordings`: upload with a permit id, read back the inspection; scopes enforced."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tactful.callqa.models import Recording
from tactful.callqa.tests.conftest import wav
from tactful.testing.api import issue_test_key

pytestmark = pytest.mark.django_db
URL = "/api/v1/recordings"


def post(token: str | None, data: dict[str, object]):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(URL, data, headers=headers)


def test_a_dialer_uploads_a_recording_and_reads_its_findings(
    permit, engine, django_capture_on_commit_callbacks
):
    token = issue_test_key("recordings:write")

    with django_capture_on_commit_callbacks(execute=True):
        created = post(token, {"permit_id": str(permit.permit_id), "audio": wav()})
    reference = created.json()["reference"]
    read = Client().get(f"{URL}/{reference}", headers={"Authorization": f"Bearer {token}"})

    assert created.status_code == 201
    assert created.json()["status"] == "uploaded"
    body = read.json()
    assert read.status_code == 200
    assert body["status"] == "inspected"
    assert body["labels"] == ["exposure_threat", "false_legal_claim", "impersonation", "insult"]
    assert {finding["start_seconds"] for finding in body["findings"]} == {4.0, 8.0}
    assert all(finding["review"] is None for finding in body["findings"])


def test_the_answer_holds_no_transcript_or_evidence(
    permit, engine, django_capture_on_commit_callbacks
):
    token = issue_test_key("recordings:write")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(token, {"permit_id": str(permit.permit_id), "audio": wav()})
    body = (
        Client()
        .get(f"{URL}/{response.json()['reference']}", headers={"Authorization": f"Bearer {token}"})
        .content.decode()
    )

    assert "老赖" not in body
    assert "王" not in body


def test_the_same_file_again_answers_200_with_the_first_upload(permit, engine):
    token = issue_test_key("recordings:write")

    first = post(token, {"permit_id": str(permit.permit_id), "audio": wav()})
    again = post(token, {"permit_id": str(permit.permit_id), "audio": wav()})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Recording.objects.count() == 1


def test_without_a_key_nothing_is_stored(permit):
    response = post(None, {"permit_id": str(permit.permit_id), "audio": wav()})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert Recording.objects.count() == 0


def test_a_key_without_the_scope_is_refused_and_nothing_stored(permit):
    response = post(
        issue_test_key("loans:read"), {"permit_id": str(permit.permit_id), "audio": wav()}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_scope"
    assert Recording.objects.count() == 0


def test_an_unknown_permit_is_invalid_input(db):
    response = post(
        issue_test_key("recordings:write"), {"permit_id": str(uuid.uuid4()), "audio": wav()}
    )

    assert response.status_code == 422
    assert "permit_id" in response.json()["fields"]
    assert Recording.objects.count() == 0


def test_a_missing_file_is_invalid_input(permit):
    response = post(issue_test_key("recordings:write"), {"permit_id": str(permit.permit_id)})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert Recording.objects.count() == 0


def test_a_file_that_is_no_audio_is_refused(permit):
    response = post(
        issue_test_key("recordings:write"),
        {"permit_id": str(permit.permit_id), "audio": wav("notes.txt", b"hello")},
    )

    assert response.status_code == 422
    assert "audio" in response.json()["fields"]
    assert Recording.objects.count() == 0


def test_an_unknown_recording_is_404(db):
    response = Client().get(
        f"{URL}/{uuid.uuid4()}", headers={"Authorization": f"Bearer {issue_test_key()}"}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "recording_not_found"

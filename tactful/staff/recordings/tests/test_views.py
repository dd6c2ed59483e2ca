"""The staff pages: who sees which calls, masked personal data, reviews and alerts."""

from __future__ import annotations

import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.callqa.models import FindingReview, Recording, SupervisorAlert
from tactful.callqa.services import upload_recording
from tactful.callqa.tests.conftest import wav
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
LIST = "/staff/recordings/"


@pytest.fixture
def inspected(permit, engine, django_capture_on_commit_callbacks):
    def upload(name: str = "abusive.wav") -> Recording:
        with django_capture_on_commit_callbacks(execute=True):
            recording, _ = upload_recording(attempt=permit, audio=wav(name), actor="dialer")
        recording.refresh_from_db()
        return recording

    return upload


def signed_in(user) -> Client:
    client = Client()
    sign_in_staff(client, user)
    return client


def page(recording: Recording) -> str:
    return f"/staff/recordings/{recording.reference}/"


def test_anonymous_visitors_are_sent_to_sign_in(inspected):
    recording = inspected()

    for path in (LIST, page(recording), f"{page(recording)}audio/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")


def test_the_collector_sees_the_transcript_and_findings_of_their_own_call(inspected, collector):
    recording = inspected()

    response = signed_in(collector).get(page(recording))

    text = response.content.decode()
    assert response.status_code == 200
    assert "<mark" in text
    assert "老赖" in text
    assert "Record review" not in text
    assert "记录审核" not in text


def test_another_collector_cannot_see_the_call(inspected, other_collector):
    recording = inspected()
    client = signed_in(other_collector)

    assert client.get(page(recording)).status_code == 404
    assert client.get(f"{page(recording)}audio/").status_code == 404
    assert str(recording.reference) not in client.get(LIST).content.decode()


def test_names_and_numbers_are_masked(inspected, supervisor):
    recording = inspected()

    text = signed_in(supervisor).get(page(recording)).content.decode()

    assert "王**" in text
    assert "王小明" not in text
    assert "202****0123" in text
    assert "2025550123" not in text


def test_the_audio_is_served_to_those_who_may_see_the_call(inspected, supervisor):
    recording = inspected()

    response = signed_in(supervisor).get(f"{page(recording)}audio/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"FAKE:abusive.wav"


def test_a_supervisor_reviews_a_finding_on_the_page(inspected, supervisor):
    recording = inspected()
    finding = recording.findings.first()

    response = signed_in(supervisor).post(
        f"/staff/recordings/findings/{finding.pk}/review/",
        {"verdict": "dismissed", "reason": "the borrower said it, not the collector"},
    )

    assert response.status_code == 302
    review = FindingReview.objects.get()
    assert (review.verdict, review.reviewer) == ("dismissed", supervisor)


def test_a_collector_cannot_review(inspected, collector):
    finding = inspected().findings.first()

    response = signed_in(collector).post(
        f"/staff/recordings/findings/{finding.pk}/review/", {"verdict": "dismissed", "reason": "x"}
    )

    assert response.status_code == 403
    assert FindingReview.objects.count() == 0


def test_a_dismissal_without_a_reason_records_nothing(inspected, compliance):
    finding = inspected().findings.first()

    signed_in(compliance).post(
        f"/staff/recordings/findings/{finding.pk}/review/", {"verdict": "dismissed", "reason": ""}
    )

    assert FindingReview.objects.count() == 0


def test_a_distress_alert_shows_on_the_supervisors_pages_with_support_resources(
    inspected, supervisor, collector
):
    recording = inspected("distress.wav")

    supervisor_page = signed_in(supervisor).get(page(recording)).content.decode()
    collector_list = signed_in(collector).get(LIST).content.decode()

    assert 'role="alert"' in supervisor_page
    assert "12356" in supervisor_page  # the borrower's language is simplified Chinese
    assert 'role="alert"' not in collector_list


def test_a_supervisor_takes_the_alert(inspected, supervisor):
    inspected("distress.wav")
    alert = SupervisorAlert.objects.get()

    signed_in(supervisor).post(f"/staff/recordings/alerts/{alert.pk}/acknowledge/")

    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor
    assert 'role="alert"' not in signed_in(supervisor).get(LIST).content.decode()


def test_a_collector_uploads_for_their_own_permit_on_the_page(permit, engine, collector):
    response = signed_in(collector).post(
        LIST, {"permit_code": permit.verification_code, "audio": wav("polite.wav")}
    )

    assert response.status_code == 302
    assert Recording.objects.get().uploaded_by == f"user:{collector.pk}"


def test_a_collector_cannot_upload_for_someone_elses_permit(permit, engine, other_collector):
    response = signed_in(other_collector).post(
        LIST, {"permit_code": permit.verification_code, "audio": wav("polite.wav")}
    )

    assert response.status_code == 422
    assert Recording.objects.count() == 0


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_opens_the_list(role):
    assert signed_in(make_staff(f"staff-{role}", role)).get(LIST).status_code == 200


# --- the call-QA queue ------------------------------------------------------------------------

QUEUE = "/staff/recordings/queue/"


def test_the_queue_lists_findings_nobody_reviewed_and_a_review_returns_to_it(inspected, supervisor):
    recording = inspected()
    findings = list(recording.findings.all())
    assert findings, "the abusive call should have findings"
    client = signed_in(supervisor)
    assert f'href="{QUEUE}"' in client.get(LIST).content.decode()
    queue = client.get(QUEUE).content.decode()
    for finding in findings:
        assert f'data-finding="{finding.pk}"' in queue
    response = client.post(
        f"/staff/recordings/findings/{findings[0].pk}/review/",
        {"verdict": "confirmed", "reason": "", "back": "queue"},
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    after = client.get(QUEUE).content.decode()
    assert f'data-finding="{findings[0].pk}"' not in after


def test_the_queue_is_for_reviewers_only(inspected, collector):
    inspected()
    assert signed_in(collector).get(QUEUE).status_code == 403
    assert Client().get(QUEUE).status_code == 302
    assert f'href="{QUEUE}"' not in signed_in(collector).get(LIST).content.decode()


def test_an_empty_queue_says_so(supervisor):
    client = signed_in(supervisor)
    client.cookies["django_language"] = "en"
    assert "No finding is waiting for review." in client.get(QUEUE).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "没有等待审核的发现。" in client.get(QUEUE).content.decode()

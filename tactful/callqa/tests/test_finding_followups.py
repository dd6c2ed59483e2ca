"""From a confirmed finding, reviewers open a complaint or a coaching task for the collector."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tactful.accounts.models import User
from tactful.callqa.models import Finding, Recording
from tactful.callqa.services import review_finding, upload_recording
from tactful.callqa.tests.conftest import wav
from tactful.complaints.models import CoachingTask, Complaint
from tactful.testing.personas import sign_in_staff

pytestmark = pytest.mark.django_db
NOTE = "Never mention the borrower's contacts; offer a plan instead."


@pytest.fixture
def recording(permit, engine, django_capture_on_commit_callbacks) -> Recording:
    with django_capture_on_commit_callbacks(execute=True):
        uploaded, _ = upload_recording(attempt=permit, audio=wav("abusive.wav"), actor="dialer")
    return uploaded


@pytest.fixture
def finding(recording: Recording) -> Finding:
    found = recording.findings.first()
    assert found is not None
    return found


@pytest.fixture
def confirmed(finding: Finding, supervisor: User) -> Finding:
    review_finding(finding=finding, verdict="confirmed", reason="", reviewer=supervisor)
    return finding


def signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    sign_in_staff(client, user)
    return client


def page_of(finding: Finding, user, language: str = "en") -> str:
    reference = finding.recording.reference
    return signed_in(user, language).get(f"/staff/recordings/{reference}/").content.decode()


def complaint_url(finding: Finding) -> str:
    return f"/staff/recordings/findings/{finding.pk}/complaint/"


def coaching_url(finding: Finding) -> str:
    return f"/staff/recordings/findings/{finding.pk}/coaching/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_confirmed_finding_offers_both_follow_ups_to_reviewers(confirmed, supervisor):
    page = page_of(confirmed, supervisor)

    assert complaint_url(confirmed) in page
    assert coaching_url(confirmed) in page
    assert "Coaching task for the collector" in page


def test_the_follow_ups_are_translated(confirmed, compliance):
    assert "登记投诉" in page_of(confirmed, compliance, "zh-hans")
    assert "為催收員建立輔導任務" in page_of(confirmed, compliance, "zh-hant")


def test_an_unreviewed_finding_offers_no_follow_up(finding, supervisor):
    page = page_of(finding, supervisor)

    assert complaint_url(finding) not in page
    assert coaching_url(finding) not in page


def test_a_collector_sees_no_follow_up_on_their_own_call(confirmed, collector):
    page = page_of(confirmed, collector)

    assert complaint_url(confirmed) not in page
    assert coaching_url(confirmed) not in page


def test_a_supervisor_opens_a_complaint_once_from_a_confirmed_finding(confirmed, supervisor):
    client = signed_in(supervisor)

    first = client.post(complaint_url(confirmed), follow=True)
    again = client.post(complaint_url(confirmed))

    complaint = Complaint.objects.get()
    assert complaint.submission_key == f"finding:{confirmed.pk}"
    assert first.redirect_chain == [(f"/staff/recordings/{confirmed.recording.reference}/", 302)]
    assert again.status_code == 302
    assert messages_of(again) == [f"Complaint {complaint.number} is on record for this finding."]


def test_a_compliance_officer_opens_a_coaching_task_for_the_collector(
    confirmed, compliance, collector
):
    response = signed_in(compliance).post(coaching_url(confirmed), {"note": NOTE})

    task = CoachingTask.objects.get()
    assert (task.finding, task.collector, task.note) == (confirmed, collector, NOTE)
    assert task.complaint is None
    assert response.status_code == 302
    assert messages_of(response) == ["A coaching task was opened for the collector."]


def test_a_collector_may_not_open_either(confirmed, collector):
    client = signed_in(collector)

    assert client.post(complaint_url(confirmed)).status_code == 403
    assert client.post(coaching_url(confirmed), {"note": NOTE}).status_code == 403
    assert Complaint.objects.count() == 0
    assert CoachingTask.objects.count() == 0


def test_an_unconfirmed_finding_opens_nothing(finding, supervisor):
    client = signed_in(supervisor)

    complaint = client.post(complaint_url(finding), follow=True)
    coaching = client.post(coaching_url(finding), {"note": NOTE})

    assert "Only a confirmed finding opens a complaint." in complaint.content.decode()
    assert coaching.status_code == 302
    assert messages_of(coaching) == ["Only a confirmed finding leads to coaching."]
    assert Complaint.objects.count() == 0
    assert CoachingTask.objects.count() == 0


def test_a_dismissed_finding_opens_nothing(finding, supervisor):
    review_finding(finding=finding, verdict="dismissed", reason="said in jest", reviewer=supervisor)
    client = signed_in(supervisor)

    client.post(complaint_url(finding))
    client.post(coaching_url(finding), {"note": NOTE})

    assert Complaint.objects.count() == 0
    assert CoachingTask.objects.count() == 0


def test_coaching_without_a_note_opens_nothing(confirmed, supervisor):
    response = signed_in(supervisor).post(coaching_url(confirmed), {"note": "  "})

    assert messages_of(response) == ["Say what the collector should work on."]
    assert CoachingTask.objects.count() == 0


def test_the_follow_ups_answer_only_posts(confirmed, supervisor):
    client = signed_in(supervisor)

    assert client.get(complaint_url(confirmed)).status_code == 405
    assert client.get(coaching_url(confirmed)).status_code == 405
    assert Complaint.objects.count() == 0
    assert CoachingTask.objects.count() == 0


def test_the_follow_ups_need_the_csrf_token(confirmed, supervisor):
    client = Client(enforce_csrf_checks=True)
    sign_in_staff(client, supervisor)

    assert client.post(complaint_url(confirmed)).status_code == 403
    assert client.post(coaching_url(confirmed), {"note": NOTE}).status_code == 403
    assert Complaint.objects.count() == 0
    assert CoachingTask.objects.count() == 0

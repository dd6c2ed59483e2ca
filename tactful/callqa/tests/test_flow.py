"""Upload → background task → findings and signals → review, with the fake speech engine."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.callqa.models import (
    Finding,
    FindingReview,
    Recording,
    Segment,
    Status,
    SupervisorAlert,
    VulnerabilitySignal,
)
from tactful.callqa.services import review_finding, transcribe_recording, upload_recording
from tactful.callqa.tests.conftest import wav
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import Hold
from tactful.contacts.selectors import active_holds
from tactful.contacts.services import request_permit
from tactful.errors import Conflict, InvalidInput, ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_uploaded_recording_is_transcribed_and_its_findings_stored_with_times(
    permit, engine, commit
):
    with commit():
        recording, created = upload_recording(attempt=permit, audio=wav(), actor="dialer")

    recording.refresh_from_db()
    assert created
    assert recording.status == Status.INSPECTED
    assert Segment.objects.filter(recording=recording).count() == 3
    found = {
        (f.category, f.segment.index, f.segment.start_seconds) for f in recording.findings.all()
    }
    assert found >= {
        ("insult", 1, 4.0),
        ("exposure_threat", 1, 4.0),
        ("impersonation", 2, 8.0),
        ("false_legal_claim", 2, 8.0),
    }
    insult = recording.findings.get(category="insult", rule="insult.labels")
    assert insult.evidence == insult.segment.text[insult.start : insult.end] == "老赖"


def test_nothing_is_transcribed_before_the_upload_commits(permit, engine):
    recording, _ = upload_recording(attempt=permit, audio=wav(), actor="dialer")

    assert Recording.objects.get(pk=recording.pk).status == Status.UPLOADED
    assert engine.heard == []


def test_a_polite_call_has_no_findings(permit, engine, commit):
    with commit():
        recording, _ = upload_recording(attempt=permit, audio=wav("polite.wav"), actor="dialer")

    assert recording.findings.count() == 0
    assert Hold.objects.count() == 0


def test_the_same_file_uploaded_twice_is_stored_once(permit, engine, commit):
    with commit():
        first, _ = upload_recording(attempt=permit, audio=wav(), actor="dialer")
    second, created = upload_recording(attempt=permit, audio=wav(), actor="dialer")

    assert (second.pk, created) == (first.pk, False)
    assert Recording.objects.count() == 1


def test_transcribing_twice_stores_the_findings_once(permit, engine, commit):
    with commit():
        recording, _ = upload_recording(attempt=permit, audio=wav(), actor="dialer")
    findings = Finding.objects.count()

    transcribe_recording(recording_id=recording.pk)

    assert Finding.objects.count() == findings
    assert len(engine.heard) == 1


def test_an_unreadable_recording_fails_with_a_reason_and_stores_nothing(permit, engine, commit):
    with commit():
        recording, _ = upload_recording(attempt=permit, audio=wav("unknown.wav"), actor="dialer")

    recording.refresh_from_db()
    assert recording.status == Status.FAILED
    assert "no transcript" in recording.failure
    assert Segment.objects.count() == Finding.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("call.txt", b"text", "audio"),
        ("call.wav", b"", "audio"),
    ],
)
def test_a_file_that_is_no_recording_is_refused_and_nothing_stored(permit, name, body, field):
    with pytest.raises(InvalidInput) as refused:
        upload_recording(attempt=permit, audio=wav(name, body), actor="dialer")

    assert field in refused.value.fields
    assert Recording.objects.count() == 0


def test_a_recording_over_the_size_limit_is_refused(permit, settings):
    settings.RECORDING_MAX_MEGABYTES = 1

    with pytest.raises(InvalidInput):
        upload_recording(attempt=permit, audio=wav(body=b"x" * (1024 * 1024 + 1)), actor="d")

    assert Recording.objects.count() == 0


def test_a_recording_needs_a_call_permit(loan, recipient, collector):
    sms = request_permit(
        request=PermitRequest(
            loan=loan, recipient=recipient, channel="sms", purpose="collection", collector=collector
        ),
        actor="test",
        now=permit_time(),
    )

    with pytest.raises(InvalidInput) as refused:
        upload_recording(attempt=sms, audio=wav(), actor="dialer")

    assert "permit_id" in refused.value.fields
    assert Recording.objects.count() == 0


def test_a_denied_permit_cannot_have_a_recording(loan, recipient, collector):
    from tactful.callqa.tests.conftest import NOW

    night = NOW.replace(hour=15)  # 23:00 in Shanghai: the gate denies
    denied = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=night,
    )
    assert not denied.allowed

    with pytest.raises(Conflict) as refused:
        upload_recording(attempt=denied, audio=wav(), actor="dialer")

    assert refused.value.code == "permit_not_granted"
    assert Recording.objects.count() == 0


def permit_time():
    from tactful.callqa.tests.conftest import NOW

    return NOW


# --- signals ------------------------------------------------------------------------------


def test_a_job_loss_signal_places_a_hardship_hold_on_the_loan(permit, engine, commit):
    with commit():
        recording, _ = upload_recording(attempt=permit, audio=wav("job_loss.wav"), actor="d")

    hold = Hold.objects.get()
    assert (hold.kind, hold.loan_id) == ("hardship", permit.loan_id)
    assert hold.source == f"callqa:{recording.reference}"
    assert {signal.hold for signal in VulnerabilitySignal.objects.all()} == {hold}
    assert SupervisorAlert.objects.count() == 0


def test_the_hold_stops_the_next_contact_at_once(
    permit, engine, commit, loan, recipient, collector
):
    with commit():
        upload_recording(attempt=permit, audio=wav("job_loss.wav"), actor="d")

    later = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=timezone.now(),
    )

    assert not later.allowed
    assert "hold" in later.categories


def test_a_distress_signal_alerts_a_supervisor_at_once(permit, engine, commit):
    with commit():
        recording, _ = upload_recording(attempt=permit, audio=wav("distress.wav"), actor="d")

    alert = SupervisorAlert.objects.get()
    assert alert.signal.kind == "distress"
    assert alert.signal.recording == recording
    assert alert.acknowledged_at is None
    assert active_holds(loan=permit.loan, recipient_ids=[], now=alert.raised_at).count() == 1
    assert AuditEvent.objects.filter(action="callqa.supervisor_alerted").count() == 1


# --- review -------------------------------------------------------------------------------


@pytest.fixture
def finding(permit, engine, commit):
    with commit():
        recording, _ = upload_recording(attempt=permit, audio=wav(), actor="dialer")
    return recording.findings.filter(category="insult").first()


def test_a_supervisor_confirms_a_finding(finding, supervisor):
    review = review_finding(finding=finding, verdict="confirmed", reason="", reviewer=supervisor)

    assert review.verdict == "confirmed"
    assert AuditEvent.objects.filter(action="callqa.finding_confirmed").count() == 1


def test_a_dismissal_needs_a_reason(finding, compliance):
    with pytest.raises(InvalidInput) as refused:
        review_finding(finding=finding, verdict="dismissed", reason="  ", reviewer=compliance)

    assert "reason" in refused.value.fields
    assert FindingReview.objects.count() == 0


def test_a_dismissal_with_a_reason_is_recorded(finding, compliance):
    review_finding(
        finding=finding, verdict="dismissed", reason="quoted the borrower", reviewer=compliance
    )

    assert finding.reviews.get().reason == "quoted the borrower"


def test_a_collector_cannot_review_findings(finding, collector):
    with pytest.raises(ServiceError) as refused:
        review_finding(finding=finding, verdict="dismissed", reason="not me", reviewer=collector)

    assert refused.value.code == "review_not_allowed"
    assert FindingReview.objects.count() == 0


def test_an_unknown_verdict_is_refused(finding, supervisor):
    with pytest.raises(InvalidInput):
        review_finding(finding=finding, verdict="maybe", reason="", reviewer=supervisor)

    assert FindingReview.objects.count() == 0

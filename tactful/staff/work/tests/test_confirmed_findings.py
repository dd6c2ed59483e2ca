"""Call-QA findings a reviewer confirmed show in the borrower's contact history, with the
time in the call; the team page counts them per collector. The newest review is the state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tactful.callqa.models import Finding, Recording, Segment
from tactful.callqa.selectors import confirmed_findings_by_collector
from tactful.callqa.services import review_finding
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import request_permit
from tactful.testing.personas import sign_in_staff

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _finding(recording, index, seconds, category, text):
    segment = Segment.objects.create(
        recording=recording, index=index, start_seconds=seconds, end_seconds=seconds + 3,
        text=text,
    )  # fmt: skip
    return Finding.objects.create(
        recording=recording, segment=segment, category=category, start=0, end=2,
        evidence=text[:2], source="lexicon", score=1.0, rule="r", found_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def reviewed_call(loan, recipient, collector, supervisor):
    """A recorded call with a confirmed threat at 0:42, an insult confirmed and then
    dismissed at 1:05, and an exposure threat nobody has reviewed at 1:30."""
    call = request_permit(
        request=PermitRequest(
            loan=loan, recipient=recipient, channel="call", purpose="collection",
            collector=collector,
        ),
        actor="test",
    )  # fmt: skip
    recording = Recording.objects.create(
        attempt=call, size_bytes=1, sha256="3" * 64, uploaded_at=timezone.now(), uploaded_by="t"
    )
    threat = _finding(recording, 0, 42.4, "threat", "再不还钱就报警")
    insult = _finding(recording, 1, 65.0, "insult", "你这个老赖")
    _finding(recording, 2, 90.0, "exposure_threat", "打给你的联系人")
    later = timezone.now() + timedelta(minutes=1)
    review_finding(finding=threat, verdict="confirmed", reason="", reviewer=supervisor)
    review_finding(finding=insult, verdict="confirmed", reason="", reviewer=supervisor)
    review_finding(
        finding=insult, verdict="dismissed", reason="the borrower said it", reviewer=supervisor,
        now=later,
    )  # fmt: skip
    return call


def test_the_contact_history_shows_the_confirmed_finding_and_when_it_was_said(
    reviewed_call, loan, collector
):
    page = _client(collector).get(f"/staff/work/{loan.external_id}/").content.decode()

    assert "Call QA confirmed: Threat at 0:42" in page
    assert "Insult" not in page  # dismissed after it was confirmed
    assert "Threat to expose the debt" not in page  # nobody has reviewed it


def test_the_contact_history_reads_the_finding_in_chinese(reviewed_call, loan, collector):
    page = _client(collector, "zh-hans").get(f"/staff/work/{loan.external_id}/")

    assert page.status_code == 200
    assert "0:42" in page.content.decode()


def test_the_team_tally_counts_the_findings_that_stand_confirmed(
    reviewed_call, collector, supervisor
):
    assert confirmed_findings_by_collector() == {collector.pk: 1}

    page = _client(supervisor).get("/staff/team/").content.decode()
    row = page[page.index(collector.get_username()) :]
    assert 'data-label="Confirmed findings">1</td>' in row[: row.index("</tr>")]

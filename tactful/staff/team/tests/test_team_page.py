"""The supervisor's team page: the board, the review queue, coaching held."""

import pytest
from django.test import Client
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.callqa.models import Finding, Recording, Segment
from tactful.complaints.models import CoachingTask
from tactful.complaints.services import review_finding_and_coach
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import request_permit
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/team/"


def _client(user, language="en"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _confirmed_finding(loan, recipient, collector, supervisor):
    call = request_permit(
        request=PermitRequest(
            loan=loan, recipient=recipient, channel="call", purpose="collection",
            collector=collector,
        ),
        actor="test",
    )  # fmt: skip
    now = timezone.now()
    recording = Recording.objects.create(
        attempt=call, size_bytes=1, sha256="2" * 64, uploaded_at=now, uploaded_by="t"
    )
    segment = Segment.objects.create(
        recording=recording, index=0, start_seconds=0, end_seconds=1, text="再不还钱就报警"
    )
    finding = Finding.objects.create(
        recording=recording, segment=segment, category="threat", start=0, end=3,
        evidence="报警", source="lexicon", score=1.0, rule="r", found_at=now,
    )  # fmt: skip
    review_finding_and_coach(finding=finding, verdict="confirmed", reason="", reviewer=supervisor)


def test_the_board_shows_the_collector_suspended_after_a_confirmed_finding(
    loan, recipient, collector, supervisor
):
    client = _client(supervisor)
    before = client.get(URL).content.decode()
    assert "wang.collector" in before
    assert "Not valid: cannot collect" not in before

    _confirmed_finding(loan, recipient, collector, supervisor)
    after = client.get(URL).content.decode()
    assert "Not valid: cannot collect" in after
    assert "after a confirmed call finding" in after
    assert "1 / 0" in after  # the allowed call of the week, no denial

    task = CoachingTask.objects.get()
    assert client.post(f"{URL}coaching/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert client.post(f"{URL}coaching/{task.pk}/done/").status_code == 404


def test_the_team_page_reads_in_traditional_chinese(supervisor, collector):
    page = _client(supervisor, "zh-hant").get(URL).content.decode()
    assert "我的團隊" in page


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.COMPLIANCE])
def test_only_supervisors_and_admins_open_it(role):
    assert _client(make_staff("someone", role)).get(URL).status_code == 403

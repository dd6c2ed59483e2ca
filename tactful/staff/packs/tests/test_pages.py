"""The rule-pack pages: who may do what, CSRF, malformed input, and the refusal in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.rulepacks.models import PackApproval, PackProposal
from tactful.rulepacks.selectors import forget_gate_pack
from tactful.rulepacks.tests.conftest import LOOSER, TIGHTER
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/packs/"


@pytest.fixture(autouse=True)
def _fresh_gate_pack() -> Iterator[None]:
    forget_gate_pack()
    yield
    forget_gate_pack()


def _client(username: str, role: Role, language: str = "en", *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    sign_in_staff(client, make_staff(username, role))
    client.cookies["django_language"] = language
    return client


def test_a_loosening_proposal_is_refused_with_the_rules_named():
    officer = _client("li.compliance", Role.COMPLIANCE)

    response = officer.post(f"{URL}new/", {"override": LOOSER}, follow=True)

    page = response.content.decode()
    assert "Refused: this change loosens the pack." in page
    assert "cn.gbt45251.quiet_hours" in page
    assert "cn.cba2026.unanswered_attempt_cap" in page
    assert "Window opens: 08:00 → 07:00 (looser)" in page
    assert 'data-state="refused"' in page
    assert "Approve the change" not in page


def test_a_second_officer_approves_a_tightening_for_a_time_they_set():
    author = _client("li.compliance", Role.COMPLIANCE)
    author.post(f"{URL}new/", {"override": TIGHTER})
    proposal = PackProposal.objects.get()
    page = author.get(f"{URL}{proposal.reference}/").content.decode()
    assert "Never loosens" in page
    assert "Approve the change" not in page

    second = _client("chen.compliance", Role.COMPLIANCE, "zh-hans")
    assert "effective_at" in second.get(f"{URL}{proposal.reference}/").content.decode()
    officer = User.objects.get(username="chen.compliance")
    later = (
        (timezone.now() + timedelta(days=1))
        .astimezone(officer.zone)
        .replace(second=0, microsecond=0)
    )
    wall = later.strftime("%Y-%m-%dT%H:%M")
    response = second.post(f"{URL}{proposal.reference}/approve/", {"effective_at": wall})

    assert response.status_code == 302
    # The wall time the officer typed, in their own zone.
    assert PackApproval.objects.get().effective_at == later
    assert AuditEvent.objects.filter(action="rulepacks.override_approved").count() == 1


def test_the_author_sees_no_approve_button_and_a_post_changes_nothing():
    author = _client("li.compliance", Role.COMPLIANCE)
    author.post(f"{URL}new/", {"override": TIGHTER})
    proposal = PackProposal.objects.get()

    now = timezone.now().strftime("%Y-%m-%dT%H:%M")
    author.post(f"{URL}{proposal.reference}/approve/", {"effective_at": now})

    assert not PackApproval.objects.exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pack: cn\nrules: [\n", "not valid YAML"),
        ("pack: cn\nrules:\n  - id: cn.gbt45251.connected_call_cap\n    parameters: {max: lots}\n",
         "whole number"),
        ("pack: cn\nrules:\n  - id: cn.gbt45251.quiet_hours\n    parameters: {start: 9}\n",
         "HH:MM"),
    ],
)  # fmt: skip
def test_malformed_text_is_a_form_error_and_changes_nothing(text, words):
    officer = _client("li.compliance", Role.COMPLIANCE)

    response = officer.post(f"{URL}new/", {"override": text})

    assert response.status_code == 422
    page = response.content.decode()
    assert "The gate cannot read this override" in page
    assert words in page
    assert not PackProposal.objects.exists()


def test_an_effective_time_in_the_past_is_a_form_error():
    _client("li.compliance", Role.COMPLIANCE).post(f"{URL}new/", {"override": TIGHTER})
    proposal = PackProposal.objects.get()
    second = _client("chen.compliance", Role.COMPLIANCE)

    response = second.post(
        f"{URL}{proposal.reference}/approve/", {"effective_at": "2020-01-01T09:00"}
    )

    assert response.status_code == 422
    assert not PackApproval.objects.exists()


def test_a_proposal_needs_the_csrf_token():
    officer = _client("li.compliance", Role.COMPLIANCE, csrf=True)

    assert officer.post(f"{URL}new/", {"override": TIGHTER}).status_code == 403
    assert not PackProposal.objects.exists()


def test_supervisors_read_and_collectors_are_refused():
    _client("li.compliance", Role.COMPLIANCE).post(f"{URL}new/", {"override": TIGHTER})
    proposal = PackProposal.objects.get()
    supervisor = _client("wang.supervisor", Role.SUPERVISOR, "zh-hant")

    assert supervisor.get(f"{URL}{proposal.reference}/").status_code == 200
    assert supervisor.get(f"{URL}new/").status_code == 403
    assert _client("zhao.collector", Role.COLLECTOR).get(URL).status_code == 403


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_pages_render_in_each_language(language):
    _client("li.compliance", Role.COMPLIANCE).post(f"{URL}new/", {"override": LOOSER})
    proposal = PackProposal.objects.get()
    reader = _client("chen.compliance", Role.COMPLIANCE, language)

    for path in (URL, f"{URL}new/", f"{URL}{proposal.reference}/"):
        assert reader.get(path).status_code == 200

"""Proposals are checked when made; only a tightening, approved by a second officer, takes
effect, at its time, audited; the gate then decides under it and records its digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.contacts.packs import configured_pack
from tactful.errors import Conflict, InvalidInput
from tactful.policy import load_pack
from tactful.rulepacks import selectors
from tactful.rulepacks.models import PackApproval, PackProposal
from tactful.rulepacks.services import approve_proposal, propose_override
from tactful.rulepacks.tests.conftest import LOOSER, TIGHTER

pytestmark = pytest.mark.django_db

WINDOW = "cn.gbt45251.quiet_hours"
CAP = "cn.gbt45251.connected_call_cap"


def test_a_tightening_is_recorded_with_its_diff_and_sweep(author):
    proposal = propose_override(author=author, text=TIGHTER)

    assert proposal.direction == "tighter"
    assert not proposal.loosens
    verdicts = {d["rule"]: d["verdict"] for d in proposal.diff if d["verdict"] != "same"}
    assert verdicts == {WINDOW: "tighter", "cn.gbt45251.connected_call_cap": "tighter"}
    assert proposal.sweep["scenarios"] > 20_000
    assert proposal.sweep["loosened"] == 0
    assert proposal.sweep["tightened"] > 0
    assert proposal.against_digest == load_pack("cn").digest
    event = AuditEvent.objects.get(action="rulepacks.override_proposed")
    assert event.payload["direction"] == "tighter"


def test_a_loosening_is_recorded_with_the_rules_named_and_never_approved(author, approver):
    proposal = propose_override(author=author, text=LOOSER)

    assert proposal.loosens
    assert proposal.sweep["loosened_rules"] == [
        "cn.cba2026.unanswered_attempt_cap",
        WINDOW,
    ]
    with pytest.raises(Conflict) as refused:
        approve_proposal(proposal=proposal, approver=approver, effective_at=timezone.now())
    assert refused.value.code == "proposal_loosens"
    assert not PackApproval.objects.exists()
    assert configured_pack().digest == load_pack("cn").digest


def test_the_author_cannot_approve_their_own_proposal(author):
    proposal = propose_override(author=author, text=TIGHTER)

    with pytest.raises(Conflict) as refused:
        approve_proposal(proposal=proposal, approver=author, effective_at=timezone.now())
    assert refused.value.code == "four_eyes"
    assert not PackApproval.objects.exists()


def test_only_compliance_proposes_or_approves(author, supervisor):
    with pytest.raises(Conflict):
        propose_override(author=supervisor, text=TIGHTER)
    proposal = propose_override(author=author, text=TIGHTER)
    with pytest.raises(Conflict) as refused:
        approve_proposal(proposal=proposal, approver=supervisor, effective_at=timezone.now())
    assert refused.value.code == "not_compliance"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pack: cn\nrules: [\n", "not valid YAML"),
        ("", "empty"),
        ("- just a list\n", "mapping"),
        ("pack: us\nrules: [{id: x}]\n", "must name the pack"),
        (f"pack: cn\nrules:\n  - id: {CAP}\n    parameters: {{max: three}}\n", "whole number"),
    ],
)
def test_malformed_text_is_refused_and_nothing_recorded(author, text, words):
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        propose_override(author=author, text=text)
    assert words in refused.value.fields["override"]
    assert not PackProposal.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_approved_tightening_takes_effect_at_its_time(author, approver):
    now = timezone.now()
    later = now + timedelta(hours=2)
    proposal = propose_override(author=author, text=TIGHTER, now=now)

    approve_proposal(proposal=proposal, approver=approver, effective_at=later, now=now)

    assert selectors.gate_pack(now).digest == load_pack("cn").digest
    assert selectors.gate_pack(later - timedelta(seconds=1)).digest == load_pack("cn").digest
    in_force = selectors.gate_pack(later)
    assert in_force.digest == proposal.proposed_digest
    assert in_force.route("call", "debtor", "collection").window is not None
    event = AuditEvent.objects.get(action="rulepacks.override_approved")
    assert event.payload["effective_at"] == later.isoformat()
    assert event.payload["proposed_digest"] == proposal.proposed_digest


def test_a_change_waiting_to_take_effect_blocks_another_approval(author, approver):
    now = timezone.now()
    first = propose_override(author=author, text=TIGHTER, now=now)
    second = propose_override(author=author, text=TIGHTER.replace("20:00", "19:00"), now=now)
    approve_proposal(proposal=first, approver=approver, effective_at=now + timedelta(hours=1))

    with pytest.raises(Conflict) as refused:
        approve_proposal(proposal=second, approver=approver, effective_at=now + timedelta(hours=2))
    assert refused.value.code == "change_pending"


def test_a_proposal_checked_against_a_pack_no_longer_in_force_is_stale(author, approver):
    now = timezone.now()
    first = propose_override(author=author, text=TIGHTER, now=now)
    second = propose_override(author=author, text=TIGHTER.replace("20:00", "19:00"), now=now)
    approve_proposal(proposal=first, approver=approver, effective_at=now)

    with pytest.raises(Conflict) as refused:
        approve_proposal(proposal=second, approver=approver, effective_at=now)
    assert refused.value.code == "proposal_stale"


def test_dropping_a_rule_the_override_in_force_added_loosens(author, approver):
    # Checked against the pack in force, not the shipped file: going back is looser.
    now = timezone.now()
    first = propose_override(author=author, text=TIGHTER, now=now)
    approve_proposal(proposal=first, approver=approver, effective_at=now)
    back = propose_override(
        author=author,
        text="pack: cn\nrules:\n  - id: cn.gbt45251.connected_call_cap\n    parameters: {max: 2}\n",
    )
    assert back.loosens
    assert back.sweep["loosened_rules"] == [WINDOW]


def test_an_effective_time_in_the_past_is_refused(author, approver):
    proposal = propose_override(author=author, text=TIGHTER)
    with pytest.raises(InvalidInput) as refused:
        approve_proposal(
            proposal=proposal, approver=approver, effective_at=timezone.now() - timedelta(days=1)
        )
    assert refused.value.code == "effective_in_past"


def test_an_override_changed_behind_the_services_is_refused_by_the_gate(author, approver):
    proposal = propose_override(author=author, text=TIGHTER)
    approve_proposal(proposal=proposal, approver=approver, effective_at=timezone.now())
    PackProposal.objects.filter(pk=proposal.pk).update(override_text=LOOSER)
    selectors.forget_gate_pack()

    with pytest.raises(Exception, match="not that of the approved proposal"):
        configured_pack()

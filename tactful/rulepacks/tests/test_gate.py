"""The gate decides under the approved override from its effective time, and every permit
records the digest of the rules that decided it, not the version the pack declares."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.policy import load_pack
from tactful.rulepacks.services import approve_proposal, propose_override
from tactful.rulepacks.tests.conftest import TIGHTER

pytestmark = pytest.mark.django_db

# Monday 08:30 in Shanghai: inside the shipped window (08:00), outside the proposal's (09:00).
EARLY = NOW - timedelta(hours=5)


def _call(loan, recipient, collector, now):
    request = PermitRequest(
        loan=loan, recipient=recipient, channel="call", purpose="collection", collector=collector
    )
    return request_permit(request=request, actor="test", now=now)


def test_permits_follow_the_override_from_its_effective_time(
    author, approver, loan, recipient, collector
):
    proposal = propose_override(author=author, text=TIGHTER, now=EARLY - timedelta(days=2))
    approve_proposal(
        proposal=proposal,
        approver=approver,
        effective_at=EARLY - timedelta(days=1),
        now=EARLY - timedelta(days=2),
    )
    before = _call(loan, recipient, collector, EARLY - timedelta(days=1, seconds=1))
    after = _call(loan, recipient, collector, EARLY)

    assert before.decision == "allow"
    assert before.pack_digest == load_pack("cn").digest
    assert after.decision == "deny"
    assert [reason["rule"] for reason in after.reasons] == ["cn.gbt45251.quiet_hours"]
    assert after.pack_digest == proposal.proposed_digest
    assert after.pack_version.startswith("2026.12.1+")

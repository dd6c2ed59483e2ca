"""A supervisor's decisions on accounts under review: each carried out, checked, recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.casework.models import ReviewDecision
from tactful.casework.services import PauseTerms, decide_review
from tactful.contacts.models import HoldLift
from tactful.contacts.selectors import hardship_holds_on_loan
from tactful.contacts.services import place_hold
from tactful.errors import Conflict, InvalidInput
from tactful.repayment.models import HardshipPause, RestructuringOffer

pytestmark = pytest.mark.django_db


@pytest.fixture
def hardship(loan):
    return place_hold(kind="hardship", source="test", actor="test", loan=loan, reason="illness")


def _today():
    return timezone.now().date()


def _decide(loan, by, outcome, **kwargs):
    return decide_review(
        loan=loan,
        outcome=outcome,
        reason="spoke with the borrower",
        by=by,
        today=_today(),
        **kwargs,
    )


def test_returning_to_the_queue_lifts_the_hardship_hold_and_records_the_decision(
    loan, supervisor, hardship
):
    decision = _decide(loan, supervisor, "return")
    assert HoldLift.objects.get(hold=hardship).lifted_by == supervisor.audit_actor
    assert hardship_holds_on_loan(loan, now=timezone.now()) == []
    assert decision.outcome == "return"
    event = AuditEvent.objects.get(action="casework.review_decided")
    assert event.payload == {"loan": loan.external_id, "outcome": "return"}
    assert "spoke" not in str(event.payload)  # the reason may name people: not in the chain


def test_a_referral_keeps_contact_stopped(loan, supervisor, hardship):
    _decide(loan, supervisor, "refer")
    assert hardship_holds_on_loan(loan, now=timezone.now()) == [hardship]


def test_an_offer_decision_prices_offers_for_the_portal(loan, supervisor, hardship):
    _decide(loan, supervisor, "offer")
    assert RestructuringOffer.objects.filter(loan=loan).exists()
    assert ReviewDecision.objects.get().outcome == "offer"


def test_a_pause_goes_through_repayments_rules(loan, supervisor, hardship):
    ends = _today() + timedelta(days=30)
    _decide(loan, supervisor, "pause", pause=PauseTerms(reason="illness", ends_on=ends))
    assert HardshipPause.objects.get(loan=loan).ends_on == ends


def test_a_pause_beyond_the_rules_records_no_decision(loan, supervisor, hardship):
    too_long = _today() + timedelta(days=4000)
    with pytest.raises((InvalidInput, Conflict)):
        _decide(loan, supervisor, "pause", pause=PauseTerms(reason="illness", ends_on=too_long))
    assert not ReviewDecision.objects.exists()
    assert not HardshipPause.objects.exists()


def test_a_collector_cannot_decide(loan, collector, hardship):
    with pytest.raises(Conflict) as refused:
        _decide(loan, collector, "return")
    assert refused.value.code == "not_allowed_to_review"
    assert not HoldLift.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("forgive", "spoke with the borrower"),
        ("return", ""),
        ("return", "   "),
        ("return", 42),
        ("return", None),
        ("return", "x" * 501),
        ("return", "bad\x00reason"),
        ("pause", "no terms given"),
    ],
)
def test_bad_decisions_change_nothing(loan, supervisor, hardship, outcome, reason):
    with pytest.raises(InvalidInput):
        decide_review(loan=loan, outcome=outcome, reason=reason, by=supervisor, today=_today())
    assert not ReviewDecision.objects.exists()
    assert not HoldLift.objects.exists()

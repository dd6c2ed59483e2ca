"""The account page's dry runs on several channels answer exactly as one dry run per channel."""

from __future__ import annotations

import pytest

from tactful.accounts.roles import Role
from tactful.contacts.decisions import preview_channels, preview_permit
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import place_hold, record_opt_out, request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.testing.personas import make_staff

pytestmark = pytest.mark.django_db
CHANNELS = ("call", "sms")


def _same_answers(request, now):
    together = preview_channels(request, CHANNELS, now=now)
    for channel in CHANNELS:
        alone = preview_permit(
            PermitRequest(
                loan=request.loan,
                recipient=request.recipient,
                channel=channel,
                purpose=request.purpose,
                collector=request.collector,
            ),
            now=now,
        )
        assert together[channel].decision == alone.decision, channel
        assert together[channel].facts == alone.facts, channel
    return together


def _request(loan, recipient, collector):
    return PermitRequest(
        loan=loan, recipient=recipient, channel="call", purpose="collection", collector=collector
    )


def test_by_day_both_channels_open(loan, recipient, collector):
    answers = _same_answers(_request(loan, recipient, collector), NOW)
    assert answers["call"].decision.allowed
    assert answers["sms"].decision.allowed


def test_at_night_both_are_closed_for_the_same_reason(loan, recipient, collector):
    answers = _same_answers(_request(loan, recipient, collector), NIGHT)
    assert not answers["call"].decision.allowed


def test_an_uncertified_collector_is_refused_on_each(loan, recipient):
    newcomer = make_staff("newcomer", Role.COLLECTOR)
    answers = _same_answers(_request(loan, recipient, newcomer), NOW)
    assert not answers["sms"].decision.allowed


def test_history_holds_and_opt_outs_read_once_still_decide(loan, recipient, collector):
    request_permit(request=_request(loan, recipient, collector), actor="test", now=NOW)
    _same_answers(_request(loan, recipient, collector), NOW)
    place_hold(kind="complaint", source="test", actor="test", loan=loan, now=NOW)
    _same_answers(_request(loan, recipient, collector), NOW)
    record_opt_out(recipient=recipient, source="test", actor="test", now=NOW)
    _same_answers(_request(loan, recipient, collector), NOW)


def test_trouble_gathering_denies_every_channel(loan, recipient, collector, monkeypatch):
    from tactful.contacts import decisions

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(decisions, "gather_facts_for_channels", broken)
    answers = preview_channels(_request(loan, recipient, collector), CHANNELS, now=NOW)
    for channel in CHANNELS:
        assert answers[channel].decision.categories == ("data_gap",)

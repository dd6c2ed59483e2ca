"""Every recorded permit moves the metrics: by decision, by the categories of a denial, by
channel, and the time it took. No label names the person, the loan or the collector."""

import pytest
from prometheus_client import REGISTRY, generate_latest

from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.testing.metrics import sample

pytestmark = pytest.mark.django_db


def figures(channel: str) -> dict[str, float]:
    return {
        "allow": sample("tactful_permits_total", decision="allow", channel=channel),
        "deny": sample("tactful_permits_total", decision="deny", channel=channel),
        "time_window": sample(
            "tactful_permit_denials_total", category="time_window", channel=channel
        ),
        "timed": sample("tactful_permit_decision_seconds_count", channel=channel),
    }


def moved(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def permit(loan, recipient, collector, *, now, channel="call"):
    request = PermitRequest(
        loan=loan, recipient=recipient, channel=channel, purpose="collection", collector=collector
    )
    return request_permit(request=request, actor="test", now=now)


def test_an_allowed_permit_counts_as_allowed_and_is_timed(loan, recipient, collector):
    before = figures("call")

    assert permit(loan, recipient, collector, now=NOW).decision == "allow"

    assert moved(before, figures("call")) == {"allow": 1, "timed": 1}


def test_a_denied_permit_counts_as_denied_under_its_category(loan, recipient, collector):
    before = figures("call")

    assert permit(loan, recipient, collector, now=NIGHT).decision == "deny"

    assert moved(before, figures("call")) == {"deny": 1, "time_window": 1, "timed": 1}


def test_the_labels_hold_no_person_loan_or_collector(loan, recipient, collector, borrower):
    permit(loan, recipient, collector, now=NOW)
    permit(loan, recipient, collector, now=NIGHT, channel="sms")

    published = generate_latest(REGISTRY).decode()
    for private in (
        loan.external_id,
        str(recipient.public_id),
        collector.username,
        borrower.external_id,
        "+12025550123",
        "2025550123",
    ):
        assert private not in published

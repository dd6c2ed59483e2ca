"""A signed-in borrower reads times in their own zone; everyone else reads UTC."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tactful.borrowers.models import Borrower
from tactful.consent import services
from tactful.contacts.tests.conftest import NOW  # Monday 05:30 UTC, 13:30 in Shanghai
from tactful.testing.personas import FIRST_PHONE, make_borrower, sign_in_borrower

pytestmark = pytest.mark.django_db


def consent_given_at_now(borrower: Borrower) -> None:
    services.grant_consent(
        borrower=borrower,
        purpose="channel_sms",
        language="zh-hans",
        channel="portal",
        evidence={"method": "sign_in_code"},
        actor="test",
        now=NOW,
    )


def test_the_consent_dashboard_shows_when_in_the_borrowers_zone(client):
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)  # Asia/Shanghai
    consent_given_at_now(borrower)
    sign_in_borrower(client, borrower)

    page = client.get("/portal/privacy/").content.decode()

    assert "2026-03-02 13:30（Asia/Shanghai）" in page
    assert "05:30" not in page


def test_a_borrower_whose_zone_is_unknown_reads_utc(client):
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    Borrower.objects.filter(pk=borrower.pk).update(timezone_override="")
    borrower.phone_numbers.update(time_zone=None)
    consent_given_at_now(borrower)
    sign_in_borrower(client, borrower)

    page = client.get("/portal/privacy/").content.decode()

    assert "2026-03-02 05:30（UTC）" in page


def test_the_zone_does_not_outlive_the_borrowers_request(client):
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    consent_given_at_now(borrower)
    sign_in_borrower(client, borrower)
    client.get("/portal/privacy/")

    assert timezone.get_current_timezone_name() == "UTC"

"""Consent both ways: what is withdrawn with one tap is given again with one tap, after reading."""

from __future__ import annotations

import pytest

from tactful.consent import selectors
from tactful.consent.models import ConsentEvent
from tactful.testing.personas import FIRST_PHONE, make_borrower, sign_in_borrower

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrower():
    return make_borrower(external_id="b-1", phone=FIRST_PHONE)


@pytest.fixture
def signed_in(client, borrower):
    sign_in_borrower(client, borrower)
    return client


def in_force(borrower, purpose: str) -> bool:
    from django.utils import timezone

    return selectors.in_force(borrower, purpose, now=timezone.now())


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_a_withdrawn_consent_is_given_again_after_reading_its_notice(signed_in, borrower, language):
    signed_in.cookies["django_language"] = language
    page = signed_in.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-grantable="channel_sms"' in page
    notice = selectors.current_notice("channel_sms")
    text = selectors.notice_text(notice, language)
    assert text.text in page  # the words agreed to are on the page, in the reader's language
    signed_in.post(
        "/portal/privacy/grant/",
        {"purpose": "channel_sms", "notice_version": notice.version},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert in_force(borrower, "channel_sms")
    after = signed_in.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-grantable="channel_sms"' not in after
    signed_in.post("/portal/privacy/withdraw/", {"purpose": "channel_sms", "scope": ""})
    assert not in_force(borrower, "channel_sms")
    again = signed_in.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-grantable="channel_sms"' in again


@pytest.mark.parametrize(
    "fields",
    [
        {"purpose": "auto_debit", "notice_version": "1"},  # has its own two-step page
        {"purpose": "emergency_contact", "notice_version": "1"},  # a third party's own
        {"purpose": "channel_sms", "notice_version": "999"},  # words never shown
        {"purpose": "channel_sms", "notice_version": "one"},
        {"purpose": "channel_sms"},
        {"purpose": ["channel_sms", "channel_push"], "notice_version": "1"},
    ],
)
def test_anything_but_a_notice_read_and_listed_here_is_refused(signed_in, borrower, fields):
    response = signed_in.post("/portal/privacy/grant/", fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert not ConsentEvent.objects.filter(borrower=borrower, action="grant").exists()

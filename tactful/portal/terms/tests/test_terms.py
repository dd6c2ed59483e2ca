"""What I agreed to: generated from the pack in force and the borrower's consents."""

from __future__ import annotations

import pytest

from tactful.consent import services
from tactful.testing.personas import FIRST_PHONE, make_borrower, sign_in_borrower

pytestmark = pytest.mark.django_db


@pytest.fixture
def borrower():
    return make_borrower(external_id="b-1", phone=FIRST_PHONE)  # Asia/Shanghai


@pytest.fixture
def signed_in(client, borrower):
    sign_in_borrower(client, borrower)
    return client


def page(client, language: str = "en") -> str:
    client.cookies["django_language"] = language
    response = client.get("/portal/terms/", HTTP_ACCEPT_LANGUAGE=language)
    return str(response.content.decode())


def test_the_summary_says_what_the_cn_pack_allows_and_never_allows(signed_in):
    text = page(signed_in)
    assert "Call: Only from 08:00 to 22:00, your local time (Asia/Shanghai)." in text
    assert "At most 3 calls a day that ended connected." in text
    assert "Contact to collect starts only once a payment is at least 1 day late." in text
    assert "Nobody else is ever contacted" in text
    assert "only after they accept" in text
    assert "They are never told about your loan." in text
    assert "You have not agreed to this, so nobody you name is contacted." in text


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "我同意了什么"), ("zh-hant", "我同意了什麼"), ("en", "What I agreed to")],
)
def test_the_summary_is_in_the_readers_language(signed_in, language, words):
    text = page(signed_in, language)
    assert words in text
    assert "08:00" in text
    if language != "en":
        assert "Only from" not in text
        assert "Call:" not in text


def test_a_channel_the_borrower_stopped_reads_as_stopped(signed_in, borrower):
    services.withdraw_consent(
        borrower=borrower,
        purpose="channel_sms",
        language="en",
        channel="portal",
        evidence={"method": "portal_session"},
        actor="test",
    )
    assert "Text message: you stopped this; it is not used." in page(signed_in)


def test_a_narrower_window_in_the_lenders_override_shows_at_once(signed_in, settings, tmp_path):
    override = tmp_path / "acme.yaml"
    override.write_text(
        "pack: cn\nrules:\n  - id: cn.gbt45251.quiet_hours\n"
        '    parameters: {start: "09:00", end: "20:00"}\n',
        encoding="utf-8",
    )
    settings.GATE_PACK_OVERRIDE = str(override)
    assert "Call: Only from 09:00 to 20:00" in page(signed_in)


def test_the_summary_downloads_as_text(signed_in):
    response = signed_in.get("/portal/terms/what-i-agreed-to.txt", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "Call: Only from 08:00 to 22:00" in body
    assert "&amp;" not in body
    assert "<" not in body

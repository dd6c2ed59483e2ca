"""Journeys the security work changed, walked as their people walk them, on a phone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tactful.accounts.roles import Role
from tactful.audit.signing import fingerprint
from tactful.complaints.models import Complaint
from tactful.testing.api import create_loan
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)

SCREENSHOTS = settings.VAR_DIR / "screenshots"
SIGNING_KEY_HEADINGS = {
    "zh-hans": "我们的签名密钥",
    "zh-hant": "我們的簽章金鑰",
    "en": "Our signing key",
}
CONTROL_CHARACTER_HEADINGS = {
    "zh-hans": "有些字符无法接受",
    "zh-hant": "有些字元無法接受",
    "en": "Some characters could not be accepted",
}


def _speak(page, base_url: str, language: str) -> None:  # type: ignore[no-untyped-def]
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def _fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _cookie_of(client: Client, base_url: str) -> list[dict[str, str]]:
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", sorted(SIGNING_KEY_HEADINGS))
def test_anyone_reads_the_signing_key_s_fingerprint_on_the_verify_page(
    live_server, phone_page, language
):
    from playwright.sync_api import expect

    page = phone_page
    _speak(page, live_server.url, language)
    page.goto(f"{live_server.url}/verify/")

    expect(page.get_by_role("heading", name=SIGNING_KEY_HEADINGS[language])).to_be_visible()
    expect(page.get_by_text(fingerprint(settings.AUDIT_KEYS.public_key))).to_be_visible()
    page.locator("details summary").last.click()
    expect(page.locator("code.key-text")).to_be_visible()
    assert _fits_the_phone(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"verify-key-{language}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_collector_finds_a_borrower_by_number_and_the_address_never_holds_it(
    live_server, phone_page
):
    from playwright.sync_api import expect

    create_loan("l-1", make_borrower(external_id="b-1", phone=FIRST_PHONE))
    client = Client()
    sign_in_staff(client, make_staff("browser-collector", Role.COLLECTOR))
    page = phone_page
    page.context.add_cookies(_cookie_of(client, live_server.url))

    page.goto(f"{live_server.url}/staff/contacts/")
    page.get_by_label("借款人编号或电话号码").fill("+1 202-555-0123")
    page.get_by_role("button", name="查找").click()

    expect(page.get_by_role("heading", name="借款人 b-1")).to_be_visible()
    assert page.url.endswith("/staff/contacts/?borrower=b-1")
    assert "555" not in page.url
    expect(page.get_by_text("202****0123", exact=True)).to_be_visible()
    assert _fits_the_phone(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", sorted(CONTROL_CHARACTER_HEADINGS))
def test_pasted_control_characters_are_refused_with_a_page_that_says_nothing_was_saved(
    live_server, phone_page, language
):
    from playwright.sync_api import expect

    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    create_loan("l-1", borrower)
    client = Client()
    sign_in_borrower(client, borrower)
    page = phone_page
    page.context.add_cookies(_cookie_of(client, live_server.url))
    _speak(page, live_server.url, language)

    page.goto(f"{live_server.url}/portal/complaints/")
    page.locator("select[name=category]").select_option("other")
    page.locator("textarea[name=description]").fill("催收电话\u0007太多")
    page.locator("form button[type=submit]").last.click()

    expect(page.get_by_role("heading", name=CONTROL_CHARACTER_HEADINGS[language])).to_be_visible()
    assert not Complaint.objects.exists()
    expect(page.locator("main a[href='/portal/complaints/']")).to_be_visible()
    assert _fits_the_phone(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"control-characters-{language}.png"), full_page=True)

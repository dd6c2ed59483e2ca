"""A new administrator's first sign-in: the authenticator set up from the QR code, their own
password, then a key.

The administrator signs in with the first password someone else chose, is sent to enrol an
authenticator, and an authenticator reads the QR code drawn on the page (decoded here from a
screenshot of it, as a phone's camera would). The code it then makes lets them in, and
before any other page they replace the first password with their own; they make an API key
for the lender's dialer and read it once; the key works against the API. In simplified
Chinese, traditional Chinese and English, on a phone.
"""

from __future__ import annotations

import io
import time
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django_otp.oath import totp

from tactful.accounts.keys import authenticate_key
from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.accounts.services import create_staff_user
from tactful.testing.personas import STAFF_PASSWORD
from tests.browser.sessions import fits, wider_than_screen

PHONE = {"width": 390, "height": 844}
OWN_PASSWORD = "the-administrators-own-passphrase-31"
WORDS = {
    "zh-hans": {"locale": "zh-CN", "setup": "设置身份验证器应用", "password": "修改您的密码"},
    "zh-hant": {"locale": "zh-TW", "setup": "設定驗證器應用程式", "password": "修改您的密碼"},
    "en": {
        "locale": "en-GB",
        "setup": "Set up your authenticator app",
        "password": "Change your password",
    },
}


def _code_from_qr(png: bytes) -> str:
    """Read the QR code like an authenticator app, and return the code it would show now."""
    import zxingcpp
    from PIL import Image

    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    link = urlparse(found.text)
    assert link.scheme == "otpauth", link.scheme
    secret = parse_qs(link.query)["secret"][0]
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return str(totp(key, t0=0, step=30, digits=6)).zfill(6)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_a_new_administrator_enrols_from_the_qr_code_and_makes_an_api_key(
    live_server, phone_page, language
):
    from playwright.sync_api import expect

    words = WORDS[language]
    create_staff_user(
        username="gao.admin", password=STAFF_PASSWORD, roles=[Role.ADMIN],
        must_change_password=True,
    )  # fmt: skip
    browser = phone_page.context.browser
    context = browser.new_context(viewport=PHONE, locale=words["locale"])
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/staff/login/")
        page.fill("#id_username", "gao.admin")
        page.fill("#id_password", STAFF_PASSWORD)
        page.locator("form.stack-form button[type=submit]").click()
        page.wait_for_url("**/staff/otp/setup/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(words["setup"])
        assert fits(page), f"the enrolment page overflows: {wider_than_screen(page)}"

        if 30 - time.time() % 30 < 3:  # a code about to change: wait for the next one
            time.sleep(3)
        code = _code_from_qr(page.locator("img[data-qr]").screenshot())
        page.fill("#id_otp_token", code)
        page.locator("form.stack-form button[type=submit]").click()
        page.wait_for_url("**/staff/password/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(words["password"])
        page.goto(f"{live_server.url}/staff/keys/")  # no way round it
        page.wait_for_url("**/staff/password/")
        assert fits(page), f"the password page overflows: {wider_than_screen(page)}"
        page.fill("#id_old_password", STAFF_PASSWORD)
        page.fill("#id_new_password1", OWN_PASSWORD)
        page.fill("#id_new_password2", OWN_PASSWORD)
        page.locator("form.stack-form button[type=submit]").click()
        page.wait_for_url("**/staff/")

        page.goto(f"{live_server.url}/staff/keys/")
        page.fill("#id_name", "Dialer")
        page.check("input[value='permits:write']")
        page.locator("form.stack-form button[type=submit]").click()
        token = page.locator("[data-new-key]").inner_text().strip()
        assert fits(page), f"the new key's page overflows: {wider_than_screen(page)}"
    finally:
        context.close()
    admin = User.objects.get(username="gao.admin")
    assert admin.check_password(OWN_PASSWORD)
    assert not admin.must_change_password
    key = authenticate_key(token)
    assert key is not None
    assert key.scopes == ["permits:write"]

    # The key works against the API: an empty permit request reaches the checks of its
    # fields (422), where a made-up key is turned away (401).
    def ask(bearer: str) -> int:
        answer = Client().post(
            "/api/v1/permits", data={}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bearer}",
        )  # fmt: skip
        return answer.status_code

    assert ask(token) == 422
    assert ask(token[:-4] + "AAAA") == 401

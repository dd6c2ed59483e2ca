"""An administrator's pages on a phone: API keys and staff accounts fit 390 px.

The administrator makes a key by ticking its scopes, reads the key once, revokes it with a
reason, adds a member of staff and changes their roles; no page scrolls sideways.
"""

from __future__ import annotations

import pytest

from tactful.accounts.keys import SCOPES, issue_key
from tactful.accounts.models import ApiKey, User
from tactful.accounts.roles import Role
from tactful.testing.personas import make_staff
from tests.browser.sessions import fits, staff_page

PHONE = {"width": 390, "height": 844}
LOCALES = {"zh-hans": "zh-CN", "zh-hant": "zh-TW", "en": "en-GB"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_an_administrator_manages_keys_and_staff_on_a_phone(live_server, phone_page, language):
    admin = make_staff("gao.admin", Role.ADMIN)
    make_staff("li.pending-supervisor-with-a-long-name", Role.SUPERVISOR, with_device=False)
    issue_key(name="The lender's loan core, production", scopes=list(SCOPES), actor="test")
    browser = phone_page.context.browser
    context, page = staff_page(
        browser, live_server.url, admin, language=language, locale=LOCALES[language],
        viewport=PHONE,
    )  # fmt: skip
    try:
        page.goto(f"{live_server.url}/staff/keys/")
        assert fits(page), "the list of keys overflows"
        page.fill("#id_name", "Dialer")
        page.check("input[value='permits:write']")
        page.check("input[value='permits:read']")
        page.locator("form.stack-form button[type=submit]").click()
        token = page.locator("[data-new-key]").inner_text()
        assert token.startswith("tk_")
        assert fits(page), "the new key's page overflows"

        prefix = ApiKey.objects.get(name="Dialer").prefix
        page.goto(f"{live_server.url}/staff/keys/{prefix}/")
        assert fits(page), "a key's page overflows"
        page.fill("#id_reason", "A test key, no longer needed")
        page.locator("form.stack-form button[type=submit]").click()
        page.wait_for_selector("ol li >> nth=1")
        assert fits(page), "a revoked key's page overflows"
        assert not ApiKey.objects.get(name="Dialer").is_active

        page.goto(f"{live_server.url}/staff/people/")
        assert fits(page), "the list of staff overflows"
        page.fill("#id_username", "zhou.new")
        page.fill("#id_password", "another-long-unusual-passphrase-7")
        page.check("input[value='collector']")
        page.locator("form.stack-form button[type=submit]").click()
        page.wait_for_url("**/staff/people/*/")
        assert fits(page), "a member of staff's page overflows"
        page.check("#roles_roles_1")
        page.fill("#roles_reason", "Leads the morning team")
        page.locator("form[action$='/roles/'] button[type=submit]").click()
        page.wait_for_selector("ol li >> nth=1")
        assert fits(page), "a member of staff's page overflows after a change"
        assert User.objects.get(username="zhou.new").roles() == {Role.COLLECTOR, Role.SUPERVISOR}
    finally:
        context.close()

"""The public "is this message really from us?" page and the consent dashboard, in a phone browser.

Permits are asked for at a fixed daytime instant (`NOW`), so the gate's night-time rule
never depends on the hour the suite runs; the borrower signs in through a session cookie.
Transactional tests flush the tables, notices written by a data migration included: the
`notices` fixture publishes them again.
"""

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.consent import selectors, services
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import recipients_for_borrower, request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.testing.api import create_loan
from tactful.testing.personas import FIRST_PHONE, make_borrower
from tests.browser.sessions import publish_notices_again, sign_in_borrower

SCREENSHOTS = settings.VAR_DIR / "screenshots"


@pytest.fixture
def notices(transactional_db):
    publish_notices_again()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_genuine_code_is_confirmed_without_any_debt_detail(live_server, phone_page):
    from playwright.sync_api import expect

    page = phone_page
    borrower = make_borrower(external_id="b-verify", phone=FIRST_PHONE, name="张伟")
    loan = create_loan("l-verify", borrower)
    [own_number] = recipients_for_borrower(borrower=borrower)
    permit = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=own_number,
            channel="sms",
            purpose="reminder",
            automated=True,
            content="请按时还款。",
        ),
        actor="test",
        now=NOW,
    )
    assert permit.allowed

    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", name="这条消息真的是我们发的吗？")).to_be_visible()
    page.get_by_label("消息中的核验码").fill(permit.verification_code.lower())
    page.get_by_role("button", name="核对核验码").click()

    expect(page.get_by_role("heading", name="是的，这条消息是真实的。")).to_be_visible()
    text = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    for secret in ("l-verify", "张伟", str(loan.principal), "还款", "0123"):
        assert secret not in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verify.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_borrower_withdraws_a_consent_with_one_tap(live_server, phone_page, notices):
    from playwright.sync_api import expect

    page = phone_page
    borrower = make_borrower(external_id="b-consent", phone=FIRST_PHONE, name="张伟")
    for purpose in ("channel_sms", "auto_debit"):
        services.grant_consent(
            borrower=borrower,
            purpose=purpose,
            language="zh-hans",
            channel="portal",
            evidence={"method": "sign_in_code"},
            actor="test",
        )
    title = selectors.notice_text(selectors.current_notice("auto_debit"), "zh-hans").title
    sign_in_borrower(page, live_server.url, borrower)

    page.goto(f"{live_server.url}/portal/privacy/")
    expect(page.get_by_role("heading", name="我的授权")).to_be_visible()
    withdraw = page.get_by_role("button", name=f"撤回：{title}")
    expect(withdraw).to_be_visible()
    withdraw.click()

    expect(page.get_by_role("heading", name="我的授权")).to_be_visible()
    expect(page.get_by_role("button", name=f"撤回：{title}")).to_have_count(0)
    expect(page.get_by_role("button", name="撤回：", exact=False)).to_have_count(1)
    consents = selectors.borrower_consents(borrower, now=timezone.now())
    assert {state.purpose: state.in_force for state in consents} == {
        "channel_sms": True,
        "auto_debit": False,
    }
    page.screenshot(path=str(SCREENSHOTS / "consents.png"), full_page=True)

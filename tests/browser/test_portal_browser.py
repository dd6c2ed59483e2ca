import re

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.loans.selectors import borrower_today, loan_status
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan
from tactful.testing.zones import move_to_daytime

SCREENSHOTS = settings.VAR_DIR / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_borrower_signs_in_on_a_phone_and_reads_their_loan(live_server, phone_page, sms_outbox):
    from playwright.sync_api import expect

    page = phone_page
    # Sign-in codes go through the contact gate: give the borrower a zone where it is day.
    borrower = move_to_daytime(
        make_borrower(external_id="b-browser", phone=FIRST_PHONE, name="张伟")
    )
    loan = make_overdue_loan(borrower, external_id="l-browser")
    days = loan_status(loan, as_of=borrower_today(borrower, now=timezone.now())).days_past_due

    page.goto(f"{live_server.url}/portal/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.get_by_label("号码所属国家或地区").select_option("US")
    page.get_by_label("手机号码").fill("202-555-0123")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()

    [message] = sms_outbox.sent
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.get_by_label("登录验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.get_by_role("heading", name="我的借款")).to_be_visible()
    expect(page.get_by_text(f"有一笔还款已逾期 {days} 天。")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "portal.png"), full_page=True)

    page.get_by_role("link", name="查看还款计划和还款记录").click()
    expect(page.get_by_role("heading", name="还款计划")).to_be_visible()
    expect(page.locator("table.stacked tbody tr").first).to_be_visible()
    assert page.locator("table.stacked").first.locator("tbody tr").count() == 12
    page.screenshot(path=str(SCREENSHOTS / "portal-loan.png"))

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Repayment schedule")).to_be_visible()
    expect(page.get_by_text(re.compile(rf"A payment is {days} days? late\."))).to_be_visible()

    page.get_by_role("button", name="繁體中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", name="還款計畫")).to_be_visible()
    expect(page.get_by_text(f"有一筆還款已逾期 {days} 天。")).to_be_visible()

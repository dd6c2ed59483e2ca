"""Help to repay on a phone: budget, a plan accepted with a texted code, a hardship pause,
a promise, auto-debit set up and cancelled, and points — in simplified Chinese, with a
look at the other two languages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.loans.selectors import borrower_today
from tactful.repayment.models import Acceptance, DebitMandate, HardshipPause, PromiseToPay
from tactful.repayment.payments import FakeProcessor, use_payment_port
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_overdue_loan
from tactful.testing.zones import move_to_daytime

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def latest_code(sms_outbox) -> str:
    found = re.search(r"\b(\d{6})\b", sms_outbox.sent[-1].body)
    assert found is not None
    return found.group(1)


def fits_the_phone(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def sign_in(page, live_server, sms_outbox) -> None:
    page.goto(f"{live_server.url}/portal/sign-in/")
    page.get_by_label("号码所属国家或地区").select_option("US")
    page.get_by_label("手机号码").fill("202-555-0123")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("登录验证码").fill(latest_code(sms_outbox))
    page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_borrower_gets_help_to_repay_on_a_phone(live_server, phone_page, sms_outbox):
    from playwright.sync_api import expect

    page = phone_page
    processor = FakeProcessor()
    use_payment_port(processor)
    try:
        # Codes go through the contact gate: a zone where it is day now.
        borrower = move_to_daytime(
            make_borrower(external_id="b-help-browser", phone=FIRST_PHONE, name="张伟")
        )
        loan = make_overdue_loan(borrower, external_id="l-help-browser")
        sign_in(page, live_server, sms_outbox)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

        page.get_by_role("link", name="还款帮助").first.click()
        expect(page.get_by_role("heading", name="还款帮助", exact=True)).to_be_visible()
        assert fits_the_phone(page)

        # 1. The budget planner.
        page.get_by_role("link", name="规划我的预算").click()
        page.get_by_label("每月工作收入").fill("6000")
        page.get_by_label("房租或房贷").fill("1500")
        page.get_by_label("伙食").fill("1200")
        page.get_by_role("button", name="计算").click()
        expect(page.locator("[data-affordable]")).to_have_attribute("data-affordable", "2100.00")
        expect(page.get_by_role("heading", name="计算方法")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "repayment-budget.png"), full_page=True)
        assert fits_the_phone(page)

        # 2. Plans, one chosen, accepted with a texted code.
        page.goto(f"{live_server.url}/portal/help/loans/{loan.reference}/plans/")
        page.get_by_role("button", name="查看分期方案").click()
        expect(page.get_by_text("符合您的预算").first).to_be_visible()
        page.locator('[data-months="12"]').get_by_role("link", name="查看此方案").click()
        expect(page.get_by_role("heading", name="还款计划")).to_be_visible()
        expect(page.locator("[data-apr]")).to_have_text("18.00%")
        assert page.locator("table.stacked tbody tr").count() == 12
        page.screenshot(path=str(SCREENSHOTS / "repayment-offer.png"), full_page=True)
        assert fits_the_phone(page)
        page.get_by_role("button", name="发送验证码").click()
        page.get_by_label("短信中的验证码").fill(latest_code(sms_outbox))
        page.get_by_role("button", name="接受方案").click()
        expect(page.get_by_text("您的新计划已开始，谢谢您。")).to_be_visible()
        plan = Acceptance.objects.get().plan_loan

        # 3. A hardship pause on the plan.
        page.goto(f"{live_server.url}/portal/help/loans/{plan.reference}/hardship/")
        page.get_by_label("发生了什么？").select_option("illness")
        page.get_by_role("button", name="开始暂停").click()
        expect(page.locator("#pause-recorded")).to_be_visible()
        assert HardshipPause.objects.get().loan == plan
        page.reload()
        page.get_by_role("button", name="我可以还款了：现在结束暂停").click()
        expect(page.get_by_text("您的暂停已结束，欢迎回来。")).to_be_visible()

        # 4. A promise to pay.
        page.goto(f"{live_server.url}/portal/help/loans/{plan.reference}/promise/")
        page.get_by_label("您将还多少？").fill("500")
        # The borrower's own today: in the zone where it is day now, it may be tomorrow in UTC.
        today = borrower_today(borrower, now=timezone.now())
        page.get_by_label("在哪天之前？").fill(today.isoformat())
        page.get_by_role("button", name="保存我的还款承诺").click()
        expect(page.locator('tr[data-state="pending"]')).to_be_visible()
        assert PromiseToPay.objects.get().amount == 500

        # 5. Auto-debit set up and cancelled.
        page.goto(f"{live_server.url}/portal/help/loans/{plan.reference}/auto-debit/")
        page.get_by_label("银行").fill("ICBC")
        page.get_by_label("账号或卡号").fill("6222020200112233445")
        page.get_by_label("单日最多扣款金额").fill("2000")
        page.get_by_label("每月扣款日").select_option("15")
        page.get_by_role("button", name="继续").click()
        # The authorisation agreed to is written with the day and the limit chosen.
        expect(page.locator("#consent-text")).to_contain_text("每月 15 日")
        expect(page.locator("#consent-text")).to_contain_text("CNY 2,000.00")
        page.get_by_label("我同意以上内容。").check()
        page.get_by_role("button", name="开通自动扣款").click()
        expect(page.get_by_text("尾号 3445")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "repayment-auto-debit.png"), full_page=True)
        page.goto(f"{live_server.url}/portal/privacy/")
        expect(page.get_by_text("每月 15 日")).to_be_visible()
        page.goto(f"{live_server.url}/portal/help/loans/{plan.reference}/auto-debit/")
        page.get_by_role("button", name="取消自动扣款").click()
        expect(page.get_by_text("自动扣款已取消，之后不会再扣款。")).to_be_visible()
        assert DebitMandate.objects.get().cancellation.reason == "borrower"

        # 6. Points, and the other two languages.
        page.goto(f"{live_server.url}/portal/help/points/")
        expect(page.locator("#points-balance")).to_have_text("您有 0 积分。")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name="Reward points")).to_be_visible()
        page.get_by_role("button", name="繁體中文").click()
        expect(page.get_by_role("heading", name="獎勵點數")).to_be_visible()
        assert fits_the_phone(page)
    finally:
        use_payment_port(None)

"""A collector's day in a browser: the worklist, an account, a templated text, a promise.

The collector opens the worklist, moves to the account with the keyboard (j, Enter), reads
what the rules allow now, sends the approved reminder (filled in for this loan, checked
before sending), records a promise, and sees the call button then closed by the promise's
hold. On a second account, where it is night for the borrower, the call button is disabled
and says when it opens. In simplified Chinese and English, on a desktop and at 390 px.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.casework.services import approve_template, write_template
from tactful.contacts.services import certify_collector
from tactful.loans.selectors import borrower_today
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_overdue_loan,
    make_staff,
)
from tactful.testing.zones import move_to_daytime, move_to_night
from tactful.treatments.services import build_daily_plan
from tests.browser.sessions import fits, staff_page

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WORDS = {
    "zh-hans": {
        "locale": "zh-CN",
        "worklist": "我的工作清单",
        "account": "账户 l-work",
        "send": "发送这条短信",
        "sent": "短信已发送。",
        "amount": "承诺金额",
        "day": "还款截止日",
        "record": "记录承诺",
        "recorded": "已记录承诺",
        "call": "现在拨打",
        "opens": "开放",
    },
    "en": {
        "locale": "en-GB",
        "worklist": "My worklist",
        "account": "Account l-work",
        "send": "Send this message",
        "sent": "The message was sent.",
        "amount": "Amount promised",
        "day": "To be paid by",
        "record": "Record the promise",
        "recorded": "Promise recorded",
        "call": "Call now",
        "opens": "Opens",
    },
}
REMINDER = {
    "zh-hans": "您好，您的账户 {loan} 目前应还 {amount_due}。如需分期或暂缓，可在应用内申请。",
    "en": "Hello, {amount_due} is due on account {loan}. Ask us for installments or a pause.",
}


def _cast(language: str) -> tuple[User, object]:
    collector = make_staff("wang.collector", Role.COLLECTOR)
    now = timezone.now()
    certify_collector(
        collector=collector,
        certificate_number="CBA-2026-0042",
        valid_from=now - timedelta(days=30),
        valid_until=now + timedelta(days=365),
        actor="test",
    )
    author = make_staff("li.compliance", Role.COMPLIANCE)
    approver = make_staff("chen.compliance", Role.COMPLIANCE)
    template = write_template(
        name="payment_reminder", language=language, audience="debtor",
        purpose="collection", body=REMINDER[language], author=author,
    )  # fmt: skip
    approve_template(template=template, approver=approver)
    day = move_to_daytime(make_borrower(external_id="b-work", phone=FIRST_PHONE, name="陈静"))
    loan = make_overdue_loan(day, external_id="l-work", days_ago=75)
    night = move_to_night(make_borrower(external_id="b-night", phone="+8613123456788"))
    make_overdue_loan(night, external_id="l-night", days_ago=75)
    build_daily_plan(plan_date=now.date(), at=now, actor="test")
    return collector, loan


def _signed_in(browser, live_server, user: User, language: str, viewport):
    locale = WORDS[language]["locale"]
    return staff_page(
        browser, live_server.url, user, language=language, locale=locale, viewport=viewport
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "viewport"),
    [("zh-hans", DESKTOP), ("zh-hans", PHONE), ("en", DESKTOP), ("en", PHONE)],
    ids=["zh-hans-desktop", "zh-hans-390", "en-desktop", "en-390"],
)
def test_a_collector_works_an_account_within_what_the_rules_allow(
    live_server, phone_page, language, viewport
):
    from playwright.sync_api import expect

    words = WORDS[language]
    collector, loan = _cast(language)
    browser = phone_page.context.browser
    context, page = _signed_in(browser, live_server, collector, language, viewport)
    try:
        page.goto(f"{live_server.url}/staff/work/")
        expect(page.get_by_role("heading", name=words["worklist"])).to_be_visible()
        # Nothing is the collector's yet; everyone's accounts come in place (htmx).
        page.select_option("#id_who", "all")
        expect(page.locator("[data-work-row]").first).to_be_visible()
        page.wait_for_url("**/staff/work/?who=all*")
        assert fits(page), "the worklist overflows"
        # The keyboard: j to the first account (the day borrower's is first or second).
        page.keyboard.press("j")
        focused = page.evaluate("document.activeElement.textContent")
        if focused != "l-work":
            page.keyboard.press("j")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name=words["account"])).to_be_visible()
        assert fits(page), "the account page overflows"

        reminder = page.locator("blockquote").first
        expect(reminder).to_contain_text("l-work")
        expect(reminder).to_contain_text("CNY")
        page.get_by_role("button", name=words["send"]).click()
        expect(page.get_by_text(words["sent"], exact=False)).to_be_visible()

        today = borrower_today(loan.borrower, now=timezone.now())
        page.get_by_label(words["amount"]).fill("300.00")
        page.get_by_label(words["day"]).fill((today + timedelta(days=3)).isoformat())
        page.get_by_role("button", name=words["record"]).click()
        expect(page.get_by_text(words["recorded"], exact=False)).to_be_visible()
        # The promise holds contact: the call button is now closed, and says why.
        expect(page.get_by_role("button", name=words["call"])).to_be_disabled()
        assert fits(page), "the account page overflows after the promise"

        page.goto(f"{live_server.url}/staff/work/l-night/")
        expect(page.get_by_role("button", name=words["call"])).to_be_disabled()
        expect(page.locator("[data-why=call]")).to_contain_text(words["opens"])
        assert fits(page), "the night account overflows"
    finally:
        context.close()


QUIZ_WORDS = {
    "zh-hans": {"take": "参加测验", "hand_in": "提交答案", "passed": "通过",
                "yes": "可以，规则允许", "no": "不可以，规则不允许", "call": "现在拨打",
                "none": "你还没有有效证书"},
    "en": {"take": "Take the quiz", "hand_in": "Hand in my answers", "passed": "Passed",
           "yes": "Yes, the rules allow it", "no": "No, the rules do not allow it",
           "call": "Call now", "none": "You hold no valid certificate"},
}  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "viewport"),
    [("zh-hans", PHONE), ("en", DESKTOP)],
    ids=["zh-hans-390", "en-desktop"],
)
def test_a_new_collector_passes_the_quiz_and_may_then_call(
    live_server, phone_page, language, viewport
):
    from playwright.sync_api import expect

    from tactful.training.models import QuizAttempt

    words = QUIZ_WORDS[language]
    newcomer = make_staff("zhao.newcomer", Role.COLLECTOR)
    borrower = move_to_daytime(make_borrower(external_id="b-quiz", phone=FIRST_PHONE))
    make_overdue_loan(borrower, external_id="l-quiz", days_ago=75)
    browser = phone_page.context.browser
    context, page = _signed_in(browser, live_server, newcomer, language, viewport)
    try:
        page.goto(f"{live_server.url}/staff/work/l-quiz/")
        expect(page.get_by_role("button", name=words["call"])).to_be_disabled()

        page.goto(f"{live_server.url}/staff/training/")
        expect(page.locator("[data-certificate]")).to_contain_text(words["none"])
        assert fits(page), "the training page overflows"
        page.get_by_role("button", name=words["take"]).click()
        page.wait_for_url("**/staff/training/quiz/**")
        assert fits(page), "the quiz overflows"
        quiz = QuizAttempt.objects.get()
        for n, question in enumerate(quiz.questions):
            situation = page.locator(f"[data-question='{n}']")
            choice = words["yes"] if question["allowed"] else words["no"]
            situation.get_by_label(choice).check()
        page.get_by_role("button", name=words["hand_in"]).click()
        expect(page.locator("[data-result]")).to_contain_text(words["passed"])
        expect(page.locator("[data-result]")).to_contain_text("T-CN-")

        page.goto(f"{live_server.url}/staff/work/l-quiz/")
        expect(page.get_by_role("button", name=words["call"])).to_be_enabled()
    finally:
        context.close()

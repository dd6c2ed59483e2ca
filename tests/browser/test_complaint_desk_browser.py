"""The complaint desk as two compliance officers and the complainant use it, in a browser.

An officer opens the queue, opens the complaint, downloads the screenshot the complainant
sent, starts the investigation, is told in their language what a step lacks, upholds the
complaint, sends an apology the gate holds until 08:00 (the page says so), waives a fee and
opens a coaching task, and asks to close. A second officer approves the closing. The
complainant reads the outcome, their own words, and when the apology will arrive. In
simplified Chinese and English, on a desktop and at 390 px.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.complaints import services
from tactful.complaints.models import Complaint, Reply, Status
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import certify_collector, recipients_for_borrower, request_permit
from tactful.loans.services import charge_fee
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_overdue_loan,
    make_staff,
)
from tactful.testing.zones import move_to_night
from tests.browser.sessions import fits, staff_page

SCREENSHOTS = settings.VAR_DIR / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

WORDS = {
    "zh-hans": {
        "locale": "zh-CN",
        "queue": "投诉",
        "start": "开始调查",
        "outcome": "结果",
        "upheld": "投诉成立",
        "summary": "调查结果与处理措施",
        "record": "记录处理结果",
        "required": "这个字段是必填项。",
        "apology": "发送致歉信",
        "held": "规则现在不允许给投诉人发短信，因此消息暂缓发送。",
        "installment": "第几期",
        "amount": "金额",
        "waive": "减免费用",
        "collector": "催收员",
        "coach_note": "辅导内容",
        "coach": "创建辅导任务",
        "close": "结案",
        "asked": "您已申请结案。须由另一位合规专员批准。",
        "closed": "已结案",
        "your_words": "您告诉我们的内容",
        "apology_at": "我们将于您当地时间",
        "summary_text": "同一天联系了三次，超出规定。",
    },
    "en": {
        "locale": "en-GB",
        "queue": "Complaints",
        "start": "Start the investigation",
        "outcome": "Outcome",
        "upheld": "Upheld",
        "summary": "What we found and what we did",
        "record": "Record the outcome",
        "required": "This field is required.",
        "apology": "Send the apology",
        "held": "The rules do not allow texting the complainant now, so the message is held.",
        "installment": "Installment number",
        "amount": "Amount",
        "waive": "Waive the fee",
        "collector": "Collector",
        "coach_note": "What to coach",
        "coach": "Open a coaching task",
        "close": "Close",
        "asked": "You asked to close this complaint. Another compliance officer must approve it.",
        "closed": "Closed",
        "your_words": "What you told us",
        "apology_at": "We will text you our apology on",
        "summary_text": "We contacted you three times in one day, more than allowed.",
    },
}


def _complaint_at_night() -> tuple[Complaint, str]:
    """A borrower for whom it is 03:00 now, a call they got by day, and their complaint."""
    borrower = move_to_night(make_borrower(external_id="b-desk", phone=FIRST_PHONE, name="陈静"))
    loan = make_overdue_loan(borrower, external_id="l-desk", days_ago=100)
    charge_fee(
        loan=loan,
        installment_n=1,
        amount=Decimal("30.00"),
        value_date=timezone.now().date() - timedelta(days=40),
        actor="test",
    )
    collector = make_staff("wang.collector", Role.COLLECTOR)
    certify_collector(
        collector=collector,
        certificate_number="CBA-2026-0042",
        valid_from=timezone.now() - timedelta(days=30),
        valid_until=timezone.now() + timedelta(days=365),
        actor="test",
    )
    [own] = recipients_for_borrower(borrower=borrower)
    call = request_permit(
        request=PermitRequest(
            loan=loan, recipient=own, channel="call", purpose="collection", collector=collector
        ),
        actor="test",
        now=timezone.now() - timedelta(hours=8),  # 19:00 their time: allowed
    )
    assert call.allowed, call.categories
    description = "同一天打了我三次电话，我说了下午再打也不听。"
    complaint = services.file_complaint(
        intake=services.Intake(
            channel="portal",
            category="harassment",
            description=description,
            borrower=borrower,
            loan=loan,
            complainant_kind="borrower",
            verification_codes=[call.verification_code],
            attachments=[SimpleUploadedFile("shot.png", PNG, content_type="image/png")],
        ),
        actor="test",
    ).complaint
    return complaint, str(borrower.time_zone)


def _officer(username: str, zone: str) -> User:
    officer = make_staff(username, Role.COMPLIANCE)
    # The officer works in the complainant's zone, so the page's 08:00 is theirs too.
    User.objects.filter(pk=officer.pk).update(time_zone=zone)
    officer.refresh_from_db()
    return officer


def _signed_in(browser, live_server, officer: User, language: str, viewport):
    locale = WORDS[language]["locale"]
    return staff_page(
        browser, live_server.url, officer, language=language, locale=locale, viewport=viewport
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "viewport"),
    [("zh-hans", DESKTOP), ("zh-hans", PHONE), ("en", DESKTOP), ("en", PHONE)],
    ids=["zh-hans-desktop", "zh-hans-390", "en-desktop", "en-390"],
)
def test_two_officers_uphold_remedy_and_close_and_the_complainant_sees_it(
    live_server, phone_page, language, viewport
):
    from playwright.sync_api import expect

    words = WORDS[language]
    complaint, zone = _complaint_at_night()
    first = _officer("li.compliance", zone)
    second = _officer("zhao.compliance", zone)
    browser = phone_page.context.browser
    context, desk = _signed_in(browser, live_server, first, language, viewport)
    try:
        desk.goto(f"{live_server.url}/staff/complaints/")
        expect(desk.get_by_role("heading", name=words["queue"], exact=True)).to_be_visible()
        desk.get_by_role("link", name=complaint.number).click()

        with desk.expect_download() as download:
            desk.locator("a[href*='/attachments/'][download]").first.click()
        assert Path(download.value.path()).read_bytes() == PNG

        desk.get_by_role("button", name=words["start"]).click()
        # A step with a field left empty says so in the officer's language.
        desk.get_by_label(words["outcome"], exact=True).select_option("upheld")
        desk.get_by_role("button", name=words["record"]).click()
        expect(desk.get_by_text(words["required"])).to_be_visible()
        assert Complaint.objects.get().status == Status.INVESTIGATING

        desk.get_by_label(words["outcome"], exact=True).select_option("upheld")
        desk.get_by_label(words["summary"]).fill(words["summary_text"])
        desk.get_by_role("button", name=words["record"]).click()

        desk.get_by_role("button", name=words["apology"]).click()
        expect(desk.get_by_text(words["held"])).to_be_visible()
        expect(desk.get_by_text("08:00").first).to_be_visible()
        reply = Reply.objects.get(kind="apology")
        assert reply.send_at is not None
        assert reply.send_at.astimezone(ZoneInfo(zone)).strftime("%H:%M") == "08:00"

        waiver = desk.locator("#step-waiver")
        waiver.get_by_label(words["installment"]).fill("1")
        waiver.get_by_label(words["amount"]).fill("30.00")
        waiver.get_by_role("button", name=words["waive"]).click()
        coaching = desk.locator("#step-coaching")
        coaching.get_by_label(words["collector"]).select_option("wang.collector")
        coaching.get_by_label(words["coach_note"]).fill("一天内多次来电。")
        coaching.get_by_role("button", name=words["coach"]).click()
        assert {r.kind for r in Complaint.objects.get().remediations.all()} == {
            "fee_waiver",
            "coaching",
        }

        desk.locator("#step-close").get_by_role("button", name=words["close"]).click()
        expect(desk.get_by_text(words["asked"])).to_be_visible()
        assert desk.locator("#step-close").count() == 0
        if viewport == PHONE:
            assert fits(desk)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        desk.screenshot(
            path=str(SCREENSHOTS / f"complaint-desk-{language}-{viewport['width']}.png"),
            full_page=True,
        )
    finally:
        context.close()

    context, approver = _signed_in(browser, live_server, second, language, viewport)
    try:
        approver.goto(f"{live_server.url}/staff/complaints/{complaint.reference}/")
        approver.locator("#step-close").get_by_role("button", name=words["close"]).click()
        expect(approver.get_by_role("heading", name=words["closed"]).first).to_be_visible()
        assert Complaint.objects.get().status == Status.CLOSED
    finally:
        context.close()

    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/complaints/{complaint.reference}/")
    expect(page.get_by_role("heading", name=words["your_words"])).to_be_visible()
    expect(page.get_by_text(complaint.description)).to_be_visible()
    expect(page.get_by_text(words["summary_text"])).to_be_visible()
    expect(page.get_by_text(words["apology_at"])).to_be_visible()
    assert "08:00" in page.inner_text("main")
    assert fits(page)

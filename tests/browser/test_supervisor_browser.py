"""A supervisor's morning in a browser: a distress case decided, a call finding confirmed.

Tonight's plan sent an account to review after the borrower said on a recorded call that
they could not go on. The supervisor opens it from the worklist's review filter, reads
that nobody contacts the borrower until they decide, refers the borrower to support (the
lines in the borrower's language are on the page), and sees the team page mark the case
decided. Then, on another recorded call, the collector threatened the borrower: the
supervisor confirms the checker's finding, which opens a coaching task and suspends the
collector's certificate, so the collector's call button is closed until the re-quiz.
In simplified Chinese, traditional Chinese and English; on a phone and on a desktop.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.callqa.engines import use_speech_engine
from tactful.callqa.models import Status
from tactful.callqa.services import upload_recording
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import certify_collector, recipients_for_borrower, request_permit
from tactful.inspection.fake_speech import FakeSpeechEngine, scripted
from tactful.testing.personas import make_borrower, make_overdue_loan, make_staff
from tactful.testing.zones import move_to_daytime
from tactful.treatments.services import build_daily_plan
from tests.browser.sessions import fits, staff_page, wider_than_screen

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DISTRESS = scripted("请问您什么时候方便还款？", "我失业了，真的撑不下去了，不想活了。")
THREAT = scripted(
    "你这个老赖，再不还钱我就爆你通讯录。", "我是区公安局经侦大队的，你已经被立案了。"
)
WORDS = {
    "zh-hans": {
        "locale": "zh-CN",
        "refer": "转介支持资源",
        "why": "原因",
        "record": "记录决定",
        "referred": "已记录转介",
        "decided": "已决定",
        "review": "记录审核",
        "reviewed": "您的审核已记录。",
        "call": "现在拨打",
    },
    "zh-hant": {
        "locale": "zh-TW",
        "refer": "轉介支援資源",
        "why": "原因",
        "record": "記錄決定",
        "referred": "已記錄轉介",
        "decided": "已決定",
        "review": "記錄審核",
        "reviewed": "您的審核已記錄。",
        "call": "現在撥打",
    },
    "en": {
        "locale": "en-GB",
        "refer": "Referred to support resources",
        "why": "Why",
        "record": "Record the decision",
        "referred": "Referral recorded",
        "decided": "Decided",
        "review": "Record review",
        "reviewed": "Your review was recorded.",
        "call": "Call now",
    },
}


def _called_and_recorded(loan, collector, transcript, phone_name):
    """A call the collector made under a permit, recorded, heard by the (fake) engine."""
    [own_number] = recipients_for_borrower(borrower=loan.borrower)
    attempt = request_permit(
        request=PermitRequest(
            loan=loan, recipient=own_number, channel="call", purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    assert attempt.allowed, attempt.reasons
    use_speech_engine(FakeSpeechEngine(default=transcript))
    try:
        upload = SimpleUploadedFile(phone_name, b"FAKE:" + phone_name.encode(), "audio/wav")
        recording, _new = upload_recording(attempt=attempt, audio=upload, actor="test")
    finally:
        use_speech_engine(None)
    recording.refresh_from_db()
    return recording


def _cast():
    supervisor = make_staff("zhou.supervisor", Role.SUPERVISOR)
    collector = make_staff("wang.collector", Role.COLLECTOR)
    now = timezone.now()
    certify_collector(
        collector=collector, certificate_number="CBA-2026-0077",
        valid_from=now - timedelta(days=30), valid_until=now + timedelta(days=365), actor="test",
    )  # fmt: skip
    distressed = move_to_daytime(make_borrower(external_id="b-distress", phone="+8613123456701"))
    distress_loan = make_overdue_loan(distressed, external_id="l-distress", days_ago=75)
    threatened = move_to_daytime(make_borrower(external_id="b-threat", phone="+8613123456702"))
    threat_loan = make_overdue_loan(threatened, external_id="l-threat", days_ago=75)
    _called_and_recorded(distress_loan, collector, DISTRESS, "distress.wav")
    recording = _called_and_recorded(threat_loan, collector, THREAT, "threat.wav")
    # Tonight's plan, made after the calls: the distress call's hold sends its account to review.
    planned = timezone.now()
    build_daily_plan(plan_date=planned.date(), at=planned, actor="test")
    return supervisor, collector, recording


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "viewport"),
    [("zh-hans", PHONE), ("zh-hant", PHONE), ("en", DESKTOP), ("en", PHONE)],
    ids=["zh-hans-390", "zh-hant-390", "en-desktop", "en-390"],
)
def test_a_supervisor_decides_a_distress_case_and_confirms_a_call_finding(
    live_server, phone_page, language, viewport
):
    from playwright.sync_api import expect

    words = WORDS[language]
    supervisor, collector, recording = _cast()
    assert recording.status == Status.INSPECTED, recording.status
    browser = phone_page.context.browser
    context, page = staff_page(
        browser, live_server.url, supervisor,
        language=language, locale=words["locale"], viewport=viewport,
    )  # fmt: skip
    try:
        # 1. The distress case, from the worklist's review filter.
        page.goto(f"{live_server.url}/staff/work/?who=all&treatment=review")
        assert fits(page), f"the review worklist overflows: {wider_than_screen(page)}"
        page.get_by_role("link", name="l-distress").click()
        expect(page.locator("[data-under-review]")).to_be_visible()
        expect(page.locator("#review")).to_contain_text("12356")  # the borrower's helpline
        assert fits(page), f"the account page overflows: {wider_than_screen(page)}"
        review = page.locator("#review")
        review.get_by_label(words["refer"]).check()
        review.get_by_label(words["why"], exact=True).fill("她说撑不下去了；已给她心理援助热线。")
        review.get_by_role("button", name=words["record"]).click()
        expect(page.get_by_text(words["referred"], exact=False)).to_be_visible()
        assert fits(page), (
            f"the account page overflows after the decision: {wider_than_screen(page)}"
        )

        page.goto(f"{live_server.url}/staff/team/")
        expect(page.locator("#review-title + p + ul")).to_contain_text(words["decided"])
        assert fits(page), f"the team page overflows: {wider_than_screen(page)}"

        # 2. The threat on another call: confirm the checker's finding.
        page.goto(f"{live_server.url}/staff/recordings/{recording.reference}/")
        assert fits(page), f"the recording page overflows: {wider_than_screen(page)}"
        first = page.locator("form[action*='/review/']").first
        first.locator("select[name=verdict]").select_option("confirmed")
        first.get_by_role("button", name=words["review"]).click()
        expect(page.get_by_text(words["reviewed"], exact=False)).to_be_visible()
    finally:
        context.close()

    # 3. The collector's certificate is suspended until the re-quiz: the call is closed.
    context, page = staff_page(
        browser, live_server.url, collector,
        language=language, locale=words["locale"], viewport=viewport,
    )  # fmt: skip
    try:
        page.goto(f"{live_server.url}/staff/work/l-threat/")
        expect(page.get_by_role("button", name=words["call"])).to_be_disabled()
        assert fits(page), f"the collector's account page overflows: {wider_than_screen(page)}"
    finally:
        context.close()

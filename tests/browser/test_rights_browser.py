"""Data-subject rights in a browser: a borrower sees, downloads and corrects their data, a
compliance officer completes the correction, and a third party stops contact with their number.

The borrower signs in through a session cookie; the officer signs in on the staff page with
password and TOTP code in a second browser context. Codes are texted only in the daytime:
the emergency contact is given a zone where it is noon now, so the test runs at any hour.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.conf import settings
from pypdf import PdfReader

from tactful.accounts.roles import Role
from tactful.borrowers.models import Borrower
from tactful.consent import services
from tactful.consent.models import EmergencyContact, NumberRefusal
from tactful.contacts.tests.conftest import NOW
from tactful.rights.models import RightsKind, RightsRequest
from tactful.testing.api import create_loan
from tactful.testing.personas import (
    FIRST_PHONE,
    STAFF_PASSWORD,
    VALID_CN_ID,
    current_token,
    make_borrower,
    make_staff,
)
from tactful.testing.zones import zone_where_it_is
from tests.browser.sessions import downloaded, publish_notices_again, sign_in_borrower

SCREENSHOTS = settings.VAR_DIR / "screenshots"
CONTACT = "+8613123456789"
NEW_NAME = "李小华"


@pytest.fixture
def notices(transactional_db):
    publish_notices_again()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_borrower_corrects_their_name_and_an_officer_completes_it(
    live_server, phone_page, notices
):
    from playwright.sync_api import expect

    page = phone_page
    borrower = make_borrower(external_id="b-rights", phone=FIRST_PHONE, name="李华")
    create_loan("l-rights", borrower)
    officer = make_staff("zhou.compliance", Role.COMPLIANCE)
    sign_in_borrower(page, live_server.url, borrower)

    page.goto(f"{live_server.url}/portal/privacy/rights/")
    expect(page.get_by_role("heading", name="我们持有的关于您的信息")).to_be_visible()
    expect(page.get_by_text("李华", exact=True)).to_be_visible()
    expect(page.get_by_text("****" + VALID_CN_ID[-4:])).to_be_visible()
    _shot(page, "rights.png")

    exported = json.loads(downloaded(page, "下载我的全部数据（JSON）"))
    assert exported["borrower"]["name"] == "李华"
    assert exported["borrower"]["national_id"] == VALID_CN_ID
    document = downloaded(page, "下载我的全部数据（PDF）")
    assert document.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(document)).pages)
    assert "李华" in text
    assert "l-rights" in text

    page.get_by_label("哪一项有误").select_option("name")
    page.get_by_label("正确的内容").fill(NEW_NAME)
    page.get_by_role("button", name="提交更正申请").click()
    expect(page.get_by_text("我们已收到您的更正申请。")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="更正我的数据")).to_contain_text("已收到")

    staff = page.context.browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    try:
        desk = staff.new_page()
        desk.set_default_timeout(15_000)
        desk.goto(f"{live_server.url}/staff/login/")
        desk.get_by_label("用户名").fill(officer.username)
        desk.get_by_label("密码").fill(STAFF_PASSWORD)
        desk.get_by_label("身份验证器应用中的验证码").fill(current_token(officer))
        desk.get_by_role("button", name="登录", exact=True).click()
        desk.get_by_role("link", name="个人信息权利申请").click()
        expect(desk.get_by_role("heading", name="个人信息权利申请")).to_be_visible()
        expect(desk.get_by_text("b-rights")).to_be_visible()
        _shot(desk, "rights-desk.png")

        desk.get_by_role("link", name="更正我的数据").click()
        expect(desk.get_by_text("李**").first).to_be_visible()
        assert NEW_NAME not in desk.content()
        desk.get_by_text("查看完整信息").click()
        desk.get_by_label("要查看的信息").select_option("requested_value")
        desk.get_by_label("您为什么需要查看？").fill("核对借款人提交的新姓名与证件是否一致")
        desk.get_by_role("button", name="查看", exact=True).click()
        expect(desk.locator("[data-revealed]")).to_have_text(NEW_NAME)
        _shot(desk, "rights-request.png")

        desk.get_by_role("button", name="完成：执行更正").click()
        expect(desk.get_by_text("更正已生效。借款人可以看到答复。")).to_be_visible()
    finally:
        staff.close()

    assert Borrower.objects.get(pk=borrower.pk).name == NEW_NAME
    page.reload()
    expect(page.get_by_text(NEW_NAME, exact=True)).to_be_visible()
    correction = page.get_by_role("listitem").filter(has_text="更正我的数据")
    expect(correction).to_contain_text("已完成")
    _shot(page, "rights-completed.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_third_party_sees_what_is_held_about_their_number_and_stops_contact(
    live_server, phone_page, notices, sms_outbox
):
    from playwright.sync_api import expect

    page = phone_page
    borrower = make_borrower(external_id="b-named", phone=FIRST_PHONE, name="李华")
    contact = services.designate_emergency_contact(
        borrower=borrower,
        phone=CONTACT,
        relationship="sibling",
        language="zh-hans",
        actor="test",
        name="张伟",
        now=NOW,
    )
    EmergencyContact.objects.filter(pk=contact.pk).update(time_zone=zone_where_it_is(12))
    sms_outbox.sent.clear()

    page.goto(f"{live_server.url}/verify/rights/")
    expect(page.get_by_role("heading", name="您的数据和您的权利")).to_be_visible()
    page.get_by_label("号码所属国家或地区").select_option("CN")
    page.get_by_label("手机号码").fill(CONTACT.removeprefix("+86"))
    # The project-wide catalogue words this button (and wins over the app's own).
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()

    [message] = sms_outbox.sent
    assert message.to == CONTACT
    code = re.search(r"(?<![0-9A-Z])(\d{6})(?![0-9A-Z])", message.body)
    assert code is not None
    page.get_by_label("短信中的验证码").fill(code.group(1))
    page.get_by_role("button", name="继续").click()

    expect(page.get_by_role("heading", name="我们存有的与您号码有关的信息")).to_be_visible()
    expect(page.get_by_text("兄弟姐妹")).to_be_visible()
    body = page.locator("main").inner_text()
    for secret in ("李华", "b-named", "张伟"):
        assert secret not in body
    _shot(page, "third-party-rights.png")

    page.get_by_role("button", name="停止一切联系").click()
    expect(page.get_by_role("heading", name="您的请求已完成")).to_be_visible()
    assert NumberRefusal.objects.filter(phone_index=contact.phone_index).exists()
    assert RightsRequest.objects.filter(kind=RightsKind.STOP_CONTACT).count() == 1
    _shot(page, "third-party-stopped.png")

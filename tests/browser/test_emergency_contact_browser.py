"""Emergency contacts and the contact ledger in a phone browser.

A borrower names an emergency contact; the person refuses with one tap on the invitation
page, and from then on the gate denies contact with them and no borrower can name the
number again. The borrower's contact ledger downloads as evidence that matches the audit
chain. The invitation is answered with a token set by the test, so nothing depends on the
text being sent (it is not, at night in Shanghai); the ledger's permit is asked for at a
daytime `NOW`.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.utils import timezone

from tactful.consent import services
from tactful.consent.models import EmergencyContact, NumberRefusal
from tactful.contacts.evidence import verify_export
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import Recipient
from tactful.contacts.services import recipients_for_borrower, request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.testing.api import create_loan
from tactful.testing.personas import FIRST_PHONE, SECOND_PHONE, make_borrower
from tests.browser.sessions import downloaded, publish_notices_again, sign_in_borrower

SCREENSHOTS = settings.VAR_DIR / "screenshots"
CONTACT_LOCAL = "131 2345 6789"  # a fictional mainland number, typed as people do
TOKEN = "test-invitation-token"


@pytest.fixture
def notices(transactional_db):
    publish_notices_again()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _name_contact(page, base_url: str) -> None:
    page.goto(f"{base_url}/portal/privacy/")
    page.get_by_label("号码所属国家或地区").select_option("CN")
    page.get_by_label("手机号码").fill(CONTACT_LOCAL)
    page.get_by_label("与您的关系").select_option("sibling")
    page.get_by_role("button", name="指定此紧急联系人").click()


def _locate_via(contact: EmergencyContact, loan):
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=Recipient.objects.get(emergency_contact=contact),
            channel="call",
            purpose="locate",
            automated=False,
        ),
        actor="test",
        now=timezone.now(),
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_named_contact_refuses_with_one_tap_and_is_never_contacted(
    live_server, phone_page, notices
):
    from playwright.sync_api import expect

    page = phone_page
    borrower = make_borrower(external_id="b-ec", phone=FIRST_PHONE, name="张伟")
    loan = create_loan("l-ec", borrower)
    sign_in_borrower(page, live_server.url, borrower)

    _name_contact(page, live_server.url)
    expect(page.get_by_text("131****6789")).to_be_visible()
    contact = EmergencyContact.objects.get(borrower=borrower)
    assert not _locate_via(contact, loan).facts["opted_out"]
    _shot(page, "emergency-contact-named.png")

    # The person opens the link from the invitation and refuses.
    EmergencyContact.objects.filter(pk=contact.pk).update(
        invitation_digest=services.invitation_digest(TOKEN)
    )
    page.goto(f"{live_server.url}/invitation/{TOKEN}/")
    text = page.locator("main").inner_text()
    for secret in ("张伟", "l-ec", str(loan.principal)):
        assert secret not in text
    page.get_by_role("button", name="我拒绝").click()
    expect(page.get_by_role("heading", name="您已拒绝")).to_be_visible()
    _shot(page, "emergency-contact-refused.png")

    assert NumberRefusal.objects.filter(phone_index=contact.phone_index).exists()
    refused = _locate_via(contact, loan)
    assert not refused.allowed
    assert refused.facts["opted_out"]

    # Another borrower cannot name the number: the refusal holds for everyone.
    other = make_borrower(external_id="b-ec-2", phone=SECOND_PHONE, name="王芳")
    sign_in_borrower(page, live_server.url, other)
    _name_contact(page, live_server.url)
    expect(page.get_by_role("alert")).to_be_visible()
    assert not EmergencyContact.objects.filter(borrower=other).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_contact_ledger_downloads_as_evidence_that_matches_the_chain(live_server, phone_page):
    from playwright.sync_api import expect

    page = phone_page
    borrower = make_borrower(external_id="b-ledger", phone=FIRST_PHONE, name="张伟")
    loan = create_loan("l-ledger", borrower)
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
    sign_in_borrower(page, live_server.url, borrower)

    page.goto(f"{live_server.url}/portal/privacy/ledger/")
    expect(page.get_by_role("heading", name="联系记录")).to_be_visible()
    expect(page.get_by_role("link", name="投诉这次联系")).to_have_count(1)
    _shot(page, "contact-ledger.png")

    document = json.loads(downloaded(page, "下载为证据（JSON）"))
    assert len(document["entries"]) == 1
    report = verify_export(document, trusted_keys=settings.AUDIT_KEYS.trusted_public_keys)
    assert report.matches, report.problem
    assert downloaded(page, "下载为 PDF").startswith(b"%PDF")

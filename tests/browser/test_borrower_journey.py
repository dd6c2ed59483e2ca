"""A borrower's whole journey, and a third party's, on a 390-pixel phone in each language.

The borrower signs in, reads what they agreed to, compares plans (only smaller payments under
that name, the extra cost shown), accepts one, sees the old loan moved into the plan (no
payment), sets auto-debit and reads the same day and limit under My consents, pays, names an
emergency contact who accepts from their own page once the night is over, and downloads the
contact record, which verifies. The emergency contact then complains by their number, and
the next contact with that number is denied for every borrower who named it.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tactful.consent import services as consent_services
from tactful.consent.models import EmergencyContact
from tactful.contacts.evidence import verify_export
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import Recipient
from tactful.contacts.services import request_permit
from tactful.repayment.models import Acceptance, DebitMandate, RestructuringOffer
from tactful.repayment.payments import FakeProcessor, use_payment_port
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    make_borrower,
    make_overdue_loan,
)
from tactful.testing.zones import move_to_daytime
from tests.browser.sessions import downloaded, publish_notices_again

CONTACT = "+8613123456789"
BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


def code_in(sms_outbox, to: str) -> str:
    [body] = [message.body for message in sms_outbox.sent if message.to == to][-1:]
    found = re.search(r"(?<![0-9A-Z])(\d{6})(?![0-9A-Z])", body)
    assert found is not None
    return found.group(1)


def fits_the_phone(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_a_borrower_and_a_third_party_walk_every_journey(
    live_server, phone_page, sms_outbox, language, settings
):
    from playwright.sync_api import expect

    def t(text: str) -> str:
        with translation.override(language):
            return str(gettext(text))

    page, url = phone_page, live_server.url
    publish_notices_again()
    settings.DEMO_MODE = True
    use_payment_port(FakeProcessor())
    try:
        borrower = move_to_daytime(make_borrower(external_id="b-walk", phone=FIRST_PHONE))
        loan = make_overdue_loan(borrower, external_id="l-walk", days_ago=100)
        other = move_to_daytime(make_borrower(external_id="b-other", phone=SECOND_PHONE))
        page.context.add_cookies([{"name": "django_language", "value": language, "url": url}])

        # Sign in with a texted code.
        page.goto(f"{url}/portal/sign-in/")
        expect(page.locator("html")).to_have_attribute("lang", BCP47[language])
        page.locator("select[name=phone_region]").select_option("US")
        page.locator("input[name=phone]").fill("202-555-0123")
        page.locator("main form button[type=submit]").first.click()
        page.locator("input[name=code]").fill(code_in(sms_outbox, FIRST_PHONE))
        page.locator("main form button[type=submit]").first.click()
        expect(page.get_by_role("heading", name=t("My loans"))).to_be_visible()

        # What I agreed to.
        page.get_by_role(
            "link", name=t("What I agreed to: who may contact me, when and how")
        ).click()
        expect(page.get_by_role("heading", name=t("What I agreed to"), exact=True)).to_be_visible()
        expect(page.locator("main")).to_contain_text("08:00")
        assert fits_the_phone(page)

        # Plans: only smaller payments under that name, the extra cost shown.
        page.goto(f"{url}/portal/help/loans/{loan.reference}/plans/")
        page.locator("main form button[type=submit]").first.click()
        current = Decimal(
            page.locator("[data-current-payment]").get_attribute("data-current-payment")
        )
        smaller = page.locator("#smaller-plans [data-months]")
        assert smaller.count() > 0
        for months in [smaller.nth(i).get_attribute("data-months") for i in range(smaller.count())]:
            offer = RestructuringOffer.objects.get(loan=loan, months=int(months))
            assert offer.regular_payment < current
        expect(page.locator("#smaller-plans [data-extra-cost]").first).to_be_visible()
        assert fits_the_phone(page)
        smaller.first.get_by_role("link").click()
        page.locator("main form button[type=submit]").last.click()  # text me a code
        page.locator("input[name=code]").fill(code_in(sms_outbox, FIRST_PHONE))
        page.get_by_role("button", name=t("Accept the plan")).click()
        plan = Acceptance.objects.get().plan_loan

        # The old loan reads as moved into the plan, never as paid.
        page.goto(f"{url}/portal/loans/{loan.reference}/")
        expect(page.locator('[data-restructured="moved"]')).to_be_visible()
        expect(
            page.get_by_text(t("Moved into your repayment plan (not a payment)"))
        ).to_be_visible()
        expect(page.get_by_text(t("Paid in full. Thank you."))).to_have_count(0)
        expect(page.get_by_text(t("Payment received"), exact=True)).to_have_count(0)

        # Auto-debit: the consent text and My consents say the day and limit chosen.
        page.goto(f"{url}/portal/help/loans/{plan.reference}/auto-debit/")
        page.locator("input[name=bank_code]").fill("ICBC")
        page.locator("input[name=account_number]").fill("6222020200112233445")
        page.locator("input[name=max_amount]").fill("2000")
        page.locator("select[name=debit_day]").select_option("15")
        page.get_by_role("button", name=t("Continue")).click()
        expect(page.locator("#consent-text")).to_contain_text("15")
        expect(page.locator("#consent-text")).to_contain_text("2,000.00")
        page.locator("input[name=consent]").check()
        page.get_by_role("button", name=t("Set up auto-debit")).click()
        assert DebitMandate.objects.get().debit_day == 15
        page.goto(f"{url}/portal/privacy/")
        expect(page.locator("main")).to_contain_text("2,000.00")

        # Pay: the pay link, the demo processor's page, the effect at once.
        page.goto(f"{url}/portal/loans/{plan.reference}/")
        page.locator("#pay-amount").fill("100.00")
        page.get_by_role("button", name=t("Pay now")).click()
        page.locator("main form button[type=submit]").first.click()
        expect(page.get_by_text(t("Payment received. Thank you."))).to_be_visible()
        expect(page.get_by_text(t("Payment received"), exact=True).first).to_be_visible()

        # An emergency contact, invited when it is not night for them, accepts on their page.
        page.goto(f"{url}/portal/privacy/")
        page.locator("select[name=phone_region]").select_option("CN")
        page.locator("input[name=phone]").fill(CONTACT)
        page.locator("select[name=relationship]").select_option("sibling")
        page.get_by_role("button", name=t("Name this emergency contact")).click()
        contact = EmergencyContact.objects.get(borrower=borrower)
        if contact.invited_at is None:  # night in Shanghai: it goes when the night ends
            assert contact.invitation_due_at is not None
            consent_services.send_due_invitations(now=contact.invitation_due_at)
        EmergencyContact.objects.filter(pk=contact.pk).update(designated_at=timezone.now())

        # The contact record downloads and verifies against the audit chain.
        page.goto(f"{url}/portal/privacy/ledger/")
        document = json.loads(downloaded(page, t("Download as evidence (JSON)")))
        report = verify_export(
            document, trusted_keys=settings.AUDIT_KEYS.trusted_public_keys, database=True
        )
        assert report.matches, report.problem

        # The named person, in a browser of their own, proves their number and accepts.
        third = page.context.browser.new_context(viewport={"width": 390, "height": 844})
        other_page = third.new_page()
        other_page.context.add_cookies([{"name": "django_language", "value": language, "url": url}])
        other_page.goto(f"{url}/verify/rights/")
        other_page.locator("select[name=phone_region]").select_option("CN")
        other_page.locator("input[name=phone]").fill(CONTACT)
        other_page.locator("main form button[type=submit]").first.click()
        other_page.locator("input[name=code]").fill(code_in(sms_outbox, CONTACT))
        other_page.locator("main form button[type=submit]").first.click()
        other_page.get_by_role("button", name=t("Accept")).click()
        expect(other_page.get_by_text(t("Refused by you"))).to_have_count(0)
        assert fits_the_phone(other_page)

        # Named by a second borrower too, the person complains with their number...
        consent_services.designate_emergency_contact(
            borrower=other, phone=CONTACT, relationship="friend", language="zh-hans", actor="t"
        )
        other_page.goto(f"{url}/complaints/new/")
        other_page.locator("select[name=category]").select_option("contacted_others")
        other_page.locator("textarea[name=description]").fill("Please stop calling me.")
        other_page.locator("input[name=phone]").fill(CONTACT)
        other_page.locator("button[name=send_code]").click()
        other_page.locator("input[name=identity_code]").fill(code_in(sms_outbox, CONTACT))
        other_page.locator("main form button[type=submit]").last.click()
        expect(other_page.get_by_role("heading", name=re.compile(r"C[0-9A-Z]{6,}"))).to_be_visible()
        expect(other_page.get_by_text("Please stop calling me.")).to_be_visible()
        third.close()

        # ...and the next contact with that number is denied for every borrower.
        for recipient in Recipient.objects.filter(
            emergency_contact__phone_index=contact.phone_index
        ):
            permit = request_permit(
                request=PermitRequest(
                    loan=None, recipient=recipient, channel="call", purpose="locate", automated=True
                ),
                actor="test",
            )
            assert permit.decision == "deny"
            assert "hold" in permit.categories
    finally:
        use_payment_port(None)

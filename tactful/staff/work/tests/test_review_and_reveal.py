"""The account page's review decisions and the audited reveal of an emergency contact's number."""

from __future__ import annotations

import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.casework.models import ReviewDecision
from tactful.consent.services import designate_emergency_contact, refuse_number
from tactful.contacts.models import HoldLift
from tactful.contacts.services import place_hold
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
CONTACT_PHONE = "+8613800138999"
CONTACT_MASK = "138****8999"


def _client(user, language="en"):
    client = Client()
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _account(loan):
    return f"/staff/work/{loan.external_id}/"


@pytest.fixture
def hardship(loan):
    return place_hold(kind="hardship", source="test", actor="test", loan=loan, reason="distress")


@pytest.fixture
def contact(loan):
    return designate_emergency_contact(
        borrower=loan.borrower,
        phone=CONTACT_PHONE,
        relationship="friend",
        language="zh-hans",
        actor="test",
    )


# --- review decisions -------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["return", "refer", "offer"])
def test_a_supervisor_decides_a_review_from_the_account_page(loan, supervisor, hardship, outcome):
    body = {"action": "review", "outcome": outcome, "reason": "called back, she is safe"}
    response = _client(supervisor).post(f"{_account(loan)}act/", body)
    assert response.status_code == 302
    assert ReviewDecision.objects.get(loan=loan).outcome == outcome
    assert HoldLift.objects.filter(hold=hardship).exists() == (outcome == "return")
    page = _client(supervisor).get(_account(loan)).content.decode()
    assert "Decisions so far" in page


def test_the_review_section_gives_support_lines_in_the_borrowers_language(loan, supervisor):
    page = _client(supervisor, "en").get(_account(loan)).content.decode()
    assert "12356" in page  # the borrower reads Simplified Chinese: the mainland's line


@pytest.mark.parametrize("who", [Role.COLLECTOR, Role.COMPLIANCE])
def test_only_supervisors_and_admins_decide(loan, hardship, who, collector):
    user = collector if who is Role.COLLECTOR else make_staff("officer", who)
    body = {"action": "review", "outcome": "return", "reason": "no longer needed"}
    response = _client(user).post(f"{_account(loan)}act/", body)
    assert response.status_code in (403, 409)
    assert not ReviewDecision.objects.exists()
    assert not HoldLift.objects.exists()
    assert "Decide on hardship" not in _client(collector).get(_account(loan)).content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "return"},
        {"outcome": "return", "reason": ""},
        {"outcome": "pardon", "reason": "because"},
        {"outcome": "pause", "reason": "no terms"},
        {"outcome": "pause", "reason": "bad day", "pause_reason": "illness", "ends_on": "soon"},
    ],
)
def test_a_bad_decision_is_422_and_changes_nothing(loan, supervisor, hardship, body):
    response = _client(supervisor).post(f"{_account(loan)}act/", {"action": "review", **body})
    assert response.status_code == 422
    assert not ReviewDecision.objects.exists()
    assert not HoldLift.objects.exists()


# --- the audited reveal -----------------------------------------------------------------------


def _reveal(client, loan, contact, reason):
    return client.post(
        f"{_account(loan)}reveal/", {"contact": str(contact.reference), "reason": reason}
    )


def test_a_collector_sees_the_number_masked_until_an_audited_reveal(loan, collector, contact):
    client = _client(collector)
    page = client.get(_account(loan)).content.decode()
    assert CONTACT_MASK in page
    assert CONTACT_PHONE not in page
    assert "13800138999" not in page
    response = _reveal(client, loan, contact, "the borrower asked us to call his friend")
    assert response.status_code == 200
    assert "13800138999" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="pii.revealed")
    assert event.payload == {
        "field": "phone",
        "reason": "the borrower asked us to call his friend",
    }
    assert event.actor == collector.audit_actor
    # Shown once: the next page is masked again.
    assert "13800138999" not in client.get(_account(loan)).content.decode()


@pytest.mark.parametrize("reason", ["", "because", " " * 20])
def test_a_reveal_without_a_reason_shows_nothing_and_records_nothing(
    loan, collector, contact, reason
):
    response = _reveal(_client(collector), loan, contact, reason)
    assert response.status_code == 422
    assert "13800138999" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.revealed").exists()


def test_a_refused_contacts_number_is_never_revealed(loan, collector, contact):
    refuse_number(phone_index=contact.phone_index, source="test")
    response = _reveal(_client(collector), loan, contact, "I want to call them anyway")
    assert response.status_code == 409
    assert "13800138999" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="pii.revealed").exists()


def test_a_contact_of_another_borrower_is_404(loan, collector, contact):
    from tactful.testing.personas import make_borrower, make_overdue_loan

    other = make_overdue_loan(
        make_borrower(external_id="b-other", phone="+8613100000077"), external_id="l-other"
    )
    response = _reveal(_client(collector), other, contact, "the borrower asked us to call")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="pii.revealed").exists()


@pytest.mark.parametrize("contact_value", ["not-a-uuid", "", "1 OR 1=1"])
def test_a_malformed_contact_is_422(loan, collector, contact, contact_value):
    response = _client(collector).post(
        f"{_account(loan)}reveal/", {"contact": contact_value, "reason": "a good long reason"}
    )
    assert response.status_code == 422


def test_a_reveal_is_refused_to_compliance_and_anonymous(loan, contact):
    officer = make_staff("officer", Role.COMPLIANCE)
    assert _reveal(_client(officer), loan, contact, "just looking around").status_code == 403
    anonymous = _reveal(Client(), loan, contact, "just looking around")
    assert anonymous.status_code == 302
    assert not AuditEvent.objects.filter(action="pii.revealed").exists()


def test_the_account_page_links_to_a_complaint_filled_for_the_borrower(loan, collector):
    page = _client(collector).get(_account(loan)).content.decode()
    link = f"/staff/complaints/new/?borrower={loan.borrower.external_id}"
    assert link in page
    form = _client(collector).get(link).content.decode()
    assert f'value="{loan.borrower.external_id}"' in form

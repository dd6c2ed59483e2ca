"""Revealing a borrower's personal data on the staff contacts page: role, reason, audit."""

import pytest

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.testing.personas import FIRST_PHONE, VALID_CN_ID, make_staff, sign_in_staff

pytestmark = pytest.mark.django_db

PAGE = "/staff/contacts/"
REVEAL = "/staff/contacts/reveal/"
REASON = "Borrower called in and we must confirm identity"


def signed_in(client, role):
    sign_in_staff(client, make_staff(f"someone.{role}", role))
    return client


def reveal_events():
    return AuditEvent.objects.filter(action="pii.revealed")


class TestMaskedPage:
    def test_the_page_shows_name_id_and_numbers_masked(self, client, borrower):
        body = (
            signed_in(client, Role.SUPERVISOR)
            .post(PAGE, {"q": "b-1"}, follow=True)
            .content.decode()
        )

        assert "李**" in body
        assert "****" + VALID_CN_ID[-4:] in body
        assert "李华" not in body
        assert VALID_CN_ID not in body
        assert FIRST_PHONE[2:] not in body

    @pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN])
    def test_revealers_see_the_reveal_form(self, client, borrower, role):
        body = signed_in(client, role).post(PAGE, {"q": "b-1"}, follow=True).content.decode()

        assert REVEAL in body

    def test_a_collector_does_not_see_the_reveal_form(self, client, borrower):
        body = (
            signed_in(client, Role.COLLECTOR).post(PAGE, {"q": "b-1"}, follow=True).content.decode()
        )

        assert REVEAL not in body


class TestReveal:
    @pytest.mark.parametrize(
        ("field", "shown"),
        [("name", "李华"), ("national_id", VALID_CN_ID), ("phone_numbers", FIRST_PHONE)],
    )
    def test_a_supervisor_sees_the_value_and_the_reveal_is_audited_without_it(
        self, client, borrower, field, shown
    ):
        staff = signed_in(client, Role.SUPERVISOR)

        response = staff.post(REVEAL, {"borrower": "b-1", "field": field, "reason": REASON})

        assert response.status_code == 200
        assert shown in response.content.decode()
        event = reveal_events().get()
        assert event.payload == {"field": field, "reason": REASON}
        assert event.object_id == str(borrower.pk)
        assert event.actor.startswith("user:")
        assert shown not in str(event.payload)

    def test_a_collector_is_forbidden_and_nothing_is_shown_or_recorded(self, client, borrower):
        staff = signed_in(client, Role.COLLECTOR)

        response = staff.post(REVEAL, {"borrower": "b-1", "field": "name", "reason": REASON})

        assert response.status_code == 403
        assert "李华" not in response.content.decode()
        assert not reveal_events().exists()

    @pytest.mark.parametrize("reason", ["", "   ", "because"])
    def test_a_reason_is_required_and_nothing_is_shown_or_recorded(self, client, borrower, reason):
        staff = signed_in(client, Role.COMPLIANCE)

        response = staff.post(REVEAL, {"borrower": "b-1", "field": "name", "reason": reason})

        assert response.status_code == 400
        assert "李华" not in response.content.decode()
        assert not reveal_events().exists()

    def test_an_unknown_field_is_refused_and_nothing_is_recorded(self, client, borrower):
        staff = signed_in(client, Role.ADMIN)

        response = staff.post(REVEAL, {"borrower": "b-1", "field": "password", "reason": REASON})

        assert response.status_code == 400
        assert not reveal_events().exists()

    def test_an_unknown_borrower_is_not_found(self, client, borrower):
        staff = signed_in(client, Role.ADMIN)

        response = staff.post(REVEAL, {"borrower": "nobody", "field": "name", "reason": REASON})

        assert response.status_code == 404
        assert not reveal_events().exists()

    def test_reading_the_page_is_not_possible_with_get(self, client, borrower):
        assert signed_in(client, Role.ADMIN).get(REVEAL).status_code == 405

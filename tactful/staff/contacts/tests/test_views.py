"""The staff contacts page. The "may I contact now?" check runs on the real clock, so the
borrower gets a zone where it is day (or night) right now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt
from tactful.contacts.services import place_hold, request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.testing.personas import make_staff, sign_in_staff
from tactful.testing.zones import move_to_daytime, move_to_night

pytestmark = pytest.mark.django_db

PAGE = "/staff/contacts/"
CHECK = "/staff/contacts/check/"


@pytest.fixture
def staff_client(client, collector):
    sign_in_staff(client, collector)
    return client


def check_body(recipient, loan, **overrides):
    return {
        "borrower": "b-1",
        "recipient": str(recipient.public_id),
        "channel": "call",
        "purpose": "collection",
        "loan": loan.external_id,
        **overrides,
    }


class TestAccess:
    @pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN])
    def test_every_staff_role_may_open_the_page(self, client, role):
        sign_in_staff(client, make_staff(f"user-{role}", role))

        assert client.get(PAGE).status_code == 200

    def test_staff_without_the_second_factor_are_sent_to_sign_in(self, client, collector):
        sign_in_staff(client, collector, verified=False)

        response = client.get(PAGE)

        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")

    def test_visitors_are_sent_to_sign_in_and_checks_are_refused(self, client, borrower):
        assert client.get(PAGE)["Location"].startswith("/staff/login/")
        assert client.post(CHECK, {"borrower": "b-1"})["Location"].startswith("/staff/login/")

    def test_staff_home_links_to_the_page(self, staff_client):
        assert PAGE in staff_client.get("/staff/").content.decode()


class TestLookup:
    def test_a_borrower_is_found_by_external_id_with_masked_numbers(
        self, staff_client, borrower, recipient
    ):
        body = staff_client.post(PAGE, {"q": "b-1"}, follow=True).content.decode()

        assert "借款人 b-1" in body
        assert "202****0123" in body
        assert "2025550123" not in body
        assert "李华" not in body

    @pytest.mark.parametrize("typed", ["+1 202-555-0123", "+12025550123"])
    def test_a_borrower_is_found_by_exact_phone_number(self, staff_client, borrower, typed):
        body = staff_client.post(PAGE, {"q": typed}, follow=True).content.decode()

        assert "借款人 b-1" in body

    def test_a_typed_number_never_lands_in_an_address(self, staff_client, borrower):
        """Addresses reach access logs and browser history; the search is posted."""
        response = staff_client.post(PAGE, {"q": "+1 202-555-0123"}, follow=True)

        addresses = [url for url, _ in response.redirect_chain]
        assert addresses == ["/staff/contacts/?borrower=b-1"]
        assert 'method="post" action="/staff/contacts/"' in response.content.decode()

    def test_a_number_in_the_address_is_not_searched(self, staff_client, borrower):
        body = staff_client.get(PAGE, {"q": "+12025550123"}).content.decode()

        assert "借款人 b-1" not in body

    def test_the_found_page_can_be_bookmarked(self, staff_client, borrower):
        assert "借款人 b-1" in staff_client.get(PAGE, {"borrower": "b-1"}).content.decode()
        missing = staff_client.get(PAGE, {"borrower": "b-404"}).content.decode()
        assert "没有借款人使用此编号或电话号码" in missing

    def test_nobody_found_says_so(self, staff_client, borrower):
        body = staff_client.post(PAGE, {"q": "+12025550199"}, follow=True).content.decode()

        assert "没有借款人使用此编号或电话号码" in body

    def test_the_history_shows_decisions_and_reasons_newest_first(
        self, staff_client, loan, recipient, collector
    ):
        request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=recipient,
                channel="call",
                purpose="collection",
                collector=collector,
            ),
            actor="t",
            now=NOW,
        )
        denied = request_permit(
            request=PermitRequest(
                loan=loan,
                recipient=recipient,
                channel="call",
                purpose="collection",
                collector=collector,
            ),
            actor="t",
            now=NIGHT,
        )

        body = staff_client.post(PAGE, {"q": "b-1"}, follow=True).content.decode()

        assert body.index("2026-03-02 23:00 Asia/Shanghai") < body.index(
            "2026-03-02 13:30 Asia/Shanghai"
        )
        assert "仅可在收件人当地时间 08:00 至 22:00 之间联系。" in body
        assert "联系时间" in body
        assert denied.verification_code in body
        assert "尚未报告" in body

    def test_active_holds_are_listed(self, staff_client, loan):
        place_hold(kind="complaint", loan=loan, source="portal", actor="t")
        place_hold(
            kind="dispute", loan=loan, source="old", actor="t",
            starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now() - timedelta(1),
        )  # fmt: skip

        body = staff_client.post(PAGE, {"q": "b-1"}, follow=True).content.decode()

        assert "投诉" in body
        assert "贷款 l-1" in body
        assert "争议" not in body


class TestMayIContactNow:
    def test_in_the_daytime_the_answer_is_yes_and_nothing_is_recorded(
        self, staff_client, borrower, loan, recipient
    ):
        move_to_daytime(borrower)
        events = AuditEvent.objects.count()

        response = staff_client.post(CHECK, check_body(recipient, loan), HTTP_HX_REQUEST="true")

        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-decision="allow"' in body
        assert "<html" not in body
        assert ContactAttempt.objects.count() == 0
        assert AuditEvent.objects.count() == events

    def test_at_night_the_answer_is_no_with_the_next_time_locally_and_in_utc(
        self, staff_client, borrower, loan, recipient
    ):
        move_to_night(borrower)

        body = staff_client.post(
            CHECK, check_body(recipient, loan), HTTP_HX_REQUEST="true"
        ).content.decode()

        assert 'data-decision="deny"' in body
        assert "联系时间" in body
        assert f"08:00 {borrower.timezone_override}" in body
        assert "UTC" in body
        assert ContactAttempt.objects.count() == 0

    def test_without_htmx_the_whole_page_comes_back_with_the_answer(
        self, staff_client, borrower, loan, recipient
    ):
        move_to_daytime(borrower)

        body = staff_client.post(CHECK, check_body(recipient, loan)).content.decode()

        assert "<html" in body
        assert 'data-decision="allow"' in body

    def test_a_hold_is_explained_without_a_next_time(self, staff_client, borrower, loan, recipient):
        move_to_daytime(borrower)
        place_hold(kind="dispute", loan=loan, source="staff", actor="t")

        body = staff_client.post(
            CHECK, check_body(recipient, loan), HTTP_HX_REQUEST="true"
        ).content.decode()

        assert "该账户处于暂停状态，暂停联系。" in body
        assert "仅凭时间推移无法解除" in body

    def test_an_uncertified_collector_is_told_so(self, client, borrower, loan, recipient):
        move_to_daytime(borrower)
        sign_in_staff(client, make_staff("li.novice", Role.COLLECTOR))

        body = client.post(
            CHECK, check_body(recipient, loan), HTTP_HX_REQUEST="true"
        ).content.decode()

        assert "催收员未获认证。" in body

    def test_a_tampered_form_shows_errors_and_records_nothing(
        self, staff_client, borrower, loan, recipient
    ):
        body = staff_client.post(
            CHECK, check_body(recipient, loan, channel="pigeon"), HTTP_HX_REQUEST="true"
        ).content.decode()

        assert 'role="alert"' in body
        assert ContactAttempt.objects.count() == 0

    def test_an_unknown_borrower_is_not_found(self, staff_client):
        assert staff_client.post(CHECK, {"borrower": "nobody"}).status_code == 404

    def test_the_page_answers_in_english_too(self, staff_client, borrower, loan, recipient):
        move_to_night(borrower)
        staff_client.cookies["django_language"] = "en"

        body = staff_client.post(
            CHECK, check_body(recipient, loan), HTTP_HX_REQUEST="true"
        ).content.decode()

        assert "Contact is allowed only from 08:00 to 22:00" in body
        assert "Next allowed at" in body

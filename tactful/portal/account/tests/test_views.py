import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tactful.loans.selectors import borrower_today, loan_status
from tactful.one_time_codes.models import OneTimeCode
from tactful.one_time_codes.tests.people import make_borrower
from tactful.portal.middleware import SESSION_KEY
from tactful.testing import personas
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    make_overdue_loan,
    pay_and_reverse,
    sign_in_borrower,
)
from tactful.testing.zones import move_to_night

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def ask_for_code(client, phone=FIRST_PHONE, region="US"):
    return client.post("/portal/sign-in/", {"phone_region": region, "phone": phone})


def code_from(sms_outbox) -> str:
    match = re.search(r"\b(\d{6})\b", sms_outbox.sent[-1].body)
    assert match
    return match.group(1)


def loan_url(loan) -> str:
    return reverse("portal:loan", args=[loan.reference])


class TestSignIn:
    def test_the_sign_in_page_asks_for_a_number_with_a_labelled_region(self, client):
        response = client.get("/portal/sign-in/")

        body = response.content.decode()
        assert response.status_code == 200
        assert '<label for="id_phone">' in body
        assert '<label for="id_phone_region">' in body
        assert '<option value="CN" selected>' in body

    def test_a_registered_number_gets_a_code_and_the_code_page(self, client, sms_outbox, commit):
        make_borrower(external_id="b-1", phone=FIRST_PHONE)

        with commit():
            response = ask_for_code(client)

        assert response.status_code == 200
        assert "portal/account/sign_in_code.html" in [t.name for t in response.templates]
        assert "如果此号码已在我们这里登记" in response.content.decode()
        assert len(sms_outbox.sent) == 1

    def test_an_unknown_number_gets_exactly_the_same_page_and_no_text(
        self, client, sms_outbox, commit
    ):
        make_borrower(external_id="b-1", phone=FIRST_PHONE)
        with commit():
            registered = ask_for_code(client, FIRST_PHONE).content.decode()
        with commit():
            unknown = ask_for_code(client, SECOND_PHONE).content.decode()

        assert len(sms_outbox.sent) == 1

        def comparable(page: str, phone: str) -> str:
            page = page.replace(phone, "PHONE")
            page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
            return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)

        assert comparable(registered, FIRST_PHONE) == comparable(unknown, SECOND_PHONE)

    def test_at_night_a_borrower_gets_their_code_and_the_same_page_as_an_unknown_number(
        self, client, sms_outbox, commit
    ):
        move_to_night(personas.make_borrower(external_id="b-1", phone=FIRST_PHONE))
        with commit():
            registered = ask_for_code(client, FIRST_PHONE).content.decode()
        with commit():
            unknown = ask_for_code(client, SECOND_PHONE).content.decode()

        assert [message.to for message in sms_outbox.sent] == [FIRST_PHONE]

        def comparable(page: str, phone: str) -> str:
            page = page.replace(phone, "PHONE")
            page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
            return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)

        assert comparable(registered, FIRST_PHONE) == comparable(unknown, SECOND_PHONE)
        # The code page names no quiet hours: codes a person asks for come at any hour.
        assert "验证码仅在您当地时间" not in registered

    def test_a_malformed_number_is_a_form_error_and_nothing_is_stored(self, client, sms_outbox):
        response = ask_for_code(client, phone="12345")

        assert response.status_code == 200
        assert "这看起来不像手机号码" in response.content.decode()
        assert OneTimeCode.objects.count() == 0
        assert sms_outbox.sent == []

    def test_too_many_codes_are_refused_with_a_calm_message(self, client, sms_outbox, commit):
        make_borrower(external_id="b-1", phone=FIRST_PHONE)
        for _ in range(5):
            ask_for_code(client)

        with commit():
            response = ask_for_code(client)

        assert response.status_code == 429
        assert "请使用您收到的最新验证码" in response.content.decode()
        assert sms_outbox.sent == []

    def test_the_right_code_starts_a_new_session_for_the_borrower(self, client, sms_outbox, commit):
        borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
        with commit():
            ask_for_code(client)
        session_before = client.session.session_key

        response = client.post(
            "/portal/sign-in/code/", {"phone": FIRST_PHONE, "code": code_from(sms_outbox)}
        )

        assert response["Location"] == "/portal/"
        assert client.session[SESSION_KEY] == borrower.pk
        assert client.session.session_key != session_before

    def test_a_wrong_code_says_so_and_does_not_sign_in(self, client, sms_outbox, commit):
        make_borrower(external_id="b-1", phone=FIRST_PHONE)
        with commit():
            ask_for_code(client)
        wrong = f"{(int(code_from(sms_outbox)) + 1) % 1_000_000:06d}"

        response = client.post("/portal/sign-in/code/", {"phone": FIRST_PHONE, "code": wrong})

        assert response.status_code == 200
        assert "验证码不正确" in response.content.decode()
        assert SESSION_KEY not in client.session

    def test_a_tampered_number_sends_the_visitor_back_to_the_start(self, client):
        response = client.post("/portal/sign-in/code/", {"phone": "nonsense", "code": "123456"})

        assert response["Location"] == "/portal/sign-in/"

    def test_the_code_page_cannot_be_opened_directly(self, client):
        assert client.get("/portal/sign-in/code/")["Location"] == "/portal/sign-in/"

    def test_no_phone_number_or_code_reaches_the_logs(self, client, sms_outbox, commit, caplog):
        caplog.set_level(logging.DEBUG)
        make_borrower(external_id="b-1", phone=FIRST_PHONE)
        with commit():
            ask_for_code(client)
            ask_for_code(client, SECOND_PHONE)
            ask_for_code(client, "12345")
        code = code_from(sms_outbox)
        client.post("/portal/sign-in/code/", {"phone": FIRST_PHONE, "code": "000000"})
        client.post("/portal/sign-in/code/", {"phone": FIRST_PHONE, "code": code})

        logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
        for secret in (code, "2025550123", "2025550145", "202 555"):
            assert secret not in logged

    def test_signing_out_ends_the_borrowers_session(self, client):
        sign_in_borrower(client, make_borrower(external_id="b-1", phone=FIRST_PHONE))

        assert client.get("/portal/sign-out/").status_code == 405
        response = client.post("/portal/sign-out/")

        assert response["Location"] == "/"
        assert SESSION_KEY not in client.session
        assert client.get("/portal/")["Location"] == "/portal/sign-in/"

    def test_the_navigation_reaches_every_page_a_borrower_has(self, client):
        sign_in_borrower(client, make_borrower(external_id="b-1", phone=FIRST_PHONE))

        page = client.get("/portal/").content.decode()

        for url in (
            "/portal/",
            "/portal/privacy/",
            "/portal/privacy/ledger/",
            "/portal/privacy/rights/",
        ):
            assert f'href="{url}"' in page

    def test_a_signed_in_borrower_skips_the_sign_in_page(self, client):
        sign_in_borrower(client, make_borrower(external_id="b-1", phone=FIRST_PHONE))

        assert client.get("/portal/sign-in/")["Location"] == "/portal/"


class TestLoans:
    @pytest.fixture
    def borrower(self):
        return make_borrower(external_id="b-1", phone=FIRST_PHONE)

    @pytest.fixture
    def other_loan(self):
        other = make_borrower(external_id="b-2", phone=SECOND_PHONE, name="王芳")
        return make_overdue_loan(
            other, external_id="l-other", product="装修贷款", principal="77777.00"
        )

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, borrower):
        loan = make_overdue_loan(borrower, external_id="l-1")

        assert client.get("/portal/")["Location"] == "/portal/sign-in/"
        assert client.get(loan_url(loan))["Location"] == "/portal/sign-in/"

    def test_the_borrower_sees_their_loans_with_status_in_kind_words(
        self, client, borrower, other_loan
    ):
        loan = make_overdue_loan(borrower, external_id="l-1")
        status = loan_status(loan, as_of=borrower_today(borrower, now=timezone.now()))
        sign_in_borrower(client, borrower)

        response = client.get("/portal/")

        body = response.content.decode()
        assert response.status_code == 200
        assert "消费分期" in body
        assert f"有一笔还款已逾期 {status.days_past_due} 天" in body
        assert f"¥{status.outstanding:,.2f}" in body
        assert status.bucket in body
        assert "装修贷款" not in body
        assert loan_url(other_loan) not in body

    def test_a_loan_in_good_standing_says_so(self, client, borrower):
        make_overdue_loan(borrower, external_id="l-1", days_ago=3)
        sign_in_borrower(client, borrower)

        assert "按时还款中" in client.get("/portal/").content.decode()

    def test_the_loan_page_shows_the_schedule_and_the_payments(self, client, borrower):
        loan = make_overdue_loan(borrower, external_id="l-1")
        paid_on = loan.disbursed_on + timezone.timedelta(days=40)
        pay_and_reverse(loan, amount="500.00", on=paid_on)
        sign_in_borrower(client, borrower)

        response = client.get(loan_url(loan))

        body = response.content.decode()
        assert response.status_code == 200
        for installment in loan.installments.all():
            assert installment.due_date.isoformat() in body
        assert body.count('data-label="应还日期"') == 12
        assert "已收到还款" in body
        assert "已被之后的更正取消" in body
        assert f"取消 {paid_on.isoformat()} 的记录" in body
        assert "¥500.00" in body

    def test_another_borrowers_loan_is_not_found_and_not_shown(self, client, borrower, other_loan):
        sign_in_borrower(client, borrower)

        response = client.get(loan_url(other_loan))

        body = response.content.decode()
        assert response.status_code == 404
        assert "装修贷款" not in body
        assert "77,777" not in body
        assert "王芳" not in body
        assert str(other_loan.reference) not in body.replace(loan_url(other_loan), "")

    def test_an_unknown_loan_is_not_found(self, client, borrower):
        sign_in_borrower(client, borrower)

        response = client.get("/portal/loans/00000000-0000-0000-0000-000000000000/")

        assert response.status_code == 404

    def test_pages_are_built_for_phones(self, client, borrower):
        loan = make_overdue_loan(borrower, external_id="l-1")
        sign_in_borrower(client, borrower)

        body = client.get(loan_url(loan)).content.decode()

        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
        assert 'class="stacked"' in body

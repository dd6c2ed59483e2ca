"""`POST /verifications`: the public page's answer for the lender's app, limited per API key.

Verification codes come from permits decided at an explicit daytime `NOW` (`NIGHT` for a
denied one), so no test depends on the hour it runs at.
"""

import logging

import pytest
from django.test import Client

from tactful.api.keys import SCOPES
from tactful.consent import services
from tactful.consent.models import VerificationLookup
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.testing.api import API, ApiClient, issue_test_key
from tactful.testing.personas import FIRST_PHONE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

OURS = "+8613123456789"
CONTACT = "+8613100001234"
NOT_A_CODE = {
    "checked": "code",
    "genuine": False,
    "sent_at": None,
    "channel": None,
    "basis": None,
    "basis_text": None,
}


@pytest.fixture(autouse=True)
def _lender_numbers(settings):
    settings.LENDER_CALLER_NUMBERS = frozenset({OURS})


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient(issue_test_key("verifications:read"))


def reminder(loan, recipient, *, now=NOW):
    return request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="sms",
            purpose="reminder",
            automated=True,
            content="请按时还款。",
        ),
        actor="t",
        now=now,
    )


def check(client: ApiClient, body, language: str = "en"):
    """POST a look-up as the lender's app would, reading the answer in `language`."""
    return client.client.post(
        f"{API}/verifications",
        body,
        content_type="application/json",
        headers={**client._headers(), "Accept-Language": language},
    )


class TestCodes:
    def test_a_genuine_code_says_when_how_and_on_what_basis_and_nothing_of_the_debt(
        self, api, loan, recipient
    ):
        permit = reminder(loan, recipient)
        code = permit.verification_code
        written = f"{code[:4].lower()} {code[4:].lower()}"

        response = check(api, {"code": written})

        assert response.status_code == 200
        body = response.json()
        assert (body["checked"], body["genuine"], body["channel"], body["basis"]) == (
            "code",
            True,
            "sms",
            "own_account",
        )
        assert body["sent_at"].startswith("2026-03-02T05:30:00")
        assert body["basis_text"].startswith("A message to the holder of this number")
        answer = response.content.decode()
        for secret in (loan.external_id, str(loan.principal), "还款", FIRST_PHONE, "debtor"):
            assert secret not in answer

    def test_the_basis_is_given_in_the_reader_s_language(self, api, loan, recipient):
        permit = reminder(loan, recipient)
        body = check(api, {"code": permit.verification_code}, language="zh-hans").json()
        assert body["basis_text"].startswith("发给此号码机主")

    def test_a_message_to_an_emergency_contact_says_so_and_nothing_more(self, api, borrower):
        services.designate_emergency_contact(
            borrower=borrower,
            phone=CONTACT,
            relationship="sibling",
            language="zh-hans",
            actor="test",
            now=NOW,
        )
        invitation = ContactAttempt.objects.get(recipient__role="emergency_contact")

        body = check(api, {"code": invitation.verification_code}).json()

        assert (body["genuine"], body["basis"]) == (True, "emergency_contact")
        assert "never discloses" in body["basis_text"]

    def test_an_unknown_code_and_a_denied_permit_s_code_answer_alike(self, api, loan, recipient):
        denied = reminder(loan, recipient, now=NIGHT)
        assert denied.decision == "deny"

        answers = [check(api, {"code": code}) for code in ("ABCDEFGH", denied.verification_code)]

        assert [answer.status_code for answer in answers] == [200, 200]
        assert [answer.json() for answer in answers] == [NOT_A_CODE, NOT_A_CODE]

    @pytest.mark.parametrize("code", ["0O1I", "ABCDEFGHJ", "ABCD-EFG!"])
    def test_a_malformed_code_is_422_before_any_look_up(self, api, code):
        response = check(api, {"code": code})

        assert response.status_code == 422
        assert response.json()["code"] == "invalid_code"
        assert VerificationLookup.objects.count() == 0


class TestLimitsPerKey:
    def test_guessing_locks_out_the_key_and_nobody_else(self, api, loan, recipient, client):
        permit = reminder(loan, recipient)
        for guess in ["ABCDEFGH", "BCDEFGHJ", "CDEFGHJK", "DEFGHJKM", "EFGHJKMN"]:
            check(api, {"code": guess})

        locked = check(api, {"code": permit.verification_code})
        other_key = check(ApiClient(issue_test_key("verifications:read")), {"code": "ABCDEFGH"})
        page = Client().post("/verify/", {"code": permit.verification_code})

        assert locked.status_code == 429
        assert locked.json()["code"] == "locked_out"
        assert "genuine" not in locked.content.decode()
        assert other_key.status_code == 200
        assert page.status_code == 200

    def test_look_ups_are_limited_per_key(self, api, loan, recipient, settings):
        settings.VERIFY_PAGE_LOOKUPS_PER_HOUR = 2
        permit = reminder(loan, recipient)
        for _ in range(2):
            assert check(api, {"code": permit.verification_code}).status_code == 200

        response = check(api, {"number": OURS})

        assert response.status_code == 429
        assert response.json()["code"] == "too_many_lookups"


class TestNumbers:
    @pytest.mark.parametrize("number", [OURS, "131 2345 6789", "13123456789"])
    def test_one_of_the_lender_s_numbers_is_confirmed(self, api, number):
        response = check(api, {"number": number})

        assert response.status_code == 200
        assert response.json() == {**NOT_A_CODE, "checked": "number", "genuine": True}
        assert VerificationLookup.objects.count() == 1

    def test_any_other_number_is_not_ours_and_says_nothing_of_who_holds_it(self, api, borrower):
        response = check(api, {"number": FIRST_PHONE})

        assert response.json() == {**NOT_A_CODE, "checked": "number", "genuine": False}

    def test_a_region_reads_a_number_without_its_country_code(self, api):
        response = check(api, {"number": "(202) 555-0123", "region": "us"})
        assert (response.status_code, response.json()["genuine"]) == (200, False)

    def test_a_malformed_number_is_422_never_repeated_and_not_counted(self, api):
        response = check(api, {"number": "0000 not a number"})

        assert response.status_code == 422
        assert response.json()["code"] == "invalid_phone"
        assert "0000" not in response.content.decode()
        assert VerificationLookup.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"code": "ABCDEFGH", "number": OURS}, "body"),
        ({"code": "ABCDEFGH", "region": "cn"}, "region"),
        ({"code": ""}, "code"),
        ({"code": "A" * 21}, "code"),
        ({"number": "1" * 33}, "number"),
        ({"number": OURS, "region": "china"}, "region"),
        ({"code": "ABCDEFGH", "borrower": "b-1"}, "borrower"),
    ],
)
def test_a_bad_question_is_422_and_counts_nothing(api, body, field):
    response = check(api, body)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert field in response.json()["fields"]
    assert VerificationLookup.objects.count() == 0


def test_no_key_is_401_and_a_key_with_every_other_scope_is_403(db):
    others = [scope for scope in SCOPES if scope != "verifications:read"]
    answers = [
        check(client, {"code": "ABCDEFGH"})
        for client in (ApiClient(None), ApiClient(issue_test_key(*others)))
    ]

    assert [answer.status_code for answer in answers] == [401, 403]
    assert [answer.json()["code"] for answer in answers] == ["unauthenticated", "forbidden_scope"]
    assert "verifications:read" in answers[1].json()["message"]
    assert VerificationLookup.objects.count() == 0


def test_no_number_or_code_reaches_the_logs(api, loan, recipient, caplog):
    for logger in ("", "django", "tactful"):
        caplog.set_level(logging.DEBUG, logger=logger)
    permit = reminder(loan, recipient)

    check(api, {"code": permit.verification_code})
    check(api, {"number": CONTACT})
    check(api, {"number": "+8613100009999 x"})

    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    for secret in (permit.verification_code, CONTACT, CONTACT[3:], "13100009999"):
        assert secret not in logged

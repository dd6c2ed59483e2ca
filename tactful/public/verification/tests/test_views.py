"""The public page "Is this message really from us?": no login, rate-limited, reveals no debt."""

from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from tactful.consent.models import VerificationLookup
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import OptOut
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(loan, recipient):
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
        now=NOW,
    )


def test_a_genuine_code_says_when_and_on_what_basis_but_nothing_about_the_debt(
    client, permit, loan
):
    response = client.post(
        "/verify/", {"code": permit.verification_code.lower()}, HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Yes, this message is genuine." in page
    for secret in (loan.external_id, str(loan.principal), "还款", "+12025550123", "6789"):
        assert secret not in page
    # The time as the recipient reads it, with its zone named; never bare UTC.
    zone = permit.recipient.time_zone
    local = NOW.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    assert f"{local} ({zone})" in page
    assert " UTC" not in page


def test_an_unknown_code_is_not_ours_and_a_denied_permit_is_not_a_message(client, loan, recipient):
    denied = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="sms",
            purpose="reminder",
            automated=True,
            content="x",
        ),
        actor="t",
        now=NIGHT,
    )
    # ABCD1234 has the shape of a code but a digit no code uses: not ours, said plainly.
    for code in ("ABCDEFGH", "ABCD1234", "abcd-1234", denied.verification_code):
        response = client.post("/verify/", {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
        assert "No message from us carries this code" in response.content.decode()


def test_a_malformed_code_is_refused_without_a_lookup(client, db):
    response = client.post("/verify/", {"code": "0O1I"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "8 letters and digits" in response.content.decode()
    response = client.post("/verify/", {"code": "ABCD123！"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "8 letters and digits" in response.content.decode()
    assert VerificationLookup.objects.count() == 0


def test_guessing_locks_the_client_out(client, permit):
    for guess in ["ABCDEFGH", "BCDEFGHJ", "CDEFGHJK", "DEFGHJKM", "EFGHJKMN"]:
        client.post("/verify/", {"code": guess})
    response = client.post("/verify/", {"code": permit.verification_code})
    assert response.status_code == 429
    assert "genuine" not in response.content.decode()


@override_settings(VERIFY_PAGE_LOOKUPS_PER_HOUR=2)
def test_lookups_are_rate_limited_per_client(client, permit):
    for _ in range(2):
        assert client.post("/verify/", {"code": permit.verification_code}).status_code == 200
    assert client.post("/verify/", {"code": permit.verification_code}).status_code == 429


def test_stop_from_the_page_opts_the_recipient_out(client, permit, recipient):
    response = client.post("/verify/stop/", {"code": permit.verification_code})
    assert response.status_code == 200
    assert OptOut.objects.filter(recipient=recipient, source="verification_page").exists()


def test_stop_with_an_unknown_code_stores_nothing(client, db):
    client.post("/verify/stop/", {"code": "ABCDEFGH"})
    assert OptOut.objects.count() == 0

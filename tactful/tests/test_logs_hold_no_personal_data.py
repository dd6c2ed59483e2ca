"""What the processes log holds no personal data: no phone number, ID number or name.

Whoever reads the logs (an operator, a log service, an attacker with the log files) is not
among those who may see a borrower's data (docs/security.md). The journeys below carry
every kind of it in: a borrower signs in with their number, an integrator registers a
borrower (name, ID number, numbers) and asks for a permit, complaints name people and quote
numbers, and some requests are refused. Every line is captured as production writes it
(LOG_FORMAT=json, at DEBUG) and searched for each of them, in every form it is written.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import phonenumbers
import pytest
from django.test import Client
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.contacts.services import certify_collector
from tactful.privacy.masking import mask_phone
from tactful.testing.api import ApiClient, create_loan, issue_test_key
from tactful.testing.logs import json_logs
from tactful.testing.personas import VALID_CN_ID, make_borrower, make_staff
from tactful.testing.zones import move_to_daytime

pytestmark = pytest.mark.django_db

SIGN_IN_PHONE = "+8613123456789"
API_PHONE = "+12025550145"
COMPLAINANT_PHONE = "+12025550167"
NAMES = ("李华", "王小明", "张伟", "Zhang Wei")
E164 = re.compile(r"\+\d{7,15}")


def written_forms(e164: str) -> list[str]:
    """Every way a number may be written: E.164, with and without +, national, masked."""
    number = phonenumbers.parse(e164)
    national = phonenumbers.national_significant_number(number)
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    spaced = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return [e164, e164[1:], national, formatted, spaced, mask_phone(e164)]


def forbidden() -> list[str]:
    phones = [form for e164 in (SIGN_IN_PHONE, API_PHONE, COMPLAINANT_PHONE)
              for form in written_forms(e164)]  # fmt: skip
    ids = [VALID_CN_ID, VALID_CN_ID.lower(), VALID_CN_ID[6:14]]  # the number, the birth date
    return [*phones, *ids, *NAMES]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def borrower(db):
    borrower = make_borrower(external_id="b-log", phone=SIGN_IN_PHONE, name="李华")
    return move_to_daytime(borrower)


@pytest.fixture
def collector(db):
    user = make_staff("log.collector", Role.COLLECTOR)
    certify_collector(
        collector=user,
        certificate_number="CBA-2026-0042",
        valid_from=timezone.now() - timedelta(days=30),
        valid_until=timezone.now() + timedelta(days=365),
        actor="test",
    )
    return user


def sign_in_on_the_portal(commit, sms_outbox) -> None:
    client = Client()
    with commit():
        asked = client.post("/portal/sign-in/", {"phone_region": "CN", "phone": "131 2345 6789"})
    assert asked.status_code == 200
    code = re.search(r"\b(\d{6})\b", sms_outbox.sent[-1].body)
    assert code is not None
    wrong = client.post("/portal/sign-in/code/", {"phone": SIGN_IN_PHONE, "code": "000000"})
    assert wrong.status_code == 200
    signed_in = client.post("/portal/sign-in/code/", {"phone": SIGN_IN_PHONE, "code": code[1]})
    assert signed_in.status_code == 302
    assert client.get("/portal/").status_code == 200
    # An unknown number gets the same page, and no text.
    with commit():
        unknown = Client().post(
            "/portal/sign-in/", {"phone_region": "US", "phone": "(202) 555-0167"}
        )
    assert unknown.status_code == 200


def register_and_ask_for_a_permit(api: ApiClient, borrower, collector) -> None:
    registered = api.put(
        "/borrowers/b-log-2",
        {"name": "王小明", "id_country": "cn", "national_id": VALID_CN_ID, "phones": [API_PHONE]},
    )
    assert registered.status_code in (200, 201), registered.content
    refused = api.put(
        "/borrowers/b-log-3",
        {"name": "王小明", "id_country": "cn", "national_id": "110105194912310021",
         "phones": ["+86 131 2345"]},
    )  # fmt: skip
    assert refused.status_code in (400, 422)
    loan = create_loan("l-log", borrower)
    [recipient] = api.get(f"/borrowers/{borrower.external_id}/recipients").json()["recipients"]
    body = {
        "loan_external_id": loan.external_id,
        "recipient_id": recipient["recipient_id"],
        "channel": "sms",
        "purpose": "collection",
        "collector": collector.username,
    }
    assert api.post("/permits", body).status_code == 201


def complain(api: ApiClient, commit) -> None:
    description = "催收员给我的同事张伟 (Zhang Wei) 打电话，还报了我的号码 131 2345 6789。"
    filed = api.post(
        "/complaints",
        {"category": "contacted_others", "description": description,
         "complainant": "borrower", "borrower_external_id": "b-log"},
    )  # fmt: skip
    assert filed.status_code == 201, filed.content
    client = Client()
    with commit():
        client.post("/complaints/new/", {"send_code": "1", "phone": COMPLAINANT_PHONE})
    public = client.post(
        "/complaints/new/",
        {"category": "harassment", "description": description, "phone": COMPLAINANT_PHONE,
         "identity_code": "123456"},
    )  # fmt: skip
    assert public.status_code == 200  # the code was wrong: nothing filed, the form again
    anonymous = client.post(
        "/complaints/new/", {"category": "harassment", "description": description}
    )
    assert anonymous.status_code == 302


def test_no_line_holds_a_phone_number_an_id_number_or_a_name(
    borrower, collector, sms_outbox, commit
):
    token = issue_test_key()
    api = ApiClient(token)

    with json_logs() as logs:
        sign_in_on_the_portal(commit, sms_outbox)
        register_and_ask_for_a_permit(api, borrower, collector)
        complain(api, commit)

    lines = logs.lines()
    requests = [line for line in lines if line["logger"] == "tactful.request"]
    assert len(requests) >= 12, "the journeys were logged"
    assert {line["request_id"] for line in requests} == {
        line["request_id"] for line in requests if line["request_id"]
    }
    assert leaks(logs.text(), token) == []


def test_the_search_finds_what_a_careless_line_would_leak():
    with json_logs() as logs:
        logging.getLogger("tactful.careless").info("texted %s", mask_phone(SIGN_IN_PHONE))
        logging.getLogger("tactful.careless").warning("no borrower %s", "王小明")

    assert leaks(logs.text()) == ["131****6789", "王小明"]


def leaks(text: str, *secrets: str) -> list[str]:
    found = [value for value in [*forbidden(), *secrets] if value in text]
    return found + E164.findall(text)

"""A borrower's postal address: encrypted at rest, masked for staff and integrators, and
covered by the data-subject rights, the purge and key rotation like the name."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.borrowers.models import Borrower
from tactful.borrowers.services import BorrowerDetails, upsert_borrower
from tactful.privacy.crypto import decrypt, key_id_of
from tactful.privacy.keys import Keyring
from tactful.privacy.masking import mask_address
from tactful.rights import services as rights
from tactful.rights.models import RightsRequest
from tactful.testing.api import ApiClient, borrower_body, issue_test_key
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    VALID_CN_ID,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)

pytestmark = pytest.mark.django_db

ADDRESS = "北京市朝阳区示例路1号3单元"
STREET = "示例路1号"
REASON = "The borrower asked us to confirm where letters go"


def with_address(
    address: str = ADDRESS, external_id: str = "b-1", phone: str = FIRST_PHONE
) -> Borrower:
    details = BorrowerDetails(
        external_id=external_id,
        name="李华",
        id_country="cn",
        national_id=VALID_CN_ID,
        phones=[phone],
        timezone_override="Asia/Shanghai",
        address=address,
    )
    return upsert_borrower(details=details, actor="test")[0]


def raw_addresses() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM borrowers_borrower")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        (ADDRESS, "北京市****"),
        ("广东省深圳市南山区示例大道8号", "广东省****"),
        ("新疆维吾尔自治区乌鲁木齐市示例街2号", "新疆维吾尔自治区****"),
        ("12 Example Street, Springfield, IL 62701", "****, IL"),
        ("Flat 2, 10 Example Road, London SW1A 2AA", "****, London"),
        ("示例路1号", "****"),
        ("", ""),
    ],
)
def test_only_the_region_of_an_address_is_shown(address, masked):
    assert mask_address(address) == masked


def test_the_address_column_holds_ciphertext_only():
    with_address()

    [stored] = raw_addresses()
    assert stored.startswith("pii1:")
    assert STREET not in stored
    assert Borrower.objects.get().address == ADDRESS


def test_an_empty_address_is_encrypted_too_so_the_column_tells_nothing():
    with_address(address="")

    [stored] = raw_addresses()
    assert stored.startswith("pii1:")
    assert decrypt(stored) == ""


class TestApi:
    def test_the_address_is_stored_and_sent_back_masked(self):
        api = ApiClient(issue_test_key("borrowers:write"))

        response = api.put("/borrowers/b-1", borrower_body(address=ADDRESS))

        assert response.status_code == 201
        assert response.json()["address_masked"] == "北京市****"
        assert STREET not in response.content.decode()
        assert Borrower.objects.get().address == ADDRESS

    def test_a_put_without_the_address_removes_it(self):
        api = ApiClient(issue_test_key("borrowers:write"))
        api.put("/borrowers/b-1", borrower_body(address=ADDRESS))

        response = api.put("/borrowers/b-1", borrower_body())

        assert response.status_code == 200
        assert response.json()["address_masked"] is None
        assert Borrower.objects.get().address == ""
        event = AuditEvent.objects.filter(action="borrower.updated").get()
        assert event.payload == {"changed": ["address"]}

    def test_a_too_long_address_is_refused_without_repeating_it(self):
        api = ApiClient(issue_test_key("borrowers:write"))
        too_long = "北京市" + "示" * 200

        response = api.put("/borrowers/b-1", borrower_body(address=too_long))

        assert response.status_code == 422
        assert "address" in json.dumps(response.json()["fields"])
        assert "示示示" not in response.content.decode()
        assert not Borrower.objects.exists()

    def test_the_address_reaches_no_log(self, caplog):
        for logger in ("", "django", "django.db.backends", "tactful"):
            caplog.set_level(logging.DEBUG, logger=logger)
        api = ApiClient(issue_test_key("borrowers:write"))
        with CaptureQueriesContext(connection):
            api.put("/borrowers/b-1", borrower_body(address=ADDRESS))
            api.put("/borrowers/b-1", borrower_body(address="上海市示例区示例路9号"))

        logged = "\n".join(
            f"{record.name} {record.getMessage()} {getattr(record, 'params', '')}"
            for record in caplog.records
        )
        assert "django.db.backends" in logged
        for fragment in (ADDRESS, STREET, "示例路9号"):
            assert fragment not in logged


class TestStaffPage:
    PAGE = "/staff/contacts/"
    REVEAL = "/staff/contacts/reveal/"

    @pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR])
    def test_staff_see_the_address_masked(self, client, role):
        with_address()
        sign_in_staff(client, make_staff(f"someone.{role}", role))

        body = client.post(self.PAGE, {"q": "b-1"}, follow=True).content.decode()

        assert "北京市****" in body
        assert STREET not in body

    def test_a_supervisor_reveals_it_and_the_audit_keeps_only_the_reason(self, client):
        with_address()
        sign_in_staff(client, make_staff("someone.supervisor", Role.SUPERVISOR))

        response = client.post(
            self.REVEAL, {"borrower": "b-1", "field": "address", "reason": REASON}
        )

        assert response.status_code == 200
        assert ADDRESS in response.content.decode()
        event = AuditEvent.objects.get(action="pii.revealed")
        assert event.payload == {"field": "address", "reason": REASON}

    def test_a_collector_cannot_reveal_it(self, client):
        with_address()
        sign_in_staff(client, make_staff("someone.collector", Role.COLLECTOR))

        response = client.post(
            self.REVEAL, {"borrower": "b-1", "field": "address", "reason": REASON}
        )

        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="pii.revealed").exists()


class TestRights:
    def test_the_borrower_sees_and_exports_their_address(self, client):
        borrower = with_address()
        sign_in_borrower(client, borrower)

        page = client.get("/portal/privacy/rights/").content.decode()
        exported = client.get("/portal/privacy/rights/my-data.json").json()

        assert ADDRESS in page
        assert exported["borrower"]["address"] == ADDRESS

    def test_another_borrowers_address_is_not_shown(self, client):
        borrower = with_address(address="")
        with_address(address="上海市示例区示例路9号", external_id="b-2", phone=SECOND_PHONE)
        sign_in_borrower(client, borrower)

        assert "示例路" not in client.get("/portal/privacy/rights/").content.decode()

    def test_a_correction_of_the_address_is_accepted(self, client):
        borrower = with_address()
        sign_in_borrower(client, borrower)

        response = client.post(
            "/portal/privacy/rights/correction/",
            {"field": "address", "value": "上海市示例区示例路9号", "note": ""},
        )

        assert response.status_code == 302
        request = RightsRequest.objects.get()
        assert (request.kind, request.field) == ("correction", "address")
        assert "示例路9号" not in request.value_encrypted
        assert decrypt(request.value_encrypted) == "上海市示例区示例路9号"

    def test_the_purge_blanks_the_address(self):
        borrower = with_address()
        long_ago = timezone.now() - timedelta(days=10 * 366)
        Borrower.objects.filter(pk=borrower.pk).update(created_at=long_ago)
        rights.request_erasure(borrower=borrower, now=long_ago)

        assert rights.purge_expired_records() == 1

        assert Borrower.objects.get(pk=borrower.pk).address == ""
        [stored] = raw_addresses()
        assert STREET not in stored


def test_key_rotation_re_encrypts_the_address():
    old = Keyring(current="k1", keys={"k1": b"1" * 32}, index_key=b"i" * 32)
    new = Keyring(current="k2", keys={"k2": b"2" * 32, "k1": b"1" * 32}, index_key=b"i" * 32)
    new_only = Keyring(current="k2", keys={"k2": b"2" * 32}, index_key=b"i" * 32)
    with override_settings(PII_KEYRING=old):
        with_address()
    assert [key_id_of(value) for value in raw_addresses()] == ["k1"]

    with override_settings(PII_KEYRING=new):
        call_command("rotate_pii_keys", stdout=StringIO())
    assert [key_id_of(value) for value in raw_addresses()] == ["k2"]

    with override_settings(PII_KEYRING=new_only):
        assert Borrower.objects.get().address == ADDRESS

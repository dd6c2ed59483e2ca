"""A third party downloads what is held about their number, and asks for a correction."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from tactful.accounts.roles import Role
from tactful.audit.documents import check_signature
from tactful.consent import services as consent
from tactful.rights.models import RightsKind, RightsRequest
from tactful.rights.tests.test_third_parties import CONTACT, code_in
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db


def proven_client(borrower, sms_outbox) -> Client:
    consent.designate_emergency_contact(
        borrower=borrower,
        phone=CONTACT,
        relationship="sibling",
        language="en",
        actor="t",
        name="李娜",
    )
    client = Client()
    client.post("/verify/rights/", {"phone": CONTACT, "phone_region": "CN"})
    client.post("/verify/rights/code/", {"code": code_in(sms_outbox)})
    return client


def test_the_download_holds_their_data_signed_and_nothing_of_the_borrower(
    borrower, loan, sms_outbox
):
    client = proven_client(borrower, sms_outbox)
    response = client.get("/verify/rights/mine/export.json")
    assert response["Content-Disposition"] == 'attachment; filename="my-number.json"'
    document = json.loads(response.content)
    assert document["named_as_emergency_contact"][0]["name_given"] == "李娜"
    assert check_signature(document, settings.AUDIT_KEYS.trusted_public_keys).verifies
    text = response.content.decode()
    for secret in (borrower.name, borrower.external_id, loan.external_id, str(loan.principal)):
        assert secret not in text
    assert RightsRequest.objects.filter(kind=RightsKind.EXPORT).exists()


def test_the_download_verifies_with_the_command_line_and_a_change_does_not(
    borrower, loan, sms_outbox, tmp_path
):
    from tactful.cli import main

    client = proven_client(borrower, sms_outbox)
    document = json.loads(client.get("/verify/rights/mine/export.json").content)
    path = tmp_path / "my-number.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["audit", "verify-export", str(path)]) == 0
    document["named_as_emergency_contact"][0]["name_given"] = "someone else"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["audit", "verify-export", str(path)]) == 1


def test_a_correction_reaches_the_rights_desk_and_a_malformed_one_is_refused(
    borrower, loan, sms_outbox
):
    client = proven_client(borrower, sms_outbox)
    for note in ("", "   ", "x" * 1001, "bad\x00note"):
        client.post("/verify/rights/correction/", {"note": note})
    assert not RightsRequest.objects.filter(kind=RightsKind.CORRECTION).exists()
    client.post("/verify/rights/correction/", {"note": "My name is 李娜娜, not 李娜."})
    request = RightsRequest.objects.get(kind=RightsKind.CORRECTION)
    assert request.subject == "third_party"
    officer = make_staff("li.compliance", Role.COMPLIANCE)
    desk = Client()
    sign_in_staff(desk, officer)
    assert desk.get("/staff/rights/").status_code == 200
    assert desk.get(f"/staff/rights/{request.reference}/").status_code == 200


def test_without_a_proof_there_is_nothing_to_download(db):
    response = Client().get("/verify/rights/mine/export.json")
    assert response.status_code == 302

"""One input policy: 413 for oversized bodies, 422 for control characters, on every face."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tactful.audit.models import AuditEvent
from tactful.complaints.models import Complaint
from tactful.input_text import first_bad_path, has_control_characters
from tactful.testing.api import ApiClient, create_loan, issue_test_key
from tactful.testing.personas import FIRST_PHONE, make_borrower, sign_in_borrower

pytestmark = pytest.mark.django_db

# NUL made PostgreSQL fail with 500 and was stored by SQLite; the others were stored.
CONTROL_CHARACTERS = ["\x00", "\x01", "\x07", "\x1b[2J", "\x7f", "\x85", "\ud800"]
# Over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which used to end in a 500.
OVERSIZED = "投诉" * (1024 * 1024)


@pytest.fixture
def portal(db):
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    create_loan("l-1", borrower)
    client = Client()
    sign_in_borrower(client, borrower)
    return client


@pytest.fixture
def api(db):
    return ApiClient(issue_test_key())


def _api_complaint(description: str) -> dict[str, object]:
    return {
        "category": "other",
        "description": description,
        "borrower_external_id": "b-1",
        "complainant": "borrower",
    }


@pytest.mark.parametrize("character", [c for c in CONTROL_CHARACTERS if c != "\ud800"])
def test_a_control_character_in_a_portal_form_is_refused_and_nothing_is_stored(portal, character):
    events = AuditEvent.objects.count()
    page = portal.post(
        "/portal/complaints/", {"category": "other", "description": f"催收{character}电话"}
    )
    assert page.status_code == 422
    assert "422.html" in [template.name for template in page.templates]
    assert not Complaint.objects.exists()
    assert AuditEvent.objects.count() == events


def test_line_breaks_and_tabs_are_free_text(portal):
    page = portal.post(
        "/portal/complaints/", {"category": "other", "description": "第一行\r\n第二行\t完"}
    )
    assert page.status_code == 302
    assert Complaint.objects.get().description == "第一行\r\n第二行\t完"


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_a_control_character_anywhere_in_an_api_body_is_a_field_error(api, character):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)
    response = api.post("/complaints", _api_complaint(f"催收{character}"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["fields"] == {"description": "must not contain control characters"}
    assert not Complaint.objects.exists()


def test_an_api_field_names_the_nested_place(api):
    response = api.post(
        "/complaints", {**_api_complaint("ok"), "verification_codes": ["ABCD1234", "AB\x07"]}
    )
    assert response.status_code == 422
    assert "verification_codes" in response.json()["fields"]
    assert "1" in response.json()["fields"]["verification_codes"]


def test_a_control_character_in_a_query_string_is_refused(api):
    response = api.get("/loans", q="l\x1b-1")
    assert response.status_code == 422
    assert response.json()["fields"] == {"query.q": "must not contain control characters"}
    page = Client().get("/verify/", {"code": "AB\x00CD"})
    assert page.status_code == 422


def test_an_oversized_api_body_is_413_with_the_error_contract(api):
    make_borrower(external_id="b-1", phone=FIRST_PHONE)
    response = api.post("/complaints", _api_complaint(OVERSIZED))
    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "the request body is larger than this server accepts",
        "fields": {},
    }
    assert not Complaint.objects.exists()


def test_an_oversized_form_is_413_with_a_page_that_says_nothing_was_saved(portal):
    page = portal.post("/portal/complaints/", {"category": "other", "description": OVERSIZED})
    assert page.status_code == 413
    assert "413.html" in [template.name for template in page.templates]
    assert not Complaint.objects.exists()


def test_oversized_json_sent_as_raw_bytes_is_413_too(api):
    body = json.dumps(_api_complaint(OVERSIZED)).encode()
    response = api.client.generic(
        "PUT",
        "/api/v1/borrowers/b-9",
        body,
        content_type="application/json",
        headers=api._headers(),
    )
    assert response.status_code == 413


def test_the_rule_itself():
    assert not has_control_characters("王小明 Wang\n\t")
    assert has_control_characters("a\nb", multiline=False)
    assert has_control_characters("\u200b\x00")
    assert not has_control_characters("\u200b")  # a format character, not a control one
    assert first_bad_path({"a": [{"b": "ok"}, {"c": "x\x01"}]}) == "a.1.c"
    assert first_bad_path({"k\x00": 1}) == "k\x00"
    assert first_bad_path(["fine", 3, None]) is None

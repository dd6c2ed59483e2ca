"""The borrower's data as a readable PDF: the JSON export's content, Chinese text included."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tactful import pdf_pages as pdf
from tactful.consent import services
from tactful.contacts.tests.conftest import NOW
from tactful.rights import selectors as rights_read
from tactful.rights import services as rights
from tactful.rights.models import RightsKind, RightsRequest, RightsStatus
from tactful.testing.personas import (
    FIRST_PHONE,
    SECOND_PHONE,
    VALID_CN_ID,
    make_borrower,
    sign_in_borrower,
)

pytestmark = pytest.mark.django_db

PAGE = "/portal/privacy/rights/"
PDF = PAGE + "my-data.pdf"
CONTACT = "+8613123456789"


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def font():
    if not pdf.PDF_FONT.exists():
        pytest.skip("the Chinese font is not installed (scripts/install-browser.sh)")


@pytest.fixture
def signed_in(client, borrower):
    sign_in_borrower(client, borrower)
    return client


def test_the_pdf_holds_the_borrowers_own_data_as_text(font, signed_in, borrower, loan):
    services.designate_emergency_contact(
        borrower=borrower,
        phone=CONTACT,
        relationship="sibling",
        language="zh-hans",
        actor="test",
        name="张伟",
        now=NOW,
    )
    rights.request_correction(borrower=borrower, field="name", value="李小华", now=NOW)
    make_borrower(external_id="b-other", phone=SECOND_PHONE, name="赵敏")

    response = signed_in.get(PDF)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="my-data.pdf"'
    assert response.content.startswith(b"%PDF")
    text = text_of(response.content)
    for held in ("李华", VALID_CN_ID, FIRST_PHONE, loan.external_id, "张伟", CONTACT, "李小华"):
        assert held in text
    for someone_else in ("赵敏", "b-other", SECOND_PHONE):
        assert someone_else not in text


def test_the_labels_follow_the_borrowers_language(font, signed_in):
    english = text_of(signed_in.get(PDF, HTTP_ACCEPT_LANGUAGE="en").content)
    chinese = text_of(signed_in.get(PDF, HTTP_ACCEPT_LANGUAGE="zh-hans").content)

    assert "About you" in english
    assert "About you" not in chinese
    assert "李华" in chinese


def test_the_download_is_recorded_as_an_export_request(font, signed_in, borrower):
    signed_in.get(PDF)

    [request] = RightsRequest.objects.filter(borrower=borrower)
    assert request.kind == RightsKind.EXPORT
    assert rights_read.status_of(request) == RightsStatus.COMPLETED


def test_the_rights_page_links_to_it(signed_in):
    assert PDF in signed_in.get(PAGE).content.decode()


def test_anonymous_people_are_sent_to_sign_in(client, borrower):
    response = client.get(PDF)

    assert response.status_code == 302
    assert "/portal/" in response["Location"]
    assert not RightsRequest.objects.exists()


def test_without_the_font_the_download_is_refused_and_not_recorded(
    signed_in, monkeypatch, tmp_path
):
    monkeypatch.setattr(pdf, "PDF_FONT", tmp_path / "none.ttc")

    response = signed_in.get(PDF)

    assert response.status_code == 503
    assert not RightsRequest.objects.exists()

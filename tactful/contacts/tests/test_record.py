"""The portal's contact ledger and its evidence export, checked against the audit chain."""

import json

import pytest
from django.conf import settings

from tactful import pdf_pages as pdf
from tactful.audit.documents import signed
from tactful.audit.keys import parse_audit_keys
from tactful.audit.models import AuditEvent
from tactful.cli import main
from tactful.contacts import evidence
from tactful.contacts.evidence import MalformedExport, contact_record_json, verify_export
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt
from tactful.contacts.record import contact_record_of
from tactful.contacts.services import recipients_for_borrower, report_outcome, request_permit
from tactful.contacts.tests.conftest import NIGHT, NOW
from tactful.pdf_pages import FontMissing
from tactful.portal.privacy.pdf import contact_record_pdf
from tactful.testing.personas import SECOND_PHONE, make_borrower, sign_in_borrower

pytestmark = pytest.mark.django_db


def _text(loan, recipient, *, now=NOW):
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


@pytest.fixture
def attempts(loan, recipient, collector):
    collector.last_name, collector.first_name = "王", "伟"
    collector.save()
    texted = _text(loan, recipient)
    report_outcome(attempt=texted, outcome="delivered", actor="t", now=NOW)
    called = request_permit(
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
    denied = _text(loan, recipient, now=NIGHT)
    return texted, called, denied


@pytest.fixture
def someone_else(db):
    other = make_borrower(external_id="b-other", phone=SECOND_PHONE, name="赵敏")
    [number] = recipients_for_borrower(borrower=other)
    return request_permit(
        request=PermitRequest(
            loan=None,
            recipient=number,
            channel="sms",
            purpose="service",
            automated=True,
            content="x",
        ),
        actor="t",
        now=NOW,
    )


def test_the_ledger_shows_who_when_how_and_why_in_the_readers_language(client, borrower, attempts):
    sign_in_borrower(client, borrower)

    page = client.get("/portal/privacy/ledger/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "System (automated)" in page
    assert "王**" in page
    assert "wang.collector" not in page
    assert "2026-03-02 13:30 Asia/Shanghai" in page
    assert "You, at" in page
    assert "+12025550123" not in page
    assert "Delivered" in page
    assert "Denied" in page
    for attempt in attempts:
        assert attempt.verification_code in page


def test_denial_reasons_reach_traditional_readers_in_traditional_characters(
    client, borrower, attempts
):
    import opencc

    denied = attempts[2]
    sign_in_borrower(client, borrower)
    [zh_hans] = [reason["messages"]["zh-Hans"] for reason in denied.reasons[:1]]

    page = client.get("/portal/privacy/ledger/", HTTP_ACCEPT_LANGUAGE="zh-Hant").content.decode()

    assert opencc.OpenCC("s2twp").convert(zh_hans) in page
    assert zh_hans not in page


def test_a_borrower_never_sees_another_borrowers_attempts(client, borrower, attempts, someone_else):
    sign_in_borrower(client, borrower)

    page = client.get("/portal/privacy/ledger/").content.decode()
    exported = client.get("/portal/privacy/ledger/evidence.json").json()

    assert someone_else.verification_code not in page
    codes = {entry["verification_code"] for entry in exported["entries"]}
    assert someone_else.verification_code not in codes
    assert codes == {attempt.verification_code for attempt in attempts}


def test_each_entry_links_to_a_complaint_about_that_contact(client, borrower, attempts):
    sign_in_borrower(client, borrower)

    page = client.get("/portal/privacy/ledger/").content.decode()

    assert f"/complaints/new/?code={attempts[0].verification_code}" in page


def test_the_ledger_is_for_signed_in_borrowers_only(client, attempts):
    for path in ("", "evidence.json", "evidence.pdf"):
        response = client.get(f"/portal/privacy/ledger/{path}")
        assert response.status_code == 302
        assert "/portal/sign-in/" in response["Location"]


def test_every_entry_carries_its_permit_events_chain_link(borrower, attempts):
    document = contact_record_json(borrower)

    for entry in document["entries"]:
        event = AuditEvent.objects.get(sequence=entry["audit"]["sequence"])
        assert event.action in ("contact.permit_issued", "contact.permit_denied")
        assert event.payload["permit"] == entry["permit_id"]
        assert entry["audit"]["hash"] == event.hash
        assert entry["audit"]["previous_hash"] == event.previous_hash
        assert entry["audit"]["payload_digest"] == event.payload_digest


def _trusted():
    return settings.AUDIT_KEYS.trusted_public_keys


def _resigned(document):
    """The file re-signed after an edit, as only someone holding the signing key could."""
    return signed(document, settings.AUDIT_KEYS)


class TestVerifyExport:
    def test_a_fresh_export_matches_the_chain(self, borrower, attempts):
        report = verify_export(contact_record_json(borrower), trusted_keys=_trusted())

        assert report.matches
        assert report.entries_checked == 3
        assert report.signature is not None
        assert report.signature.trusted

    def test_it_states_its_entries_and_their_sequences(self, borrower, attempts):
        document = contact_record_json(borrower)
        sequences = [entry["audit"]["sequence"] for entry in document["entries"]]

        assert document["entry_count"] == 3
        assert document["sequence_range"] == {"first": min(sequences), "last": max(sequences)}

    @pytest.mark.parametrize("field", ["recipient", "local_time", "outcome", "who", "decision"])
    def test_any_field_edited_in_the_file_fails_offline(self, borrower, attempts, field):
        document = contact_record_json(borrower)
        document["entries"][1][field] = "edited"

        report = verify_export(document, trusted_keys=_trusted(), database=False)

        assert not report.matches
        assert "signature fails" in (report.problem or "")

    def test_an_entry_removed_from_the_file_fails_offline(self, borrower, attempts):
        document = contact_record_json(borrower)
        del document["entries"][0]

        assert "signature fails" in (verify_export(document, trusted_keys=_trusted()).problem or "")
        document["entry_count"] = 2
        assert "signature fails" in (verify_export(document, trusted_keys=_trusted()).problem or "")

    def test_offline_the_database_is_not_consulted(
        self, borrower, attempts, django_assert_num_queries
    ):
        document = contact_record_json(borrower)

        with django_assert_num_queries(0):
            report = verify_export(document, trusted_keys=_trusted(), database=False)

        assert report.matches
        assert not report.database_checked

    def test_an_unsigned_file_is_refused(self, borrower, attempts):
        document = contact_record_json(borrower)
        del document["signature"]

        assert "no signature" in (verify_export(document, trusted_keys=_trusted()).problem or "")

    def test_a_file_signed_by_another_key_is_refused(self, borrower, attempts, settings):
        document = contact_record_json(borrower)
        settings.AUDIT_KEYS = parse_audit_keys("", "", "", secret_key="another installation")

        report = verify_export(document, trusted_keys=_trusted())

        assert "does not publish" in (report.problem or "")

    def test_without_a_published_key_the_file_s_own_key_is_used_and_said(self, borrower, attempts):
        report = verify_export(contact_record_json(borrower), trusted_keys=None, database=False)

        assert report.matches
        assert report.signature is not None
        assert not report.signature.trusted

    def test_an_entry_edited_and_re_signed_is_named_by_the_database(self, borrower, attempts):
        document = contact_record_json(borrower)
        document["entries"][1]["decision"] = "deny"

        report = verify_export(_resigned(document), trusted_keys=_trusted())

        assert not report.matches
        assert document["entries"][1]["verification_code"] in (report.entry or "")

    def test_a_forged_hash_re_signed_is_detected(self, borrower, attempts):
        document = contact_record_json(borrower)
        document["entries"][0]["audit"]["hash"] = "f" * 64

        report = verify_export(_resigned(document), trusted_keys=_trusted())

        assert "hash differs" in (report.problem or "")

    def test_a_permit_changed_in_the_database_is_detected(self, borrower, attempts):
        document = contact_record_json(borrower)
        ContactAttempt.objects.filter(pk=attempts[2].pk).update(decision="allow")

        report = verify_export(document, trusted_keys=_trusted())

        assert not report.matches
        assert attempts[2].verification_code in (report.entry or "")

    def test_an_audit_event_changed_in_the_database_is_detected(self, borrower, attempts):
        document = contact_record_json(borrower)
        sequence = document["entries"][0]["audit"]["sequence"]
        AuditEvent.objects.filter(sequence=sequence).update(payload={"decision": "deny"})

        report = verify_export(document, trusted_keys=_trusted())

        assert report.problem == "the stored event's payload was altered"

    @pytest.mark.parametrize(
        "document",
        [[], {"format": "other"}, {"format": evidence.FORMAT, "entries": [{"permit_id": "x"}]}],
    )
    def test_a_malformed_file_is_refused(self, document, db):
        with pytest.raises(MalformedExport):
            verify_export(document, trusted_keys=_trusted())


class TestVerifyExportCommand:
    def _write(self, tmp_path, document):
        path = tmp_path / "ledger.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def test_exits_0_when_the_export_matches(self, client, borrower, attempts, tmp_path, capsys):
        sign_in_borrower(client, borrower)
        downloaded = client.get("/portal/privacy/ledger/evidence.json")
        path = tmp_path / "ledger.json"
        path.write_bytes(downloaded.content)

        assert main(["audit", "verify-export", str(path)]) == 0
        assert "3 entries checked" in capsys.readouterr().out

    def test_exits_1_naming_the_first_tampered_entry(self, borrower, attempts, tmp_path, capsys):
        document = contact_record_json(borrower)
        document["entries"][0]["requested_at"] = "2026-03-01T00:00:00+00:00"

        assert main(["audit", "verify-export", self._write(tmp_path, _resigned(document))]) == 1
        out = capsys.readouterr().out
        assert document["entries"][0]["verification_code"] in out

    def test_an_edited_file_fails_offline_with_the_published_key(
        self, borrower, attempts, tmp_path, capsys
    ):
        document = contact_record_json(borrower)
        public_key = document["signature"]["public_key"]
        document["entries"][0]["recipient"] = "someone else"
        path = self._write(tmp_path, document)

        status = main(["audit", "verify-export", path, "--offline", "--public-key", public_key])

        assert status == 1
        assert "signature fails" in capsys.readouterr().out

    def test_an_intact_file_passes_offline(self, borrower, attempts, tmp_path, capsys):
        document = contact_record_json(borrower)
        public_key = document["signature"]["public_key"]
        path = self._write(tmp_path, document)

        assert main(["audit", "verify-export", path, "--offline", "--public-key", public_key]) == 0
        assert "checked offline: 3 entries" in capsys.readouterr().out

    def test_exits_2_for_a_malformed_file(self, tmp_path, db, capsys):
        path = tmp_path / "ledger.json"
        path.write_text("{not json", encoding="utf-8")

        assert main(["audit", "verify-export", str(path)]) == 2
        assert main(["audit", "verify-export", str(tmp_path / "missing.json")]) == 2


class TestPdf:
    def test_the_pdf_is_a_pdf_with_an_embedded_font(self, client, borrower, attempts):
        if not pdf.PDF_FONT.exists():
            pytest.skip("the Chinese font is not installed")
        sign_in_borrower(client, borrower)

        response = client.get("/portal/privacy/ledger/evidence.pdf")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert b"FontFile2" in response.content

    def test_a_missing_font_is_a_clear_error(self, borrower, monkeypatch, tmp_path):
        monkeypatch.setattr(pdf, "PDF_FONT", tmp_path / "none.ttc")

        with pytest.raises(FontMissing, match="install-browser.sh"):
            contact_record_pdf(borrower)


def test_ledger_entries_are_newest_first(borrower, attempts):
    entries = contact_record_of(borrower)

    assert entries[0].verification_code == attempts[2].verification_code

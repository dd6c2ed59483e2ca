"""The borrower's data-subject rights: see, export, correct, erase, and the purge."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from tactful.audit.models import AuditEvent
from tactful.audit.verification import verify_chain
from tactful.borrowers.models import Borrower, PhoneNumber
from tactful.consent import services
from tactful.consent.models import EmergencyContact
from tactful.contacts.facts import PermitRequest
from tactful.contacts.models import ContactAttempt
from tactful.contacts.services import request_permit
from tactful.contacts.tests.conftest import NOW
from tactful.errors import Conflict, InvalidInput
from tactful.privacy.crypto import key_id_of
from tactful.privacy.keys import Keyring
from tactful.privacy.services import rotate_pii_keys
from tactful.rights import selectors as rights_read
from tactful.rights import services as rights
from tactful.rights.models import RightsRequest, RightsStatus
from tactful.testing.personas import SECOND_PHONE, make_borrower, sign_in_borrower

pytestmark = pytest.mark.django_db

CONTACT = "+8613123456789"
PAGE = "/portal/privacy/rights/"
PAGES = [
    ("get", PAGE),
    ("get", PAGE + "my-data.json"),
    ("post", PAGE + "correction/"),
    ("post", PAGE + "erasure/"),
]


def designate(borrower):
    return services.designate_emergency_contact(
        borrower=borrower,
        phone=CONTACT,
        relationship="sibling",
        language="zh-hans",
        actor="test",
        name="张伟",
        now=NOW,
    )


def text(recipient):
    return request_permit(
        request=PermitRequest(
            loan=None,
            recipient=recipient,
            channel="sms",
            purpose="service",
            automated=True,
            content="您好，这是一条服务通知。",
        ),
        actor="t",
        now=NOW,
    )


@pytest.fixture
def signed_in(client, borrower):
    sign_in_borrower(client, borrower)
    return client


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_people_are_sent_to_sign_in_and_nothing_is_stored(client, borrower, method, url):
    response = getattr(client, method)(url, {"field": "name", "value": "x", "confirm": "yes"})
    assert response.status_code == 302
    assert "/portal/" in response["Location"]
    assert not RightsRequest.objects.exists()


def test_the_page_shows_what_we_hold_with_the_id_masked(signed_in, borrower, loan):
    make_borrower(external_id="b-other", phone=SECOND_PHONE, name="赵敏")
    page = signed_in.get(PAGE).content.decode()
    assert "李华" in page
    assert "002X" in page
    assert "11010519491231002X" not in page
    assert "赵敏" not in page
    assert SECOND_PHONE not in page
    assert "消费分期" in page or loan.product in page


def test_the_dashboard_links_to_the_rights_page(signed_in):
    assert PAGE in signed_in.get("/portal/privacy/").content.decode()


def test_the_export_holds_only_the_borrowers_own_data_decrypted(signed_in, borrower, loan):
    designate(borrower)
    make_borrower(external_id="b-other", phone=SECOND_PHONE, name="赵敏")
    response = signed_in.get(PAGE + "my-data.json")
    document = json.loads(response.content)
    assert document["borrower"]["national_id"] == "11010519491231002X"
    assert document["emergency_contacts"][0]["phone"] == CONTACT
    assert [item["external_id"] for item in document["loans"]] == [loan.external_id]
    assert "赵敏" not in response.content.decode()
    [request] = RightsRequest.objects.all()
    assert rights_read.status_of(request) == RightsStatus.COMPLETED


def test_a_correction_is_stored_encrypted_and_audited_without_its_value(signed_in, borrower):
    response = signed_in.post(
        PAGE + "correction/", {"field": "name", "value": "李小华", "note": "改名了"}
    )
    assert response.status_code == 302
    [request] = RightsRequest.objects.all()
    assert request.field == "name"
    assert "李小华" not in request.value_encrypted
    payloads = json.dumps(
        [e.payload for e in AuditEvent.objects.filter(action__startswith="rights")]
    )
    assert "李小华" not in payloads
    assert "改名了" not in payloads
    assert "李小华" in json.dumps(rights_read.export_of(borrower, now=NOW), ensure_ascii=False)


@pytest.mark.parametrize(
    "data", [{"field": "salary", "value": "1"}, {"field": "name", "value": "  "}, {}]
)
def test_bad_corrections_are_refused_and_nothing_stored(signed_in, data):
    response = signed_in.post(PAGE + "correction/", data)
    assert response.status_code == 400
    assert not RightsRequest.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("salary", "1"), ("name", ""), ("name", "x" * 201)])
def test_the_service_refuses_bad_corrections(borrower, field, value):
    with pytest.raises(InvalidInput):
        rights.request_correction(borrower=borrower, field=field, value=value)
    assert not RightsRequest.objects.exists()


def test_erasure_needs_confirmation(signed_in):
    assert signed_in.post(PAGE + "erasure/").status_code == 400
    assert not RightsRequest.objects.exists()


def test_erasure_removes_contacts_at_once_and_schedules_the_rest(signed_in, borrower, loan):
    contact = designate(borrower)
    assert signed_in.post(PAGE + "erasure/", {"confirm": "yes"}).status_code == 302
    contact = EmergencyContact.objects.get(pk=contact.pk)
    assert contact.removed_at is not None
    assert contact.phone_encrypted == ""
    assert contact.name_encrypted == ""
    assert contact.phone_index  # a refusal of this number keeps working
    [request] = RightsRequest.objects.all()
    assert rights_read.status_of(request) == RightsStatus.PARTLY_ERASED
    assert Borrower.objects.get(pk=borrower.pk).name == "李华"  # kept under retention
    with pytest.raises(Conflict):
        rights.request_erasure(borrower=borrower)


def test_erasure_keeps_the_zone_quiet_hours_are_read_in(borrower, loan):
    """A borrower in Shanghai with a +1 number stated their zone; erasing must not move
    them to New York time (contact at night) while any contact is still allowed."""
    from tactful.borrowers.models import PhoneNumber

    PhoneNumber.objects.filter(borrower=borrower).update(time_zone="America/New_York")
    Borrower.objects.filter(pk=borrower.pk).update(timezone_override="Asia/Shanghai")
    rights.request_erasure(borrower=Borrower.objects.get(pk=borrower.pk))
    assert Borrower.objects.get(pk=borrower.pk).time_zone == "Asia/Shanghai"


def test_the_page_says_what_is_kept_and_for_how_long(signed_in, loan):
    page = signed_in.get(PAGE).content.decode()
    assert "retention period has not started" in page or "保存期限尚未开始计算" in page


class TestPurge:
    def test_nothing_is_purged_before_retention_ends(self, borrower, recipient):
        text(recipient)
        rights.request_erasure(borrower=borrower, now=NOW)
        assert rights.purge_expired_records(now=NOW + timedelta(days=365)) == 0
        assert Borrower.objects.get(pk=borrower.pk).name == "李华"

    def test_records_are_anonymised_after_retention_and_the_chain_stays(self, borrower, recipient):
        attempt = text(recipient)
        request = rights.request_erasure(borrower=borrower, now=NOW)
        events = AuditEvent.objects.count()
        assert rights.purge_expired_records(now=NOW + timedelta(days=6 * 366)) == 1
        erased = Borrower.objects.get(pk=borrower.pk)
        assert erased.name == ""
        assert erased.national_id == ""
        assert erased.external_id.startswith("erased:")
        assert not PhoneNumber.objects.filter(borrower=borrower).exists()
        assert ContactAttempt.objects.get(pk=attempt.pk).content is None
        assert rights_read.status_of(request) == RightsStatus.COMPLETED
        assert AuditEvent.objects.count() == events + 1
        assert verify_chain().problem is None
        assert rights.purge_expired_records(now=NOW + timedelta(days=7 * 366)) == 0

    def test_an_outstanding_loan_keeps_everything(self, borrower, loan):
        rights.request_erasure(borrower=borrower, now=NOW)
        assert rights.purge_expired_records(now=NOW + timedelta(days=20 * 366)) == 0

    def test_borrowers_who_did_not_ask_are_never_purged(self, borrower, recipient):
        text(recipient)
        assert rights.purge_expired_records(now=NOW + timedelta(days=20 * 366)) == 0

    def test_the_command_runs_the_purge(self, borrower, capsys):
        long_ago = NOW - timedelta(days=10 * 366)
        Borrower.objects.filter(pk=borrower.pk).update(created_at=long_ago)
        rights.request_erasure(borrower=borrower, now=long_ago)
        call_command("purge_expired_records")
        assert "purged 1" in capsys.readouterr().out


def test_the_erasure_notice_is_in_the_borrowers_language(client, db):
    borrower = make_borrower(external_id="b-zh", phone=SECOND_PHONE, language="zh-hant")
    sign_in_borrower(client, borrower)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "依法必須保留" in page
    assert "5 年" in page


def test_key_rotation_re_encrypts_correction_values(db):
    old = Keyring(current="k1", keys={"k1": b"1" * 32}, index_key=b"i" * 32)
    new = Keyring(current="k2", keys={"k2": b"2" * 32, "k1": b"1" * 32}, index_key=b"i" * 32)
    with override_settings(PII_KEYRING=old):
        borrower = make_borrower(external_id="b-keys", phone=SECOND_PHONE)
        rights.request_correction(borrower=borrower, field="name", value="李小华", note="改名了")
    with override_settings(PII_KEYRING=new):
        assert rotate_pii_keys().rewritten["rights_requests"] == 1
    request = RightsRequest.objects.get()
    assert key_id_of(request.value_encrypted) == "k2"
    assert key_id_of(request.note_encrypted) == "k2"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", "反洗钱法》第四十条"),
        ("zh-hant", "反洗錢法》第四十條"),
        ("en", "Anti-Money Laundering Law"),
    ],
)
def test_the_legal_basis_of_retention_is_in_the_readers_language(signed_in, loan, language, words):
    signed_in.cookies["django_language"] = language
    page = signed_in.get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in page
    assert "art. 40" not in page

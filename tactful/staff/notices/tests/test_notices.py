"""Publishing a new version of a consent notice: whole, in three languages, by an officer."""

from __future__ import annotations

import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.consent import selectors, services
from tactful.consent.models import NoticeVersion
from tactful.errors import Conflict, InvalidInput
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)

pytestmark = pytest.mark.django_db

PURPOSE = "channel_sms"
NEW = {
    "zh-hans": ("短信", "我们会通过短信提醒您还款，每条短信都带有核验码。"),
    "zh-hant": ("簡訊", "我們會透過簡訊提醒您還款，每則簡訊都帶有核驗碼。"),
    "en": ("Text messages", "We remind you by text message; every text carries a code."),
}


@pytest.fixture
def officer():
    return make_staff("li.compliance", Role.COMPLIANCE)


def test_an_officer_publishes_the_next_version_and_the_portal_shows_it(officer):
    before = selectors.current_notice(PURPOSE).version
    notice = services.publish_notice(purpose=PURPOSE, texts=NEW, actor=officer)
    assert notice.version == before + 1
    assert selectors.current_notice(PURPOSE) == notice
    assert AuditEvent.objects.filter(action="consent.notice_published").exists()
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    client = Client()
    sign_in_borrower(client, borrower)
    page = client.get("/portal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We remind you by text message; every text carries a code." in page
    assert f'name="notice_version" value="{notice.version}"' in page


def test_a_grant_of_the_words_read_before_the_new_version_is_refused(officer):
    old = selectors.current_notice(PURPOSE).version
    services.publish_notice(purpose=PURPOSE, texts=NEW, actor=officer)
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    with pytest.raises(Conflict):
        services.grant_consent(
            borrower=borrower,
            purpose=PURPOSE,
            language="en",
            channel="portal",
            evidence={},
            actor="t",
            notice_version=old,
        )


@pytest.mark.parametrize(
    "texts",
    [
        {"zh-hans": NEW["zh-hans"], "en": NEW["en"]},  # a language missing
        {**NEW, "fr": ("x", "y")},  # one too many
        {**NEW, "en": ("", "text")},  # an empty title
        {**NEW, "en": ("Title", "a\x00b")},  # a control character
        {**NEW, "en": ("Title", "x" * 4001)},
        {**NEW, "en": ["Title", "text"]},  # not a pair
        {**NEW, "en": ("Title", 5)},
    ],
)
def test_a_malformed_version_is_refused_and_nothing_is_published(officer, texts):
    count = NoticeVersion.objects.count()
    with pytest.raises(InvalidInput):
        services.publish_notice(purpose=PURPOSE, texts=texts, actor=officer)
    assert NoticeVersion.objects.count() == count


def test_only_officers_publish_and_unchanged_words_are_not_a_version(officer):
    collector = make_staff("wang.collector", Role.COLLECTOR)
    with pytest.raises(services.NotAPublisher):
        services.publish_notice(purpose=PURPOSE, texts=NEW, actor=collector)
    services.publish_notice(purpose=PURPOSE, texts=NEW, actor=officer)
    with pytest.raises(Conflict):
        services.publish_notice(purpose=PURPOSE, texts=NEW, actor=officer)


def test_the_staff_page_publishes_and_refuses_a_half_filled_form(officer):
    client = Client()
    sign_in_staff(client, officer)
    page = client.get(f"/staff/notices/{PURPOSE}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    fields = {f"title_{lang}": title for lang, (title, _) in NEW.items()}
    fields |= {f"text_{lang}": text for lang, (_, text) in NEW.items()}
    half = {key: value for key, value in fields.items() if not key.endswith("zh-hant")}
    assert client.post(f"/staff/notices/{PURPOSE}/", half).status_code == 422
    before = selectors.current_notice(PURPOSE).version
    response = client.post(f"/staff/notices/{PURPOSE}/", fields)
    assert response.status_code == 302
    assert selectors.current_notice(PURPOSE).version == before + 1

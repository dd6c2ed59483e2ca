import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tactful.accounts.roles import Role
from tactful.messaging.models import OutboxMessage
from tactful.messaging.outbox import OutboxSmsSender
from tactful.messaging.ports import SmsMessage
from tactful.messaging.services import use_sms_sender
from tactful.testing.personas import (
    CN_PHONE,
    FIRST_PHONE,
    make_borrower,
    make_overdue_loan,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)
from tactful.testing.zones import move_to_daytime

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)


def test_the_home_page_explains_tactful_in_simplified_chinese_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "public/home/home.html" in [template.name for template in response.templates]
    body = response.content.decode()
    assert '<html lang="zh-Hans">' in body
    assert "还款不应以尊严为代价" in body


def test_the_home_page_links_to_both_sign_ins_and_the_api_docs(client):
    body = client.get("/").content.decode()

    assert f'href="{reverse("portal:sign-in")}"' in body
    assert f'href="{reverse("staff:login")}"' in body
    assert 'href="/api/v1/docs"' in body


@pytest.mark.parametrize(
    ("language", "lang_attribute", "phrase"),
    [
        ("en", "en", "Repaying a loan should never cost you your dignity."),
        ("zh-hant", "zh-Hant", "還款不應以尊嚴為代價"),
        ("zh-hans", "zh-Hans", "还款不应以尊严为代价"),
    ],
)
def test_the_language_switch_changes_the_interface_language(
    client, language, lang_attribute, phrase
):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    body = client.get("/").content.decode()
    assert f'<html lang="{lang_attribute}">' in body
    assert phrase in body


def test_every_page_offers_the_three_languages_and_a_skip_link(client):
    body = client.get("/").content.decode()

    assert 'action="/i18n/setlang/"' in body
    for code in ("zh-hans", "zh-hant", "en"):
        assert f'value="{code}"' in body
    assert 'href="#main"' in body
    assert 'id="main"' in body


def test_pages_load_htmx_and_styles_from_our_own_static_files(client):
    body = client.get("/").content.decode()

    assert 'src="/static/vendor/htmx/htmx.min.js"' in body
    assert 'href="/static/tactful/site.css"' in body
    assert "X-CSRFToken" in body
    htmx = Path(finders.find("vendor/htmx/htmx.min.js"))
    assert htmx.stat().st_size > 10_000
    assert "Zero-Clause BSD" in (htmx.parent / "LICENSE").read_text()


@pytest.mark.parametrize("path", ["/static/tactful/site.css", "/static/vendor/htmx/htmx.min.js"])
def test_the_static_files_are_served(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def _pages_of_every_kind(client: Client) -> list[str]:
    borrower = make_borrower(external_id="b-pages", phone=FIRST_PHONE)
    loan = make_overdue_loan(borrower, external_id="l-pages")
    anonymous = ["/", "/staff/login/", "/portal/sign-in/", "/no-such-page/"]
    pages = [client.get(path).content.decode() for path in anonymous]
    sign_in_borrower(client, borrower)
    pages += [client.get(path).content.decode() for path in ("/portal/", _loan_url(loan))]
    sign_in_staff(client, make_staff("pages-admin", Role.ADMIN))
    pages.append(client.get("/staff/").content.decode())
    return pages


def _loan_url(loan) -> str:
    return reverse("portal:loan", args=[loan.reference])


def test_no_page_loads_a_script_or_style_from_another_site(client, settings):
    settings.DEMO_MODE = True
    pages = _pages_of_every_kind(client)
    pages.append(client.get("/demo/outbox/").content.decode())

    assert len(pages) == 8
    for page in pages:
        assert "<main" in page
        assert not EXTERNAL_ASSET.search(page)


def test_an_unknown_address_gets_the_friendly_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "我们找不到这个页面" in response.content.decode()


class TestDemoOutbox:
    def test_it_does_not_exist_outside_demo_mode(self, client, settings):
        settings.DEMO_MODE = False

        assert client.get("/demo/outbox/").status_code == 404

    def test_it_lists_messages_newest_first_under_a_fake_gateway_banner(self, client, settings):
        settings.DEMO_MODE = True
        sender = OutboxSmsSender()
        sender.send(SmsMessage(to=FIRST_PHONE, body="first message", purpose="sign_in_code"))
        sender.send(SmsMessage(to=FIRST_PHONE, body="second message", purpose="sign_in_code"))

        response = client.get("/demo/outbox/")

        body = response.content.decode()
        assert response.status_code == 200
        assert "这是演示用的假短信网关" in body
        assert body.index("second message") < body.index("first message")
        assert FIRST_PHONE not in body
        assert "202****0123" in body

    def test_times_are_named_with_the_zone_they_are_read_in(self, client, settings):
        """A signed-in borrower read Shanghai times labelled "(UTC)"."""
        settings.DEMO_MODE = True
        borrower = make_borrower(external_id="b-zone", phone=CN_PHONE)
        OutboxSmsSender().send(SmsMessage(to=CN_PHONE, body="a code", purpose="sign_in_code"))
        sent = OutboxMessage.objects.get().sent_at

        anonymous = Client().get("/demo/outbox/").content.decode()
        assert f"{sent:%Y-%m-%d %H:%M:%S}（UTC）" in anonymous
        sign_in_borrower(client, borrower)
        local = sent.astimezone(ZoneInfo("Asia/Shanghai"))
        page = client.get("/demo/outbox/").content.decode()
        assert f"{local:%Y-%m-%d %H:%M:%S}（Asia/Shanghai）" in page

    def test_the_table_keeps_only_the_masked_number(self, settings):
        OutboxSmsSender().send(SmsMessage(to=FIRST_PHONE, body="a code", purpose="sign_in_code"))

        assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["202****0123"]

    def test_htmx_refreshes_get_only_the_list(self, client, settings):
        settings.DEMO_MODE = True
        OutboxSmsSender().send(SmsMessage(to=FIRST_PHONE, body="a code", purpose="sign_in_code"))

        response = client.get("/demo/outbox/", headers={"HX-Request": "true"})

        assert response.status_code == 200
        assert "a code" in response.content.decode()
        assert "<html" not in response.content.decode()

    def test_a_sign_in_code_reaches_the_outbox_through_the_configured_gateway(
        self, client, settings, django_capture_on_commit_callbacks
    ):
        settings.DEMO_MODE = True
        # The gate sends sign-in codes only by day in the borrower's zone.
        move_to_daytime(make_borrower(external_id="b-outbox", phone=FIRST_PHONE))
        use_sms_sender(None)

        with django_capture_on_commit_callbacks(execute=True):
            client.post("/portal/sign-in/", {"phone_region": "US", "phone": FIRST_PHONE})

        body = client.get("/demo/outbox/").content.decode()
        assert re.search(r"\b\d{6}\b", body)

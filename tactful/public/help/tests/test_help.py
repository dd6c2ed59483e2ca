"""Rights and help: findable from every page and every message, in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from tactful.contacts.codes import verify_address, with_verification_code
from tactful.public.help.resources import RESOURCES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title"),
    [("zh-hans", "您的权利与求助渠道"), ("zh-hant", "您的權利與求助渠道"), ("en", "Your rights")],
)
def test_the_help_page_names_where_to_turn_under_the_pack(language: str, title: str) -> None:
    client = Client()
    client.cookies["django_language"] = language
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in page
    for number in ("12378", "12363", "12348"):
        assert number in page
    for link in ('href="/verify/"', 'href="/verify/rights/"', 'href="/complaints/new/"'):
        assert link in page


@pytest.mark.parametrize("path", ["/", "/portal/sign-in/", "/verify/", "/complaints/new/"])
def test_every_page_links_to_help_in_its_footer(path: str) -> None:
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    footer = page[page.index("<footer") :]
    assert 'href="/help/"' in footer
    assert 'href="/verify/"' in footer


def test_home_links_every_door_for_anyone_and_promises_nothing_for_later() -> None:
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    doors = page[page.index('id="for-anyone"') :]
    for link in ("/verify/", "/verify/rights/", "/complaints/new/", "/help/"):
        assert f'href="{link}"' in doors
    assert "Soon" not in page


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_message_carries_the_address_where_its_code_is_checked(language: str) -> None:
    text = with_verification_code("您好。", "ABCD2345", language)
    assert "ABCD2345" in text
    assert verify_address() in text
    assert verify_address().endswith("/verify/")


def test_every_pack_has_somewhere_to_turn() -> None:
    from tactful.policy.packs import pack_names

    assert set(pack_names()) <= set(RESOURCES)
    with translation.override("zh-hans"):
        assert all(str(resource.name) for resources in RESOURCES.values() for resource in resources)

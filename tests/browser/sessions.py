"""Set-up shared by the browser tests: a signed-in borrower or member of staff, the
published notices, and whether a page fits the screen."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tactful.accounts.models import User
from tactful.borrowers.models import Borrower
from tactful.consent.models import NoticeVersion
from tactful.portal.middleware import SESSION_KEY
from tactful.testing.personas import sign_in_staff

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page


def sign_in_borrower(page: Page, base_url: str, borrower: Borrower) -> None:
    """Give the browser the session cookie of a signed-in `borrower` (the code step is tested
    elsewhere)."""
    session = SessionStore()
    session[SESSION_KEY] = borrower.pk
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}]
    )


def publish_notices_again() -> None:
    """Transactional tests flush every table, the notices a data migration wrote included."""
    if not NoticeVersion.objects.exists():
        migration = importlib.import_module("tactful.consent.migrations.0002_first_notices")
        migration.publish(apps, None)


def downloaded(page: Page, link_name: str) -> bytes:
    """Click the link named `link_name` and return the bytes of the file it downloads."""
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    return Path(download.value.path()).read_bytes()


def staff_page(
    browser: Browser,
    base_url: str,
    user: User,
    *,
    language: str,
    locale: str,
    viewport: dict[str, int],
) -> tuple[BrowserContext, Page]:
    """Open a new browser context signed in as `user` (both factors), reading `language`."""
    client = Client()
    sign_in_staff(client, user)
    context = browser.new_context(viewport=viewport, locale=locale)
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": base_url}
            for name, morsel in client.cookies.items()
        ]
        + [{"name": "django_language", "value": language, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def fits(page: Page) -> bool:
    """Tell whether the page is no wider than the screen (nothing to scroll sideways)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def wider_than_screen(page: Page) -> list[str]:
    """Name the elements that reach past the screen's right edge (to say what overflows)."""
    found: list[str] = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => `${e.tagName.toLowerCase()}.${e.className}#${e.id}`"
        " + `:${Math.round(e.getBoundingClientRect().right)}`).slice(0, 8)"
    )
    return found

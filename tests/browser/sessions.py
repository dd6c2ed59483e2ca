"""Set-up shared by the browser tests: a signed-in borrower, and the published notices."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from tactful.borrowers.models import Borrower
from tactful.consent.models import NoticeVersion
from tactful.portal.middleware import SESSION_KEY

if TYPE_CHECKING:
    from playwright.sync_api import Page


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

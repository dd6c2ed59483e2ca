"""Drive Debian's Chromium through Playwright against a live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
PHONE_VIEWPORT: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(live_server) -> Iterator[Page]:
    """A page in a 390-pixel-wide phone browser whose first language is simplified Chinese."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it with `make browser` "
            "(scripts/install-browser.sh) to run the browser tests."
        )
    # Playwright's sync API runs an event loop in this thread; the test still touches the
    # database directly, which Django refuses by default while a loop is running.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport=PHONE_VIEWPORT,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Whatever the Content-Security-Policy blocked (an inline script or style, eval)
        # is a broken page in production: every journey fails on it.
        blocked: list[str] = []
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        assert blocked == [], blocked

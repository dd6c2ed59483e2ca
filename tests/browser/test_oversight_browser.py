"""A compliance officer reads the oversight dashboards in a browser.

A week of the team's contacts is rolled up. The officer opens the dashboards, narrows the
period from the last 30 days to the last 7 (the per-day chart shrinks to 7 columns),
clicks the bar of the denials for the time of day and reads the permits behind it, then
downloads a chart's table as CSV. In simplified Chinese and in English; on a phone.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.oversight.services import operating_zone, roll_up_recent
from tactful.oversight.tests import records
from tactful.testing.personas import make_borrower, make_staff
from tests.browser.sessions import fits, staff_page, wider_than_screen

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCALES = {"zh-hans": "zh-CN", "en": "en-GB"}
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}


def _a_week_of_contacts() -> list[str]:
    """Texts every day of the week, and two calls at night the gate denied: their codes."""
    borrower = make_borrower(external_id="b-oversight", phone="+8613123456709")
    debtor = records.recipient(borrower, "debtor")
    now = timezone.now()
    for days_ago in range(7):
        records.attempt(debtor, at=_into_the_day(now, days_ago))
    denied = [
        records.attempt(
            debtor,
            at=_into_the_day(now, days_ago),
            decision="deny",
            channel="call",
            categories=("time_window",),
        )  # fmt: skip
        for days_ago in (1, 3)
    ]
    # Far back: outside the last 7 days, inside the last 30.
    records.attempt(debtor, at=now - timedelta(days=20))
    for days_ago in range(31):
        roll_up_recent(now=now - timedelta(days=days_ago))
    return [attempt.verification_code for attempt in denied]


def _into_the_day(now: datetime, days_ago: int) -> datetime:
    """An instant on the day `days_ago` before today in the operating zone, half as far into
    it as now is into today: on that day whatever the time of day, and never in the future.
    (Minutes before now would fall on the day before just after midnight.)"""
    zone = operating_zone()
    today = now.astimezone(zone).date()
    midnight = datetime.combine(today, time(0), tzinfo=zone)
    day = datetime.combine(today - timedelta(days=days_ago), time(0), tzinfo=zone)
    return day + (now - midnight) / 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "viewport"),
    [("zh-hans", PHONE), ("en", PHONE), ("en", DESKTOP)],
    ids=["zh-hans-390", "en-390", "en-desktop"],
)
def test_an_officer_narrows_the_period_drills_into_a_bar_and_downloads_csv(
    live_server, phone_page, language, viewport
):
    from playwright.sync_api import expect

    codes = _a_week_of_contacts()
    officer = make_staff("li.compliance", Role.COMPLIANCE)
    context, page = staff_page(
        phone_page.context.browser, live_server.url, officer,
        language=language, locale=LOCALES[language], viewport=viewport,
    )  # fmt: skip
    try:
        page.goto(f"{live_server.url}/staff/")
        page.locator("a[href='/staff/oversight/']").first.click()
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
        per_day = page.locator("[data-chart='permits-per-day']")
        expect(per_day.locator("tbody tr")).to_have_count(30)
        assert fits(page), f"the dashboards overflow: {wider_than_screen(page)}"

        # 1. The last 7 days instead of 30.
        page.locator("select[name=days]").select_option("7")
        page.locator("form[method=get] button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"days=7"))
        expect(per_day.locator("tbody tr")).to_have_count(7)
        expect(per_day.locator("svg rect")).not_to_have_count(0)
        assert fits(page), f"the dashboards overflow over 7 days: {wider_than_screen(page)}"

        # 2. From the bar of the night-time denials to the permits behind it.
        denials = page.locator("[data-chart='denials-by-category']")
        denials.locator("svg a").first.click()
        expect(page).to_have_url(re.compile(r"/staff/oversight/records/"))
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(2)
        for code in codes:
            expect(page.locator("table")).to_contain_text(code)
        assert fits(page), f"the records page overflows: {wider_than_screen(page)}"
        page.go_back()

        # 3. The chart of channels as CSV: the key row, then the figures of the 7 days.
        with page.expect_download() as download:
            page.locator("[data-chart='permits-by-channel'] a[download]").click()
        rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
        assert rows[0] == ["key", "label", "allow", "deny", "total", "rate"]
        assert {row[0]: row[2:5] for row in rows[2:]} == {
            "call": ["0", "2", "2"],
            "sms": ["7", "0", "7"],
        }
    finally:
        context.close()

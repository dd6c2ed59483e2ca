"""A compliance officer issues last month's report in simplified Chinese on a phone and
downloads it: the file is the one whose digest the audit chain recorded."""

from __future__ import annotations

import hashlib
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.reports.models import IssuedReport
from tactful.testing.personas import make_staff
from tests.browser.sessions import downloaded, fits, staff_page, wider_than_screen

PHONE = {"width": 390, "height": 844}


def _last_month() -> str:
    today = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    first = date(today.year, today.month, 1)
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return f"{previous:%Y-%m}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_issues_a_report_in_chinese_and_downloads_it(live_server, phone_page):
    officer = make_staff("li.compliance", Role.COMPLIANCE)
    browser = phone_page.context.browser
    context, page = staff_page(
        browser, live_server.url, officer, language="zh-hans", locale="zh-CN", viewport=PHONE
    )
    try:
        page.goto(f"{live_server.url}/staff/")
        page.locator("a[href='/staff/reports/']").first.click()
        page.wait_for_url("**/staff/reports/")
        assert fits(page), wider_than_screen(page)

        page.select_option("#id_pack", "cn")
        page.fill("#id_month", _last_month())
        page.select_option("#id_language", "zh-hans")
        page.locator("form.stack-form button[type=submit]").click()
        page.wait_for_selector("[data-issued] code")
        assert fits(page), wider_than_screen(page)

        report = IssuedReport.objects.get()
        assert (report.pack, f"{report.month:%Y-%m}", report.language) == (
            "cn",
            _last_month(),
            "zh-hans",
        )
        pdf = downloaded(page, "PDF")
        assert pdf.startswith(b"%PDF")
        digest = hashlib.sha256(pdf).hexdigest()
        assert digest == report.pdf_sha256
        assert AuditEvent.objects.get(action="report.issued").payload["pdf_sha256"] == digest
    finally:
        context.close()

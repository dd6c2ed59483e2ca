"""The reports page: an officer issues a month's report and downloads it as issued."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.test import Client

from tactful.accounts.roles import Role
from tactful.audit.models import AuditEvent
from tactful.reports.models import IssuedReport
from tactful.reports.services import sha256
from tactful.testing.personas import make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
URL = "/staff/reports/"
ISSUE = "/staff/reports/issue/"
NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)


def _client(role=Role.COMPLIANCE, language="zh-hans", **options):
    user = make_staff(f"user.{role.value}", role)
    client = Client(**options)
    sign_in_staff(client, user)
    client.cookies["django_language"] = language
    return client


def _issue(client, **changes):
    body = {"pack": "cn", "month": "2026-05", "language": "zh-hans", **changes}
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        return client.post(ISSUE, body)


def test_an_officer_issues_a_report_and_downloads_it_as_issued(activity):
    client = _client()

    done = _issue(client)

    assert done.status_code == 302
    report = IssuedReport.objects.get()
    assert report.issued_by.startswith("user:")
    page = client.get(URL).content.decode()
    assert report.pdf_sha256 in page
    assert report.xlsx_sha256 in page
    pdf = client.get(f"{URL}{report.reference}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert "tactful-report-cn-2026-05-zh-hans.pdf" in pdf["Content-Disposition"]
    assert sha256(pdf.content) == report.pdf_sha256
    workbook = client.get(f"{URL}{report.reference}/xlsx/")
    assert sha256(workbook.content) == report.xlsx_sha256


@pytest.mark.parametrize(
    "changes",
    [
        {"month": "2026/05"},
        {"month": ""},
        {"month": "2026-06"},
        {"month": "2099-01"},
        {"pack": "atlantis"},
        {"language": "fr"},
    ],
)
def test_a_bad_choice_is_refused_with_400_and_nothing_issued(changes):
    refused = _issue(_client(), **changes)

    assert refused.status_code == 400
    assert 'role="alert"' in refused.content.decode() or "field-error" in refused.content.decode()
    assert not IssuedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report.issued").exists()


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SUPERVISOR])
def test_collectors_and_supervisors_may_neither_read_nor_issue(role):
    client = _client(role)

    assert client.get(URL).status_code == 403
    assert _issue(client).status_code == 403
    assert not IssuedReport.objects.exists()


def test_issuing_needs_the_csrf_token():
    client = _client(enforce_csrf_checks=True)

    refused = _issue(client)

    assert refused.status_code == 403
    assert not IssuedReport.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_page_reads_in_each_language(language):
    page = _client(language=language).get(URL)

    assert page.status_code == 200
    assert page["Content-Language"] == language

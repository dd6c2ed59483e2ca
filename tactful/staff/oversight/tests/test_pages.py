"""The oversight dashboards' pages: who may open them, the period picker, each chart's CSV,
the records behind a bar, and a page that fits a phone."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.contacts.models import ContactAttempt
from tactful.oversight.services import operating_zone, roll_up_recent
from tactful.oversight.tests import records
from tactful.staff.oversight import charts
from tactful.testing.personas import make_borrower, make_staff, sign_in_staff

pytestmark = pytest.mark.django_db
PAGE = "/staff/oversight/"
RECORDS = "/staff/oversight/records/"


@pytest.fixture
def officer() -> Client:
    client = Client()
    sign_in_staff(client, make_staff("officer-ovs", Role.COMPLIANCE))
    return client


@pytest.fixture
def activity():
    """Two allowed texts, a denied call, a guarantor contacted, a complaint: rolled up."""
    borrower = make_borrower(external_id="b-page", phone="+8613800138002", name="测试")
    debtor = records.recipient(borrower, "debtor")
    guarantor = records.recipient(borrower, "guarantor")
    now = timezone.now()
    records.attempt(debtor, at=now - timedelta(minutes=5))
    records.attempt(debtor, at=now - timedelta(minutes=4))
    records.attempt(
        debtor,
        at=now - timedelta(minutes=3),
        decision="deny",
        channel="call",
        categories=("time_window",),
    )
    records.attempt(guarantor, at=now - timedelta(minutes=2))
    records.complaint(
        at=now - timedelta(minutes=1),
        category="harassment",
        due_on=now.astimezone(operating_zone()).date() - timedelta(days=1),
    )
    roll_up_recent(now=now)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_dashboard_draws_each_chart_with_its_table_and_csv(officer, activity):
    response = officer.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    for slug in (
        "permits-per-day",
        "denials-by-category",
        "third-party",
        "sla-health",
        "auto-debit",
    ):
        assert f'data-chart="{slug}"' in page
        assert f"format=csv&amp;chart={slug}" in page
    # Drawn on the server, scaled by its viewBox to the screen's width: nothing to load.
    assert 'viewBox="0 0 360 ' in page
    assert "<title>" in page
    assert "cdn" not in page.lower()


def test_the_csv_of_a_chart_has_a_key_row_then_its_figures(officer, activity):
    response = officer.get(PAGE, {"days": "7", "format": "csv", "chart": "permits-by-channel"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["key", "label", "allow", "deny", "total", "rate"]
    figures = {row[0]: row[2:5] for row in rows[2:]}
    assert figures == {"call": ["0", "1", "1"], "sms": ["3", "0", "3"]}


def test_third_party_contacts_are_rated_per_thousand_accounts(officer, activity):
    rows = _csv(officer.get(PAGE, {"format": "csv", "chart": "third-party"}))

    guarantor = next(row for row in rows[2:] if row[0] == "guarantor")
    # One allowed contact, one loan held (none in this test): no base, no rate.
    assert guarantor[2:5] == ["1", "0", "1"]


def test_a_bar_leads_to_the_records_behind_it(officer, activity):
    today = timezone.now().astimezone(operating_zone()).date().isoformat()
    response = officer.get(
        RECORDS,
        {
            "chart": "permits",
            "start": today,
            "end": today,
            "decision": "deny",
            "category": "time_window",
        },
    )

    assert response.status_code == 200
    assert response.context["records"].total == 1
    [line] = response.context["records"].rows
    denied = ContactAttempt.objects.get(decision="deny")
    assert line[1].text == denied.verification_code


def test_the_complaint_deadlines_chart_counts_a_late_complaint_as_breached(officer, activity):
    rows = _csv(officer.get(PAGE, {"format": "csv", "chart": "sla-health"}))

    assert {row[0]: row[2] for row in rows[2:]} == {"on_time": "0", "at_risk": "0", "breached": "1"}
    response = officer.get(RECORDS, {"chart": "complaints", "days": "7", "standing": "breached"})
    assert response.context["records"].total == 1


@pytest.mark.parametrize(
    "query",
    [
        {"days": "5"},
        {"days": "", "start": "2026-03-09", "end": "2026-03-01"},
        {"days": "", "start": "not-a-date", "end": "2026-03-01"},
        {"days": "", "start": "2026-03-01"},
        {"days": "", "start": "2020-01-01", "end": "2022-01-01"},
        {"days": "", "start": "2999-01-01", "end": "2999-01-02"},
        {"pack": "no-such-pack"},
    ],
)
def test_a_bad_period_is_a_form_error_not_a_failure(officer, query):
    response = officer.get(PAGE, query)

    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert "charts" not in response.context


def test_dates_of_ones_own_choose_the_period(officer, activity):
    response = officer.get(PAGE, {"days": "", "start": "2026-03-01", "end": "2026-03-03"})

    assert response.status_code == 200
    assert len(response.context["charts"][0].rows) == 3


def test_an_unknown_chart_is_refused(officer):
    assert officer.get(PAGE, {"format": "csv", "chart": "nope"}).status_code == 400
    assert officer.get(RECORDS, {"chart": "nope"}).status_code == 400


def test_collectors_cannot_open_the_dashboards():
    client = Client()
    sign_in_staff(client, make_staff("collector-ovs", Role.COLLECTOR))

    assert client.get(PAGE).status_code == 403
    assert client.get(RECORDS, {"chart": "permits"}).status_code == 403


@pytest.mark.parametrize("role", [Role.COMPLIANCE, Role.SUPERVISOR, Role.ADMIN])
def test_the_staff_home_links_the_dashboards_for_each_overseeing_role(role):
    client = Client()
    sign_in_staff(client, make_staff(f"home-{role.value}", role))

    assert f'href="{PAGE}"' in client.get("/staff/").content.decode()


def test_columns_and_bars_stay_inside_the_drawing():
    bars = [
        charts.Bar(f"2026-03-{n:02d}", (charts.Segment("#000", n, "t", "/x"),), f"03-{n:02d}")
        for n in range(1, 31)
    ]
    for layout in ("columns", "bars"):
        drawing = charts.draw(bars, layout)
        for rect in drawing.rects:
            assert rect.x >= 0
            assert rect.x + rect.width <= drawing.width
            assert rect.y >= 0
            assert rect.y + rect.height <= drawing.height
        assert drawing.width == charts.WIDTH

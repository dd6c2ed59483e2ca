"""`make run` shows the oversight dashboards with the demo's 30 days in them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.contacts.models import ContactAttempt
from tactful.demo.activity import WINDOW_DAYS
from tactful.demo.seed import seed_demo
from tactful.oversight import metrics
from tactful.oversight.selectors import totals_by
from tactful.oversight.services import operating_zone
from tactful.testing.personas import make_staff, sign_in_staff
from tactful.treatments.models import PlanEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path  # the recordings' storage


def test_the_demo_rolls_up_its_activity_for_the_dashboards():
    seed_demo(borrowers=60, seed=7)

    today = timezone.now().astimezone(operating_zone()).date()
    first = today - timedelta(days=WINDOW_DAYS + 1)
    rolled = totals_by(metrics.PERMITS, "decision", first=first, last=today)
    assert rolled[("allow",)] > 0
    assert rolled[("deny",)] > 0
    assert sum(rolled.values()) == ContactAttempt.objects.count()
    assert totals_by(metrics.COMPLAINTS, "category", first=first, last=today)
    # The day's plan: every account of it is a contact the contact-everyone baseline makes.
    planned = totals_by(metrics.PLAN_ENTRIES, "treatment", first=first, last=today)
    assert sum(planned.values()) == PlanEntry.objects.count() > 0


def test_the_contacts_avoided_chart_reads_the_plan(client):
    seed_demo(borrowers=60, seed=7)
    sign_in_staff(client, make_staff("officer-demo-ovs", Role.COMPLIANCE))

    response = client.get("/staff/oversight/", {"format": "csv", "chart": "contacts-avoided"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["key", "label", "contacted", "avoided", "total", "rate"]
    left_alone = {row[0]: int(row[3]) for row in rows[2:]}
    assert (
        sum(left_alone.values())
        == PlanEntry.objects.filter(treatment__in=["wait", "review"]).count()
    )
    behind = client.get("/staff/oversight/records/", {"chart": "plan", "treatment": "wait"})
    assert behind.context["records"].total == PlanEntry.objects.filter(treatment="wait").count()

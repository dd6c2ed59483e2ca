"""Recovery by treatment: the plan's accounts that paid on the plan's day, counted in the
database, equal the same accounts found one by one; the oversight chart reads them."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest

from tactful.accounts.roles import Role
from tactful.demo.seed import seed_demo
from tactful.loans.models import EntryKind, LedgerEntry
from tactful.loans.services import post_payment
from tactful.oversight.services import rebuild_rollups
from tactful.testing.personas import make_staff, sign_in_staff
from tactful.treatments import selectors
from tactful.treatments.models import PlanEntry
from tactful.treatments.services import build_daily_plan
from tactful.treatments.tests.conftest import DAY, MORNING

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned_and_paid(db):
    seed_demo(borrowers=12, seed=7, today=DAY)
    plan = build_daily_plan(plan_date=DAY, at=MORNING, actor="test")
    entries = list(PlanEntry.objects.filter(plan=plan).select_related("loan").order_by("pk"))
    assert len(entries) >= 2
    for entry in entries[:2]:
        post_payment(loan=entry.loan, amount=Decimal("1.00"), value_date=DAY, actor="test")
    return plan


def paying_one_by_one(plan) -> Counter[str]:
    paid = set(
        LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, value_date=DAY).values_list(
            "loan_id", flat=True
        )
    )
    return Counter(e.treatment for e in PlanEntry.objects.filter(plan=plan) if e.loan_id in paid)


def test_paying_accounts_per_treatment_equal_a_count_one_by_one(planned_and_paid):
    counted = selectors.paying_entry_counts_per_day(first=DAY, last=DAY)

    expected = paying_one_by_one(planned_and_paid)
    assert {parts[0]: n for _day, _pack, parts, n in counted} == dict(expected)
    assert sum(expected.values()) >= 2
    assert {day for day, *_ in counted} == {DAY}


def test_the_recovery_chart_and_its_records_show_the_paying_accounts(planned_and_paid, client):
    rebuild_rollups(first=DAY, last=DAY)
    sign_in_staff(client, make_staff("officer-recovery", Role.COMPLIANCE))
    period = {"start": DAY.isoformat(), "end": DAY.isoformat()}

    answer = client.get("/staff/oversight/", {**period, "format": "csv", "chart": "recovery"})

    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["key", "label", "paid", "total", "rate"]
    expected = paying_one_by_one(planned_and_paid)
    assert {row[0]: int(row[2]) for row in rows[2:] if int(row[2])} == dict(expected)
    treatment = next(iter(expected))
    behind = client.get(
        "/staff/oversight/records/",
        {**period, "chart": "plan", "treatment": treatment, "paid": "1"},
    )
    assert behind.context["records"].total == expected[treatment]

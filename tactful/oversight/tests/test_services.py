"""Rebuilding the roll-ups: every metric counted on its local day, idempotent, and a range
checked before anything is deleted."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from tactful.accounts.roles import Role
from tactful.errors import InvalidInput
from tactful.oversight import metrics
from tactful.oversight.models import DailyCount
from tactful.oversight.selectors import last_rolled_up_day, rolled_up_packs, totals_by
from tactful.oversight.services import rebuild_rollups, roll_up_recent
from tactful.oversight.tests import records
from tactful.testing.personas import make_borrower, make_overdue_loan, make_staff

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)
# 23:30 on 1 March in Shanghai is 15:30 UTC: the day before, whatever the UTC date says.
LATE_EVENING_BEFORE = datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)


@pytest.fixture
def borrower():
    return make_borrower(external_id="b-ovs", phone="+8613800138001", name="测试")


@pytest.fixture
def debtor(borrower):
    return records.recipient(borrower, "debtor")


def _totals(metric, *parts, pack="", first=DAY, last=DAY):
    return totals_by(metric, *parts, first=first, last=last, pack=pack)


def test_permits_fall_on_their_local_day(debtor):
    records.attempt(debtor, at=NOON)
    records.attempt(debtor, at=NOON, decision="deny", categories=("time_window", "frequency"))
    records.attempt(debtor, at=LATE_EVENING_BEFORE)

    written = rebuild_rollups(first=DAY - timedelta(days=1), last=DAY)

    assert written == 3
    assert _totals(metrics.PERMITS, "decision") == {("allow",): 1, ("deny",): 1}
    assert _totals(metrics.PERMITS, "categories", first=DAY, last=DAY) == {
        ("",): 1,
        ("frequency;time_window",): 1,
    }
    yesterday = DAY - timedelta(days=1)
    assert _totals(metrics.PERMITS, "decision", first=yesterday, last=yesterday) == {("allow",): 1}


def test_a_pack_narrows_the_records_that_carry_one(debtor, borrower):
    records.attempt(debtor, at=NOON, pack="cn")
    records.attempt(debtor, at=NOON, pack="uk")
    records.withdrawal(borrower, at=NOON, purpose="channel_sms")
    rebuild_rollups(first=DAY, last=DAY)

    assert _totals(metrics.PERMITS, "decision", pack="uk") == {("allow",): 1}
    assert _totals(metrics.PERMITS, "decision") == {("allow",): 2}
    # Consent events carry no pack: every pack counts them.
    assert _totals(metrics.WITHDRAWALS, "purpose", pack="uk") == {("channel_sms",): 1}
    assert rolled_up_packs() == ["cn", "uk"]


def test_call_findings_signals_and_reviews_are_counted(debtor):
    collector = make_staff("collector-ovs", Role.COLLECTOR)
    call = records.inspected_call(debtor, at=NOON, collector=collector)
    records.finding(call, "threat")
    records.finding(call, "insult")
    records.inspected_call(debtor, at=NOON)
    quick = records.inspected_call(debtor, at=NOON)
    records.distress(quick, acknowledged_after=timedelta(minutes=20))
    slow = records.inspected_call(debtor, at=NOON - timedelta(hours=2))
    records.distress(slow, acknowledged_after=timedelta(hours=30))
    waiting = records.inspected_call(debtor, at=NOON)
    records.distress(waiting, acknowledged_after=None)

    rebuild_rollups(first=DAY, last=DAY + timedelta(days=1))

    assert _totals(metrics.CALLS, "collector") == {(str(collector.pk),): 1, ("none",): 4}
    assert _totals(metrics.FINDINGS, "category", "collector") == {
        ("threat", str(collector.pk)): 1,
        ("insult", str(collector.pk)): 1,
    }
    assert _totals(metrics.SIGNALS, "kind") == {("distress",): 3}
    # Reviews fall on the day of the review: the slow one the next day.
    assert _totals(metrics.ALERT_REVIEWS, "within") == {("1h",): 1}
    next_day = DAY + timedelta(days=1)
    assert _totals(metrics.ALERT_REVIEWS, "within", first=next_day, last=next_day) == {("72h",): 1}


def test_promises_debits_complaints_and_opt_outs_are_counted(debtor, borrower):
    loan = make_overdue_loan(borrower, external_id="l-ovs")
    records.promise_outcome(loan, decided_on=DAY, state="kept")
    records.promise_outcome(loan, decided_on=DAY, state="broken")
    records.debit_result(loan, at=NOON, outcome="succeeded")
    records.complaint(at=NOON, category="harassment", due_on=DAY + timedelta(days=10))
    records.opt_out(debtor, at=NOON)

    rebuild_rollups(first=DAY, last=DAY)

    assert _totals(metrics.PROMISES, "state") == {("kept",): 1, ("broken",): 1}
    assert _totals(metrics.DEBITS, "outcome") == {("succeeded",): 1}
    assert _totals(metrics.COMPLAINTS, "category") == {("harassment",): 1}
    assert _totals(metrics.OPT_OUTS, "role") == {("debtor",): 1}


def test_rebuilding_is_idempotent_and_forgets_what_is_gone(debtor):
    records.attempt(debtor, at=NOON)
    rebuild_rollups(first=DAY, last=DAY)
    rebuild_rollups(first=DAY, last=DAY)

    assert DailyCount.objects.get(metric="permits").count == 1
    # A day outside the range is left as it was.
    DailyCount.objects.create(day=DAY + timedelta(days=5), metric="permits", key="x", count=7)
    rebuild_rollups(first=DAY, last=DAY)
    assert DailyCount.objects.filter(count=7).exists()
    assert last_rolled_up_day() == DAY + timedelta(days=5)


def test_the_hourly_job_rebuilds_yesterday_and_today(debtor):
    records.attempt(debtor, at=LATE_EVENING_BEFORE)
    records.attempt(debtor, at=NOON)

    roll_up_recent(now=NOON + timedelta(hours=1))

    assert set(DailyCount.objects.values_list("day", flat=True)) == {
        DAY - timedelta(days=1),
        DAY,
    }


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        (DAY, DAY - timedelta(days=1), "rollup_range_reversed"),
        (DAY - timedelta(days=400), DAY, "rollup_range_too_long"),
    ],
)
def test_a_bad_range_is_refused_and_deletes_nothing(debtor, first, last, code):
    records.attempt(debtor, at=NOON)
    rebuild_rollups(first=DAY, last=DAY)

    with pytest.raises(InvalidInput) as refusal:
        rebuild_rollups(first=first, last=last)

    assert refusal.value.code == code
    assert DailyCount.objects.count() == 1


def test_the_command_rebuilds_a_range_and_refuses_a_bad_date(debtor):
    records.attempt(debtor, at=NOON)

    call_command("rollup_oversight", "--from=2026-03-01", "--to=2026-03-02")

    assert DailyCount.objects.filter(day=DAY).count() == 1
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rollup_oversight", "--from=yesterday")

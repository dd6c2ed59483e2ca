"""The nightly plan as a batch run: read in chunks exactly as one loan at a time would be,
shown only once complete, shared by workers, finished after a worker is killed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tactful.audit.models import AuditEvent
from tactful.batches import services as batches
from tactful.batches.models import BatchChunk
from tactful.contacts import selectors as contacts
from tactful.contacts.facts import person_history, person_key
from tactful.contacts.models import Hold, OptOut, Recipient
from tactful.loans.ledger_view import dues_of, entries_of
from tactful.loans.models import Loan
from tactful.loans.selectors import loan_status
from tactful.oversight.tests.records import attempt
from tactful.policy.plan import call_counts_from_history
from tactful.screening.ledger import behaviour_from_ledger
from tactful.treatments import selectors
from tactful.treatments.models import DailyPlan, PlanEntry
from tactful.treatments.selectors import CALL_HISTORY_DAYS
from tactful.treatments.services import build_daily_plan, open_plan
from tactful.treatments.tests.conftest import DAY, MORNING


def one_loan_at_a_time(loan: Loan) -> dict[str, Any] | None:
    """A loan's planner row read the way one contact decision reads it: the reference."""
    status = loan_status(loan, as_of=DAY)
    if status.days_past_due < 1:
        return None
    row: dict[str, Any] = behaviour_from_ledger(
        dues_of(loan),
        entries_of(loan),
        opened_on=loan.disbursed_on,
        as_of=DAY,
        limit=loan.principal,
        currency=loan.currency,
    )
    row.update(
        account=str(loan.pk), days_past_due=status.days_past_due, amount_due=str(status.due_now)
    )
    zone = loan.borrower.time_zone or ""
    recipients = list(contacts.own_number_recipients(loan.borrower))
    person = [recipient.pk for recipient in recipients]
    holds = contacts.active_holds(loan=loan, recipient_ids=person, now=MORNING)
    row.update(
        recipient_timezone=zone,
        holds=";".join(holds.values_list("kind", flat=True)),
        opted_out="true" if contacts.opted_out(recipient_ids=person, now=MORNING) else "false",
        collector_certified="true",
    )
    if recipients and zone:
        history = person_history(recipients[0], person, now=MORNING)
        row.update(
            call_counts_from_history(
                history,
                recipient=person_key(recipients[0]),
                zone=zone,
                at=MORNING,
                days=CALL_HISTORY_DAYS,
            )
        )
    else:
        row.update(selectors._no_calls())
    return row


def _own_recipient(loan: Loan) -> Recipient:
    number = loan.borrower.phone_numbers.get(is_primary=True)
    return Recipient.objects.create(borrower=loan.borrower, role="debtor", phone_number=number)


def _hold(**scope: Any) -> Hold:
    return Hold.objects.create(
        kind="complaint",
        starts_at=MORNING - timedelta(days=3),
        source="test",
        placed_at=timezone.now(),
        placed_by="test",
        **scope,
    )


@pytest.mark.django_db
def test_a_chunk_reads_each_loan_as_one_decision_would(portfolio) -> None:
    overdue = selectors.overdue_loan_ids(as_of=DAY)
    loans = Loan.objects.filter(pk__in=overdue).order_by("pk")
    first, second, third = loans[0], loans[1], loans[2]
    _hold(loan=first)
    own = _own_recipient(second)
    _hold(recipient=own)
    third_own = _own_recipient(third)
    OptOut.objects.create(
        recipient=third_own,
        source="test",
        recorded_at=MORNING - timedelta(days=1),
        recorded_by="test",
    )
    for days_ago, outcome_hours in ((0, 1), (1, 2), (3, 3), (9, 4)):
        attempt(own, at=MORNING - timedelta(days=days_ago, hours=outcome_hours), channel="call")
    attempt(third_own, at=MORNING - timedelta(hours=5), channel="sms")

    batched = selectors.accounts_frame_of(overdue, as_of=DAY, at=MORNING)
    expected = [row for loan in loans if (row := one_loan_at_a_time(loan)) is not None]

    assert batched.height == len(expected) > 3
    assert (
        batched.to_dicts() == pl.DataFrame(expected, schema=batched.schema, orient="row").to_dicts()
    )
    rows = {row["account"]: row for row in batched.to_dicts()}
    assert rows[str(first.pk)]["holds"] == "complaint"
    assert rows[str(second.pk)]["holds"] == "complaint"
    assert rows[str(third.pk)]["opted_out"] == "true"
    assert rows[str(second.pk)]["calls_connected"].startswith("1;1;0;1")


@pytest.mark.django_db
def test_a_plan_in_small_chunks_is_the_plan_made_whole_in_memory(portfolio) -> None:
    from tactful.contacts.packs import configured_pack
    from tactful.screening.daily import PlanSettings, plan_day, plan_summary
    from tactful.screening.strategy import load_strategy
    from tactful.treatments.services import shipped_bundle

    planner = PlanSettings(shipped_bundle(), load_strategy("cn"), configured_pack())
    accounts = selectors.plan_accounts_frame(as_of=DAY, at=MORNING)
    whole = plan_day(accounts.drop("amount_due"), settings=planner, at=MORNING)

    chunked = build_daily_plan(plan_date=DAY, at=MORNING, actor="test", chunk_size=3)

    expected = sorted(
        (int(row["account"]), row["treatment"], row["channel"] or "", row["allowed_now"])
        for row in whole.iter_rows(named=True)
    )
    stored = PlanEntry.objects.filter(plan=chunked)
    assert sorted(stored.values_list("loan_id", "treatment", "channel", "allowed_now")) == expected
    assert chunked.summary == plan_summary(whole)
    assert len(expected) > 3
    # Every field arrives as planned (on PostgreSQL the rows are copied in, not inserted).
    due = dict(zip(accounts.get_column("account"), accounts.get_column("amount_due"), strict=True))
    for row in whole.iter_rows(named=True):
        entry = stored.get(loan_id=int(row["account"]))
        planned_next = row["next_allowed_at"]
        if planned_next is not None and planned_next.tzinfo is None:
            planned_next = planned_next.replace(tzinfo=UTC)
        assert (
            entry.days_past_due, entry.bucket, entry.band, entry.blocked_by, entry.reasons
        ) == (row["days_past_due"], row["bucket"], row["band"], row["blocked_by"] or "",
              row["reasons"] or "")  # fmt: skip
        assert (entry.risk, entry.self_cure) == pytest.approx((row["risk"], row["self_cure"]))
        assert entry.next_allowed_at == planned_next
        assert entry.amount_due == Decimal(due[row["account"]])


@pytest.mark.django_db
def test_a_plan_half_built_is_not_shown_and_is_finished_by_the_next_build(portfolio) -> None:
    plan, run = open_plan(plan_date=DAY, at=MORNING, actor="test", chunk_size=3)
    assert run is not None
    chunk = batches.lease_chunk(run, worker="dead:1", lease=timedelta(minutes=2))
    assert chunk is not None
    # The worker stored its rows and died before marking the chunk done.
    from tactful.treatments.services import plan_chunk

    plan_chunk(run, list(chunk.item_ids))
    assert PlanEntry.objects.filter(plan=plan).exists()
    assert not plan.complete
    assert selectors.latest_plan() is None
    assert plan.summary == {}

    again = build_daily_plan(plan_date=DAY, at=MORNING, actor="test", chunk_size=3)
    assert again.pk == plan.pk
    assert not again.complete  # the dead worker's chunk waits for its lease to age
    BatchChunk.objects.filter(pk=chunk.pk).update(leased_at=MORNING - timedelta(days=1))
    done = build_daily_plan(plan_date=DAY, at=MORNING, actor="test", chunk_size=3)

    assert done.complete
    assert selectors.latest_plan() == done
    overdue = selectors.overdue_loan_ids(as_of=DAY)
    assert sorted(PlanEntry.objects.filter(plan=done).values_list("loan_id", flat=True)) == overdue
    assert done.summary["accounts"] == len(overdue)
    assert AuditEvent.objects.filter(action="treatments.plan_built").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_plan_leaves_no_double_rows(portfolio) -> None:
    plan, run = open_plan(plan_date=DAY, at=MORNING, actor="test", chunk_size=4)
    assert run is not None
    assert run.chunks >= 3
    killed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tactful.batches.tests.crash_worker",
            str(connection.settings_dict["NAME"]),
            str(run.reference),
            "2",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        capture_output=True,
        timeout=180,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    # Two chunks' rows are stored, one chunk is marked done.
    assert batches.chunks_done(run) == 1
    stored = PlanEntry.objects.filter(plan=plan).count()
    assert stored > 4

    assert batches.drain(run, lease=timedelta(0)) == run.chunks - 1
    plan.refresh_from_db()
    overdue = selectors.overdue_loan_ids(as_of=DAY)
    loans = list(PlanEntry.objects.filter(plan=plan).values_list("loan_id", flat=True))
    assert sorted(loans) == overdue
    complete = DailyPlan.objects.select_related("completion").get(pk=plan.pk)
    assert complete.summary["accounts"] == len(overdue)
    assert AuditEvent.objects.filter(action="treatments.plan_built").count() == 1

"""Benchmark the nightly plan through the database: a million overdue accounts, planned as a
batch run (`tactful.batches`) that 1 or more worker processes share.

Run from the repository root, on PostgreSQL (the figure the capacity plan rests on):

    createdb -h 127.0.0.1 -U postgres tactful_plan
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_plan \\
        .venv/bin/python benchmarks/plan_bench.py [--accounts 1000000] [--workers 2]

The book is written once per database (kept for the next run; `--accounts` more are added
when it holds fewer): a template borrower and overdue loan made through the services, then
copied in SQL (`INSERT … SELECT … generate_series`), each copy with its own external id
and reference, a number and its recipient (as a borrower once contacted has), its 12
installments, and on every third loan one payment. A run then opens
the day's plan (listing the overdue loans and cutting them into chunks) and starts
`--workers` processes of `manage.py batch_runs --drain`, as `db_worker` processes running
the task `drain_batch_run` would; the time is from opening the run to its last chunk. Each
run plans a new day (the book's next unplanned date), so runs can be repeated on one book.

It prints the time, accounts planned per second, the plan's summary, that every overdue
loan has exactly one row, and each worker's share.

`--measure-chunks N` instead opens the next day's plan and plans its first N chunks in the
bench's own process, storing their rows, then rolls it all back; it prints the CPU and
wall time per chunk: run it alternately on two
versions of the code to compare them (this machine's speed drifts too much for one run
against another made an hour apart).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 120.0
PREFIX = "plan-bench-"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=2000, help="loans per chunk")
    parser.add_argument(
        "--measure-chunks",
        type=int,
        default=0,
        metavar="N",
        help="instead of a run: plan N chunks of the next day in this process, then roll it "
        "all back, and print the CPU and wall time per chunk (to compare two versions of code)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.accounts < 1 or args.workers < 1 or args.chunk < 1:
        print("--accounts, --workers and --chunk must be at least 1", file=sys.stderr)
        return 2
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("set DATABASE_URL to an empty PostgreSQL database of its own", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    written = write_book(args.accounts)
    print(
        f"book: {args.accounts:,} accounts "
        f"({written:,} written now, {time.perf_counter() - started:.0f} s)"
    )
    if args.measure_chunks > 0:
        return measure_chunks(args.measure_chunks, args.chunk)
    return plan(args)


class _RolledBack(Exception):
    """Raised to undo a measured chunk's rows."""


def measure_chunks(count: int, chunk_size: int) -> int:
    """Open the next day's plan, plan its first `count` + 1 chunks in this process and roll
    everything back; print the mean CPU and wall time per chunk (the first chunk, which
    loads the models, untimed). The chunks store their rows, as in a real run."""
    from django.db import transaction

    from tactful.batches.services import do_chunk_paused
    from tactful.treatments.services import NIGHTLY_ACTOR, open_plan, plan_chunk

    day = _next_day()
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    cpu = wall = 0.0
    measured = 0
    try:
        with transaction.atomic():
            _, run = open_plan(plan_date=day, at=at, actor=NIGHTLY_ACTOR, chunk_size=chunk_size)
            assert run is not None
            for number, chunk in enumerate(run.chunk_rows.order_by("number")[: count + 1]):
                started, started_cpu = time.perf_counter(), time.process_time()
                do_chunk_paused(plan_chunk, run, list(chunk.item_ids))
                if number > 0:
                    cpu += time.process_time() - started_cpu
                    wall += time.perf_counter() - started
                    measured += 1
            raise _RolledBack
    except _RolledBack:
        pass
    measured = max(measured, 1)
    print(
        f"chunks measured  {measured} of the plan of {day} (rolled back)\n"
        f"per chunk        CPU {cpu / measured * 1000:.0f} ms, wall {wall / measured * 1000:.0f} ms"
    )
    return 0


def write_book(accounts: int) -> int:
    """Make sure the book holds `accounts` overdue loans; return how many were written now."""
    from django.db import connection, transaction

    from tactful.loans.models import Loan

    have = Loan.objects.filter(external_id__startswith=PREFIX).count()
    if have >= accounts:
        return 0
    template = template_loan()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(have, accounts, 100_000):
            count = min(100_000, accounts - start)
            copy_accounts(cursor, template, start, count)
            print(f"  written {start + count:,} / {accounts:,}", flush=True)
        for table in (
            "borrowers_borrower",
            "borrowers_phonenumber",
            "contacts_recipient",
            "loans_loan",
            "loans_installment",
            "loans_ledgerentry",
        ):
            cursor.execute(f"ANALYZE {table}")
    return accounts - have


def template_loan() -> Any:
    """The borrower and overdue loan every account copies, made through the services once."""
    from decimal import Decimal

    from tactful.contacts.services import recipients_for_borrower
    from tactful.loans.models import Loan
    from tactful.loans.services import post_payment
    from tactful.testing.personas import make_borrower, make_overdue_loan

    found = Loan.objects.filter(external_id="plan-template-loan").first()
    if found is not None:
        return found
    borrower = make_borrower(external_id="plan-template", phone="+8613800000001")
    # A borrower once contacted has a recipient for their number: the plan reads it.
    recipients_for_borrower(borrower=borrower)
    loan = make_overdue_loan(borrower, external_id="plan-template-loan", days_ago=120)
    first_due = loan.installments.order_by("n")[0]
    post_payment(loan=loan, amount=Decimal("500.00"), value_date=first_due.due_date, actor="bench")
    return loan


def copy_accounts(cursor, template, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """Copy the template borrower and loan `count` times (numbers start+1 … start+count)."""
    series = f"generate_series({start + 1}, {start + count}) AS g"
    borrower_columns = _columns(cursor, "borrowers_borrower")
    overrides = {
        "reference": "gen_random_uuid()",
        "external_id": f"'{PREFIX}b-' || g",
    }
    cursor.execute(
        _copy_sql(
            "borrowers_borrower",
            borrower_columns,
            overrides,
            series,
            f"t.id = {template.borrower_id}",
        )
    )
    new_borrower = f"(SELECT id FROM borrowers_borrower WHERE external_id = '{PREFIX}b-' || g)"
    # The copies share the template's (fictional) number; each needs its own blind index.
    template_index = (
        f"(SELECT e164_index FROM borrowers_phonenumber WHERE borrower_id = {template.borrower_id})"
    )
    copy_index = f"encode(sha256(({template_index} || '-' || g)::bytea), 'hex')"
    number_columns = _columns(cursor, "borrowers_phonenumber")
    cursor.execute(
        _copy_sql(
            "borrowers_phonenumber", number_columns,
            {"borrower_id": new_borrower, "e164_index": copy_index},
            series, f"t.borrower_id = {template.borrower_id}",
        )
    )  # fmt: skip
    recipient_columns = _columns(cursor, "contacts_recipient")
    cursor.execute(
        _copy_sql(
            "contacts_recipient", recipient_columns,
            {
                "borrower_id": new_borrower,
                "public_id": "gen_random_uuid()",
                "phone_number_id": (
                    "(SELECT n.id FROM borrowers_phonenumber AS n "
                    f"WHERE n.e164_index = {copy_index})"
                ),
            },
            series, f"t.borrower_id = {template.borrower_id}",
        )
    )  # fmt: skip
    loan_columns = _columns(cursor, "loans_loan")
    overrides = {
        "reference": "gen_random_uuid()",
        "external_id": f"'{PREFIX}l-' || g",
        "borrower_id": new_borrower,
    }
    cursor.execute(
        _copy_sql("loans_loan", loan_columns, overrides, series, f"t.id = {template.pk}")
    )
    new_loans = f"(SELECT id FROM loans_loan WHERE external_id = '{PREFIX}l-' || g)"
    installment_columns = _columns(cursor, "loans_installment")
    cursor.execute(
        _copy_sql(
            "loans_installment",
            installment_columns,
            {"loan_id": new_loans},
            series,
            f"t.loan_id = {template.pk}",
        )
    )
    entry_columns = _columns(cursor, "loans_ledgerentry")
    cursor.execute(
        _copy_sql(
            "loans_ledgerentry", entry_columns,
            {"loan_id": new_loans, "reference": "gen_random_uuid()", "external_reference": "''"},
            series, f"t.loan_id = {template.pk} AND g % 3 = 0",
        )
    )  # fmt: skip


def _columns(cursor, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_sql(
    table: str, columns: list[str], overrides: dict[str, str], series: str, where: str
) -> str:
    values = ", ".join(overrides.get(column, f"t.{column}") for column in columns)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {values} FROM {table} AS t, {series} WHERE {where}"
    )


def plan(args: argparse.Namespace) -> int:
    """Plan the next unplanned day with `--workers` processes; print the figures."""
    from django.db import connection

    from tactful.batches import selectors
    from tactful.treatments.models import DailyPlan, PlanEntry
    from tactful.treatments.services import NIGHTLY_ACTOR, open_plan

    day = _next_day()
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    started = time.perf_counter()
    daily, run = open_plan(plan_date=day, at=at, actor=NIGHTLY_ACTOR, chunk_size=args.chunk)
    opened = time.perf_counter() - started
    assert run is not None
    print(
        f"plan {day}: {run.items:,} overdue loans in {run.chunks} chunks "
        f"(opened in {opened:.1f} s)",
        flush=True,
    )
    command = [
        sys.executable,
        "manage.py",
        "batch_runs",
        "--drain",
        "--job",
        run.job,
        "--limit",
        "1",
    ]
    workers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(args.workers)
    ]
    outputs = [worker.communicate()[0] for worker in workers]
    seconds = time.perf_counter() - started
    if any(worker.returncode for worker in workers):
        print(f"a worker failed: {[worker.returncode for worker in workers]}", file=sys.stderr)
        return 1
    complete = DailyPlan.objects.select_related("completion").get(pk=daily.pk)
    rows = PlanEntry.objects.filter(plan=complete)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT loan_id) FROM treatments_planentry WHERE plan_id = %s",
            [complete.pk],
        )
        total, distinct = cursor.fetchone()
    once = complete.complete and total == distinct == run.items
    [progress] = [
        row for row in selectors.recent_runs(limit=5) if row.reference == str(run.reference)
    ]
    print(f"workers                {args.workers} (chunks of {args.chunk:,} loans)")
    for output in outputs:
        print("  " + output.strip().splitlines()[0])
    print(f"accounts planned       {rows.count():,} ({progress.done}/{progress.chunks} chunks)")
    if args.accounts >= 1_000_000 and args.workers >= 2:
        verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
    else:
        verdict = f"1,000,000 at this rate: {seconds * 1_000_000 / run.items:,.0f} s"
    print(
        f"seconds                {seconds:,.1f} "
        f"(target ≤ {TARGET_SECONDS:.0f} for 1,000,000 with 2 workers: {verdict})"
    )
    print(f"accounts per second    {run.items / seconds:,.0f}")
    print(f"summary                {complete.summary}")
    print(f"one row per loan       {once}")
    return 0 if once else 1


def _next_day() -> date:
    """The book's next unplanned day: 120 days after the template loan, then day after day."""
    from tactful.loans.models import Loan
    from tactful.treatments.models import DailyPlan

    template = Loan.objects.get(external_id="plan-template-loan")
    day = template.disbursed_on + timedelta(days=120)
    planned = set(DailyPlan.objects.values_list("plan_date", flat=True))
    while day in planned:
        day += timedelta(days=1)
    return day


if __name__ == "__main__":
    sys.exit(main())

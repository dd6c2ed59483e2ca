"""Benchmark the oversight dashboards over many permits: the roll-up, then the page.

Run it against PostgreSQL (the figures in docs/oversight.md come from there):

    createdb -h 127.0.0.1 -U postgres tactful_oversight
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_oversight \\
        .venv/bin/python benchmarks/oversight_bench.py [--attempts 2000000] [--days 90]

It migrates the database and, once, writes `--attempts` permits spread evenly over the last
`--days` days with PostgreSQL's generate_series (the services would take days): allowed and
denied, texts and calls, to the borrower and to three other kinds of recipient, with one or
two reason categories on the denials. Then it rebuilds the roll-ups of the whole range
(timed), rebuilds one day (the hourly job's share), and asks the dashboard over the last
`--days` days `--repeats` times as a compliance officer (Django's test client: server time,
no network), printing p50 and p95 in ms and the queries per page, and the records behind
one day's bar likewise. Last, it checks that the dashboard's total equals a count(*) over
the permits.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper
    from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")

OFFICER = "ovs.bench.officer"
BORROWER = "ovs-bench-borrower"
ROLES = ("debtor", "guarantor", "emergency_contact", "third_party")
TARGET_MS = 1000.0
CHUNK = 2_000_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeats", type=int, default=30)
    return parser.parse_args(argv)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        check=True,
        cwd=ROOT,
    )
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("this benchmark writes with PostgreSQL's generate_series: set DATABASE_URL")
        return 2
    write_attempts(args.attempts, args.days)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    roll_up(args.days)
    p95 = measure(args.days, args.repeats)
    measure_records(args.repeats)
    check_total(args.days)
    print(f"dashboard p95 {p95:.0f} ms (target under {TARGET_MS:.0f} ms)")
    return 0 if p95 < TARGET_MS else 1


def write_attempts(count: int, days: int) -> None:
    from django.db import connection

    from tactful.contacts.models import ContactAttempt

    have = ContactAttempt.objects.filter(requested_by="bench").count()
    if have >= count:
        progress(f"reusing {have} permits")
        return
    recipients = bench_recipients()
    _prepare_months(days)
    started = time.perf_counter()
    table = ContactAttempt._meta.db_table
    chosen = _columns(recipients, days, count)
    with connection.cursor() as cursor:
        for name, null_ok in _required_columns(cursor, table):
            # A column added later that this benchmark does not know: its empty value.
            chosen.setdefault(name, "''" if not null_ok else "NULL")
        names = ", ".join(chosen)
        values = ", ".join(chosen.values())
        # In chunks, each committed: an interrupted run resumes where it stopped.
        for first in range(have + 1, count + 1, CHUNK):
            last = min(first + CHUNK - 1, count)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {values} FROM generate_series(%s, %s) AS i",
                [first, last],
            )
            progress(f"permits {last}/{count}")
    progress(f"{count - have} permits written in {time.perf_counter() - started:.0f} s")


def _prepare_months(days: int) -> None:
    """Give each month the permits span a partition first (PostgreSQL), as the daily job
    would have, rather than writing months of permits into the default partition."""
    from datetime import timedelta

    from django.utils import timezone

    from tactful.audit.partitions import prepare_months

    first = (timezone.now() - timedelta(days=days)).date()
    prepare_months(today=first, ahead=days // 28 + 1)


def _columns(recipients: list[int], days: int, count: int) -> dict[str, str]:
    """The SQL of each column of permit i: spread over the days, about one in five denied.

    `%%` is the modulo operator, doubled for the driver's placeholders.
    """
    ids = "ARRAY[" + ",".join(str(pk) for pk in recipients) + "]"
    seconds = days * 86400
    return {
        "permit_id": "gen_random_uuid()",
        "recipient_id": f"({ids})[1 + (CASE WHEN i %% 10 = 0 THEN 1 + i %% 3 ELSE 0 END)]",
        "channel": "CASE WHEN i %% 3 = 0 THEN 'call' ELSE 'sms' END",
        "purpose": "'collection'",
        "automated": "false",
        "requested_by_recipient": "false",
        "attempt": "'{}'::jsonb",
        "facts": "'{}'::jsonb",
        "decision": "CASE WHEN i %% 5 = 0 THEN 'deny' ELSE 'allow' END",
        "categories": (
            "CASE WHEN i %% 5 <> 0 THEN '[]'::jsonb WHEN i %% 2 = 0 "
            'THEN \'["time_window"]\'::jsonb ELSE \'["frequency", "time_window"]\'::jsonb END'
        ),
        "reasons": "'[]'::jsonb",
        "pack": "CASE WHEN i %% 7 = 0 THEN 'uk' ELSE 'cn' END",
        "pack_version": "'bench'",
        "verification_code": "'B' || lpad(to_hex(i), 7, '0')",
        "requested_at": f"now() - make_interval(secs => ({seconds}.0 * i) / {count})",
        "requested_by": "'bench'",
    }


def _required_columns(cursor: CursorWrapper, table: str) -> list[tuple[str, bool]]:
    from django.db import connection

    description = connection.introspection.get_table_description(cursor, table)
    return [(column.name, bool(column.null_ok)) for column in description if column.name != "id"]


def bench_recipients() -> list[int]:
    from tactful.borrowers.models import Borrower
    from tactful.contacts.models import Recipient
    from tactful.testing.personas import make_borrower

    borrower = Borrower.objects.filter(external_id=BORROWER).first()
    if borrower is None:
        borrower = make_borrower(external_id=BORROWER, phone="+12025550177", name="Bench")
    pks = []
    for role in ROLES:
        found = Recipient.objects.filter(borrower=borrower, role=role).first()
        pks.append((found or Recipient.objects.create(borrower=borrower, role=role)).pk)
    return pks


def roll_up(days: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tactful.oversight.services import operating_zone, rebuild_rollups, roll_up_recent

    today = timezone.now().astimezone(operating_zone()).date()
    started = time.perf_counter()
    rows = rebuild_rollups(first=today - timedelta(days=days), last=today)
    progress(f"roll-up of {days + 1} days: {rows} rows in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    roll_up_recent(now=timezone.now())
    progress(f"hourly roll-up (yesterday and today): {time.perf_counter() - started:.2f} s")


def measure(days: int, repeats: int) -> float:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    officer_client(client)
    query = {"days": "90" if days >= 90 else "30"}
    client.get("/staff/oversight/", query)  # warm: templates, the pack
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/staff/oversight/", query)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[18]
    progress(f"dashboard ({query['days']} days): p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
             f"{len(queries)} queries")  # fmt: skip
    return p95


def measure_records(repeats: int) -> None:
    """Time the records behind one day's bar (the raw permits of a day, newest 200)."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from tactful.oversight.services import operating_zone

    client = Client()
    officer_client(client)
    day = (timezone.now().astimezone(operating_zone()) - timedelta(days=1)).date().isoformat()
    query = {"chart": "permits", "start": day, "end": day, "decision": "deny"}
    client.get("/staff/oversight/records/", query)  # warm
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get("/staff/oversight/records/", query)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[18]
    progress(f"records of one day's denials: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


def officer_client(client: Client) -> None:
    from tactful.accounts.models import User
    from tactful.accounts.roles import Role
    from tactful.testing.personas import make_staff, sign_in_staff

    officer = User.objects.filter(username=OFFICER).first() or make_staff(OFFICER, Role.COMPLIANCE)
    sign_in_staff(client, officer)


def check_total(days: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tactful.contacts.models import ContactAttempt
    from tactful.oversight import metrics
    from tactful.oversight.selectors import totals_by
    from tactful.oversight.services import operating_zone, window

    today = timezone.now().astimezone(operating_zone()).date()
    first = today - timedelta(days=days)
    rolled = sum(totals_by(metrics.PERMITS, first=first, last=today).values())
    span = window(first, today)
    started = time.perf_counter()
    counted = ContactAttempt.objects.filter(
        requested_at__gte=span.start, requested_at__lt=span.end
    ).count()
    elapsed = time.perf_counter() - started
    progress(f"permits rolled up {rolled}, counted {counted} ({elapsed:.1f} s for the count)")
    assert rolled == counted, (rolled, counted)


if __name__ == "__main__":
    raise SystemExit(main())

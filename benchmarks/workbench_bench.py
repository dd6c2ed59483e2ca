"""Benchmark the collector's pages on a large book: the worklist and the account page.

Run it against PostgreSQL (the figures in docs/workbench.md come from there):

    createdb -h 127.0.0.1 -U postgres tactful_workbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_workbench \\
        .venv/bin/python benchmarks/workbench_bench.py [--borrowers 20000] [--attempts 2000000]

It migrates the database and, once, writes the book: `--borrowers` borrowers with an
overdue loan each, a plan row per loan, `--attempts` earlier contact attempts spread over
them (150 of them about the sample account), and `--mine` accounts given to the bench
collector. Borrowers, loans, plan rows and attempts are bulk-written (the services would
take hours); the sample account, the collector and the template go through the services.
Then it asks each page `--repeats` times in this process (Django's test client, so the
figure is server time: queries, templates, no network) and prints p50 and p95 in ms and
the queries per page. A page's query count must not grow with its rows.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tactful.accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")

PREFIX = "wb-"
COLLECTOR = "wb.collector"
SAMPLE_PHONE = "+12025550150"  # the North American range reserved for fiction
BATCH = 5000
TARGET_MS = 150.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borrowers", type=int, default=20_000)
    parser.add_argument("--attempts", type=int, default=2_000_000)
    parser.add_argument("--mine", type=int, default=500, help="accounts given to the collector")
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
        print("note: not PostgreSQL; the figures to quote come from PostgreSQL", flush=True)
    collector, sample = prepare(args)
    if connection.vendor == "postgresql":
        # A bulk-written book has no planner statistics yet; autovacuum would gather them
        # within minutes on a live database, so the pages are measured with them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    measure(collector, sample, args.repeats)
    return 0


# --- the book ---------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[User, str]:
    from tactful.loans.models import Loan

    collector = ensure_collector()
    sample = ensure_sample_account(collector)
    have = Loan.objects.filter(external_id__startswith=f"{PREFIX}loan-").count()
    if have >= args.borrowers:
        progress(f"reusing the book: {have} loans")
        return collector, sample
    started = time.perf_counter()
    loans = write_borrowers_and_loans(args.borrowers, sample)
    write_plan(loans, sample)
    write_attempts(args.attempts, collector, sample)
    write_assignments(loans[: args.mine], collector)
    progress(f"book written in {time.perf_counter() - started:.0f} s")
    return collector, sample


def ensure_collector() -> User:
    from django.utils import timezone

    from tactful.accounts.models import User
    from tactful.accounts.roles import Role
    from tactful.accounts.services import create_staff_user
    from tactful.casework.services import approve_template, write_template
    from tactful.contacts.services import certify_collector

    found = User.objects.filter(username=COLLECTOR).first()
    if found is not None:
        return found
    user = create_staff_user(
        username=COLLECTOR,
        password=uuid.uuid4().hex + "-Aa1",
        roles=[Role.COLLECTOR],
        totp_key_hex=uuid.uuid4().hex + "00000000",
    )
    now = timezone.now()
    certify_collector(
        collector=user,
        certificate_number="WB-1",
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=3650),
        actor="bench",
    )
    author = create_staff_user(
        username="wb.author", password=uuid.uuid4().hex + "-Aa1", roles=[Role.COMPLIANCE]
    )
    approver = create_staff_user(
        username="wb.approver", password=uuid.uuid4().hex + "-Aa1", roles=[Role.COMPLIANCE]
    )
    template = write_template(
        name="reminder", language="zh-hans", audience="debtor", purpose="collection",
        body="您好，您的账户 {loan} 目前应还 {amount_due}。如需分期，可在应用内申请。",
        author=author,
    )  # fmt: skip
    approve_template(template=template, approver=approver)
    return user


def ensure_sample_account(collector: User) -> str:
    """The account whose page is measured: made through the services, given to the collector."""
    from django.utils import timezone

    from tactful.borrowers.services import BorrowerDetails, upsert_borrower
    from tactful.casework.services import assign
    from tactful.contacts.services import recipients_for_borrower
    from tactful.loans.models import Loan
    from tactful.loans.services import LoanTerms, open_loan

    external_id = f"{PREFIX}sample"
    if Loan.objects.filter(external_id=external_id).exists():
        return external_id
    borrower, _ = upsert_borrower(
        details=BorrowerDetails(
            external_id=f"{PREFIX}sample-borrower",
            name="王小明",
            id_country="cn",
            national_id="11010519491231002X",
            phones=[SAMPLE_PHONE],
            timezone_override="Asia/Shanghai",
        ),
        actor="bench",
    )
    loan, _ = open_loan(
        borrower=borrower,
        terms=LoanTerms(
            external_id=external_id,
            product="cash-12",
            principal=Decimal("12000.00"),
            annual_rate=Decimal("0.18"),
            term_months=12,
            method="equal_installment",
            disbursed_on=timezone.now().date() - timedelta(days=75),
            currency="CNY",
        ),
        actor="bench",
    )
    recipients_for_borrower(borrower=borrower)
    assign(loan=loan, collector=collector, by=collector)
    return external_id


def write_borrowers_and_loans(count: int, sample: str) -> list[int]:
    """Bulk-write `count` borrowers (no phone numbers), each with the sample's loan terms."""
    from tactful.borrowers.models import Borrower
    from tactful.contacts.models import Recipient
    from tactful.loans.models import Installment, Loan

    template = Loan.objects.get(external_id=sample)
    schedule = list(template.installments.order_by("n"))
    loan_ids: list[int] = []
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        borrowers = Borrower.objects.bulk_create(
            Borrower(
                external_id=f"{PREFIX}{start + i:06d}",
                name="王小明",
                id_country="cn",
                national_id="11010519491231002X",
                timezone_override="Asia/Shanghai",
            )
            for i in range(size)
        )
        loans = Loan.objects.bulk_create(
            Loan(
                external_id=f"{PREFIX}loan-{start + i:06d}",
                borrower=borrower,
                product=template.product,
                principal=template.principal,
                annual_rate=template.annual_rate,
                term_months=template.term_months,
                method=template.method,
                disbursed_on=template.disbursed_on,
                currency=template.currency,
            )
            for i, borrower in enumerate(borrowers)
        )
        Installment.objects.bulk_create(
            Installment(
                loan=loan, n=row.n, due_date=row.due_date, principal=row.principal,
                interest=row.interest,
            )
            for loan in loans
            for row in schedule
        )  # fmt: skip
        Recipient.objects.bulk_create(
            Recipient(borrower=borrower, role="debtor") for borrower in borrowers
        )
        loan_ids += [loan.pk for loan in loans]
        progress(f"borrowers and loans: {start + size}/{count}")
    return loan_ids


def write_plan(loan_ids: list[int], sample: str) -> None:
    from django.utils import timezone

    from tactful.loans.models import Loan
    from tactful.screening.strategy import load_strategy
    from tactful.treatments.models import DailyPlan, PlanCompletion, PlanEntry
    from tactful.treatments.services import record_strategy

    now = timezone.now()
    strategy = record_strategy(strategy=load_strategy("cn"), actor="bench")
    plan, _ = DailyPlan.objects.get_or_create(
        plan_date=now.date() + timedelta(days=3650),  # later than any real plan: the latest
        pack="cn",
        defaults={"strategy": strategy, "model_id": "bench", "planned_at": now,
                  "created_at": now, "created_by": "bench"},
    )  # fmt: skip
    rng = random.Random(7)
    treatments = ("call", "reminder", "offer", "review", "wait")
    ids = [Loan.objects.get(external_id=sample).pk, *loan_ids]
    for start in range(0, len(ids), BATCH):
        PlanEntry.objects.bulk_create(
            PlanEntry(
                plan=plan, loan_id=pk, days_past_due=45, bucket="M2", risk=rng.random(),
                self_cure=rng.random(), band="may_pay", treatment=rng.choice(treatments),
                channel="call", allowed_now=True, amount_due=Decimal("2200.32"),
            )
            for pk in ids[start : start + BATCH]
        )  # fmt: skip
    # Only a complete plan is shown (`treatments.selectors.latest_plan`).
    PlanCompletion.objects.get_or_create(
        plan=plan, defaults={"summary": {"accounts": len(ids)}, "completed_at": now}
    )
    progress(f"plan rows: {len(ids)}")


def write_attempts(count: int, collector: User, sample: str) -> None:
    """Bulk-write `count` earlier attempts over every recipient; 150 about the sample."""
    from django.utils import timezone

    from tactful.audit.partitions import prepare_months
    from tactful.contacts.models import ContactAttempt, Recipient
    from tactful.loans.models import Loan

    pairs = list(
        Recipient.objects.filter(borrower__loans__external_id__startswith=PREFIX).values_list(
            "pk", "borrower__loans__pk"
        )
    )
    sample_loan = Loan.objects.get(external_id=sample)
    sample_pairs = [(pk, sample_loan.pk) for pk, loan in pairs if loan == sample_loan.pk]
    rng = random.Random(11)
    now = timezone.now()
    # The three months of history get their partitions first (PostgreSQL), as the daily
    # job would have made them, rather than all landing in the default partition.
    prepare_months(today=(now - timedelta(days=90)).date(), ahead=4)
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        rows = []
        for i in range(size):
            n = written + i
            recipient, loan = sample_pairs[0] if n < 150 and sample_pairs else rng.choice(pairs)
            allowed = rng.random() < 0.7
            rows.append(
                ContactAttempt(
                    loan_id=loan, recipient_id=recipient, channel=rng.choice(("call", "sms")),
                    purpose="collection", collector=collector if n % 2 else None,
                    automated=not n % 2, attempt={}, facts={},
                    decision="allow" if allowed else "deny",
                    categories=[] if allowed else ["time_window"], reasons=[],
                    pack="cn", pack_version="2026.12", verification_code=f"W{n:07X}",
                    requested_at=now - timedelta(minutes=rng.randrange(1, 90 * 24 * 60)),
                    requested_by="bench",
                )
            )  # fmt: skip
        ContactAttempt.objects.bulk_create(rows)
        written += size
        if written % 100_000 == 0 or written == count:
            progress(f"attempts: {written}/{count}")


def write_assignments(loan_ids: list[int], collector: User) -> None:
    from django.utils import timezone

    from tactful.casework.models import Assignment

    now = timezone.now()
    Assignment.objects.bulk_create(
        Assignment(loan_id=pk, collector=collector, assigned_at=now, assigned_by="bench")
        for pk in loan_ids
    )
    progress(f"accounts given to the collector: {len(loan_ids) + 1}")


# --- the measurement --------------------------------------------------------------------------


def measure(collector: User, sample: str, repeats: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tactful.testing.personas import sign_in_staff

    client = Client()
    sign_in_staff(client, collector)
    pages = {
        "worklist, mine (page of 100)": "/staff/work/?who=mine",
        "worklist, everyone's (page of 100)": "/staff/work/?who=all",
        "worklist, everyone's, page 50": "/staff/work/?who=all&page=50",
        "worklist, unassigned (page of 100)": "/staff/work/?who=pool",
        "account page (150 attempts)": f"/staff/work/{sample}/",
    }
    print(f"\n{'page':38} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for label, path in pages.items():
        client.get(path)  # warm caches (templates, the pack, the checker)
        times = []
        queries = 0
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
            queries = len(captured)
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        worst = max(worst, p95)
        print(f"{label:38} {p50:8.1f} {p95:8.1f} {queries:8d}")
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(f"\ntarget: p95 <= {TARGET_MS:.0f} ms for every page: {verdict} (worst {worst:.1f} ms)")


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark help to repay: restructuring offers priced per second, and one daily auto-debit
run over many mandates with the fake payment processor (wall time and peak memory).

Run from the repository root:

    .venv/bin/python benchmarks/repayment_bench.py [--mandates 100000] [--spread-days 1]
        [--workers N]

With ``--workers N`` the day is opened as a batch run (`tactful.batches`) and N worker
processes share its chunks, as N `db_worker` processes would; the time is from opening
the run to its last chunk. Without it, the run is done in this process.

The run uses its own database: a fresh SQLite file in a temporary directory (removed
afterwards), or the database named by DATABASE_URL (give it a name of its own, created
empty beforehand; its tables are created). The
portfolio is seeded with bulk inserts (setting up 100,000 loans through the services
would take longer than the run itself); everything the run does goes through
`tactful.repayment.services.run_auto_debits`, as in production.

Each loan is a 12-month CNY 12,000.00 loan at 18% whose first installment falls due on
the run day. ``--spread-days 1`` (the default, the worst day) gives every mandate the run
day as its debit day, so every one of them collects; ``--spread-days 28`` spreads debit
days over the month, as borrowers choosing their payday would, so about 1/28 collect.
About ``--failure-rate`` of the accounts answer "insufficient funds".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OUTPUT = Path(__file__).resolve().parent / "output"
TARGET_SECONDS = 60.0
# The worst day shared by two workers (docs/capacity.md).
WORKERS_TARGET_SECONDS = 30.0
PRINCIPAL = Decimal("12000.00")
RATE = Decimal("0.18")
BATCH = 5000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the portfolio size, the debit-day spread and the seed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mandates", type=int, default=100_000)
    parser.add_argument("--spread-days", type=int, default=1, choices=range(1, 29))
    parser.add_argument("--failure-rate", type=float, default=0.05)
    parser.add_argument("--offers", type=int, default=20_000, help="offers to price")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes sharing the run as a batch run (0: the run in this process)",
    )
    parser.add_argument("--drain-run", help=argparse.SUPPRESS)
    parser.add_argument("--failing-tokens", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def set_up_django() -> Path | None:
    """Point Django at a private database before anything imports the settings.

    Return the temporary directory holding the SQLite file, if one was made.
    """
    private = None
    if not os.environ.get("DATABASE_URL"):
        private = Path(tempfile.mkdtemp(prefix="repayment-bench-"))
        os.environ["TACTFUL_VAR_DIR"] = str(private)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    # Result notices are queued for workers; the run itself only enqueues them.
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return private


def remove_private_database(private: Path | None) -> None:
    """Close the connections and remove the temporary SQLite directory (hundreds of MiB)."""
    if private is None:
        return
    from django.db import connections

    connections.close_all()
    shutil.rmtree(private, ignore_errors=True)


def run_day() -> date:
    """Return the latest day up to today that a mandate can name (days 1 to 28)."""
    today = datetime.now(UTC).date()
    return today if today.day <= 28 else today.replace(day=28)


# --- offers ------------------------------------------------------------------------------


def bench_offers(count: int, seed: int) -> tuple[float, float]:
    """Return (single offers priced per second, seven-length menus priced per second)."""
    from tactful.money.restructuring import Caps, CarriedBalance, PlanTerms, price_menu, price_offer

    caps = Caps(
        max_months=36,
        max_annual_rate=Decimal("0.24"),
        max_fee_rate=Decimal("0.03"),
        max_apr=Decimal("0.24"),
    )
    rng = random.Random(seed)
    start = date(2026, 3, 10)
    balances = [
        CarriedBalance(Decimal(rng.randint(50_000, 5_000_000)) / 100, Decimal("120.50"), Decimal(0))
        for _ in range(count)
    ]
    months = [rng.choice((3, 6, 9, 12, 18, 24, 36)) for _ in range(count)]
    started = time.perf_counter()
    for balance, length in zip(balances, months, strict=True):
        terms = PlanTerms(months=length, annual_rate=Decimal("0.18"), fee=Decimal(0), start=start)
        price_offer(balance=balance, terms=terms, currency="CNY", caps=caps)
    single = count / (time.perf_counter() - started)
    menus = max(1, count // 20)
    started = time.perf_counter()
    for balance in balances[:menus]:
        price_menu(
            balance=balance,
            months_options=(3, 6, 9, 12, 18, 24, 36),
            annual_rate=Decimal("0.18"),
            fee_rate=Decimal("0.01"),
            start=start,
            currency="CNY",
            caps=caps,
        )
    return single, menus / (time.perf_counter() - started)


# --- the portfolio -----------------------------------------------------------------------


def seed_portfolio(count: int, spread_days: int, failure_rate: float, seed: int) -> Any:
    """Insert ``count`` borrowers, loans, schedules and mandates; return the fake processor."""
    from django.utils import timezone

    from tactful.borrowers.models import Borrower
    from tactful.loans.models import Installment, Loan
    from tactful.money.calendar import add_months
    from tactful.money.schedule import Method, build_schedule
    from tactful.repayment.models import DebitMandate, MandateConsent
    from tactful.repayment.payments import ChargeResult, FakeProcessor

    day = run_day()
    disbursed = add_months(day, -1)
    schedule = build_schedule(
        principal=PRINCIPAL,
        annual_rate=RATE,
        months=12,
        method=Method.EQUAL_INSTALLMENT,
        start=disbursed,
    )
    rng = random.Random(seed)
    processor = FakeProcessor()
    now = timezone.now()
    for first in range(0, count, BATCH):
        ids = range(first, min(count, first + BATCH))
        borrowers = Borrower.objects.bulk_create(
            Borrower(
                external_id=f"bench-b-{i}",
                name="测试",
                id_country="cn",
                national_id="11010519491231002X",
                timezone_override="Asia/Shanghai",
            )
            for i in ids
        )
        loans = Loan.objects.bulk_create(
            Loan(
                external_id=f"bench-l-{i}",
                borrower=borrower,
                product="bench",
                principal=PRINCIPAL,
                annual_rate=RATE,
                term_months=12,
                method="equal_installment",
                disbursed_on=disbursed,
                currency="CNY",
            )
            for i, borrower in zip(ids, borrowers, strict=True)
        )
        Installment.objects.bulk_create(
            Installment(
                loan=loan,
                n=row.n,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
            )
            for loan in loans
            for row in schedule
        )
        consents = MandateConsent.objects.bulk_create(
            MandateConsent(
                borrower=loan.borrower,
                loan=loan,
                wording_version="bench",
                wording_digest="0" * 64,
                language="zh-hans",
                given_at=now,
                given_via="api",
            )
            for loan in loans
        )
        mandates = []
        for loan, consent in zip(loans, consents, strict=True):
            token = f"fake_acct_bench_{loan.pk}"
            if rng.random() < failure_rate:
                processor.fail_accounts[token] = ChargeResult(False, failure_code="insufficient")
            debit_day = day.day if spread_days == 1 else rng.randint(1, 28)
            mandates.append(
                DebitMandate(
                    loan=loan,
                    consent=consent,
                    account_token=token,
                    account_hint="0000",
                    max_amount=Decimal("5000.00"),
                    debit_day=debit_day,
                    created_at=now,
                    created_by="bench",
                )
            )
        DebitMandate.objects.bulk_create(mandates)
        print(f"  seeded {min(count, first + BATCH):,} / {count:,}", flush=True)
    return processor


def analyze_tables(*, filled_by: str) -> None:
    """Gather PostgreSQL's planner statistics, as autovacuum would; a no-op on SQLite.

    ``filled_by="seeding"``: the tables the bulk load filled. ``filled_by="run"``: the
    tables the run fills (attempts, results, ledger entries, audit events), a tenth at a
    time: autovacuum analyzes a table once about a tenth of it changed. A production
    database has these statistics; one just bulk-loaded has none until autovacuum comes
    round, and autovacuum is off on some development servers. Without them the planner
    estimates thousands of rows for each batched read and scans whole tables.
    """
    from django.db import connection

    from tactful.audit.models import AuditEvent
    from tactful.borrowers.models import Borrower
    from tactful.loans.models import Installment, LedgerEntry, Loan
    from tactful.repayment.models import DebitAttempt, DebitMandate, DebitResult, MandateConsent

    if connection.vendor != "postgresql":
        return
    tables = {
        "seeding": (Borrower, Loan, Installment, MandateConsent, DebitMandate),
        "run": (DebitAttempt, DebitResult, LedgerEntry, AuditEvent),
    }[filled_by]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def bench_run(processor: Any) -> tuple[float, Any, float]:
    """Run one daily auto-debit; return (seconds, report, seconds spent posting to the ledger).

    Posting goes through `tactful.loans.services.post_payments`, one batch per chunk of
    results (one replay per loan, one lock of the audit chain); it is timed apart to show
    the run's own share of the work.
    """
    from tactful.loans import services as loans
    from tactful.repayment.services import run_auto_debits

    posting = [0.0]
    original = loans.post_payments

    def timed_post_payments(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            posting[0] += time.perf_counter() - started

    def progress(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) < 500:
            print(f"  {done:,} / {total:,} mandates", flush=True)
            # Inside the timed run, as autovacuum's analyze would run beside it.
            analyze_tables(filled_by="run")

    loans.post_payments = timed_post_payments
    try:
        started = time.perf_counter()
        report = run_auto_debits(as_of=run_day(), port=processor, progress=progress)
        seconds = time.perf_counter() - started
    finally:
        loans.post_payments = original
    return seconds, report, posting[0]


def bench_workers(processor: Any, workers: int) -> tuple[float, Any]:
    """Open the day as a batch run and let ``workers`` processes share it; time it all.

    Each worker is this script again (``--drain-run``) with the same scripted failures,
    as `db_worker` processes running the task `drain_batch_run` would be.
    """
    import subprocess

    from tactful.batches import selectors
    from tactful.repayment.services import open_debit_day
    from tactful.repayment.services.debits import report_of

    tokens = Path(tempfile.mkstemp(prefix="repayment-bench-failing-", suffix=".json")[1])
    tokens.write_text(json.dumps(sorted(processor.fail_accounts)), encoding="utf-8")
    try:
        started = time.perf_counter()
        day = open_debit_day(as_of=run_day(), port=processor)
        command = [sys.executable, __file__, "--drain-run", str(day.reference)]
        children = [
            subprocess.Popen([*command, "--failing-tokens", str(tokens)]) for _ in range(workers)
        ]
        codes = [child.wait() for child in children]
        seconds = time.perf_counter() - started
    finally:
        tokens.unlink(missing_ok=True)
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    [progress] = [
        row for row in selectors.recent_runs(limit=5) if row.reference == str(day.reference)
    ]
    print(
        f"  run {progress.reference}: {progress.done}/{progress.chunks} chunks, finished",
        flush=True,
    )
    day.refresh_from_db()
    return seconds, report_of(day)


def drain_as_worker(reference: str, failing_tokens: Path) -> int:
    """One worker of ``--workers``: drain the run with the bench's scripted processor."""
    from functools import partial

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    import django

    django.setup()
    from tactful.batches import selectors, services
    from tactful.repayment.payments import ChargeResult, FakeProcessor
    from tactful.repayment.services.debits import _collector_for_batches, _debit_chunk

    failing = json.loads(failing_tokens.read_text(encoding="utf-8"))
    insufficient = ChargeResult(False, failure_code="insufficient")
    processor = FakeProcessor(fail_accounts=dict.fromkeys(failing, insufficient))
    run = selectors.run_by_reference(reference)
    if run is None:
        return 2
    started = time.perf_counter()
    with _collector_for_batches():
        done = services.drain(run, work=partial(_debit_chunk, processor=processor))
    print(
        f"  worker {os.getpid()}: {done} chunks in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return 0


def check_once_in_the_database() -> bool:
    """Tell whether each collection has one result and one ledger payment, and no more."""
    from tactful.loans.models import LedgerEntry
    from tactful.repayment.models import DebitOutcome, DebitResult

    posted = list(
        LedgerEntry.objects.filter(external_reference__startswith="ad-").values_list(
            "external_reference", flat=True
        )
    )
    collected = list(
        DebitResult.objects.filter(outcome=DebitOutcome.SUCCEEDED).values_list(
            "attempt__idempotency_key", flat=True
        )
    )
    return sorted(posted) == sorted(collected) and len(set(posted)) == len(posted)


def peak_rss_mib() -> float:
    """Return the peak resident memory of this process in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_once(processor: Any) -> bool:
    """Tell whether every charge was posted exactly once to the ledger."""
    from tactful.loans.models import LedgerEntry

    posted = list(
        LedgerEntry.objects.filter(external_reference__startswith="ad-").values_list(
            "external_reference", flat=True
        )
    )
    charged = [charge.idempotency_key for charge in processor.charges]
    return sorted(posted) == sorted(charged) and len(set(posted)) == len(posted)


def chart(seconds: float, posting: float, report: Any, args: argparse.Namespace) -> Path | None:
    """Draw the run's wall time against the 60 s target (needs the bench extra: matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    OUTPUT.mkdir(exist_ok=True)
    figure, axis = plt.subplots(figsize=(6, 3))
    own = seconds - posting
    axis.barh(["run"], [own], color="#1f5f8b", label="claim, charge, record")
    axis.barh(["run"], [posting], left=[own], color="#9bb7d4", label="ledger posting")
    target = WORKERS_TARGET_SECONDS if args.workers >= 2 else TARGET_SECONDS
    axis.axvline(target, color="#b03a2e", linestyle="--", label=f"target {target:.0f} s")
    axis.set_xlabel("seconds")
    axis.set_title(f"Auto-debit run: {args.mandates:,} mandates, {report.attempts:,} collections")
    axis.legend()
    figure.tight_layout()
    path = OUTPUT / f"repayment_run_{args.mandates}_{args.spread_days}_w{args.workers}.png"
    figure.savefig(path, dpi=120)
    return path


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print their figures; return 1 if anything was charged twice."""
    args = parse_args(argv)
    if args.drain_run:
        return drain_as_worker(args.drain_run, Path(args.failing_tokens))
    private = set_up_django()
    try:
        return run_benchmarks(args)
    finally:
        remove_private_database(private)


def run_benchmarks(args: argparse.Namespace) -> int:
    """Price offers, seed the portfolio, run one day; print the figures."""
    print(f"pricing {args.offers:,} restructuring offers …", flush=True)
    single, menus = bench_offers(args.offers, args.seed)
    print(f"seeding {args.mandates:,} loans with mandates …", flush=True)
    started = time.perf_counter()
    processor = seed_portfolio(args.mandates, args.spread_days, args.failure_rate, args.seed)
    analyze_tables(filled_by="seeding")
    seeding = time.perf_counter() - started
    before = peak_rss_mib()
    print(f"daily auto-debit run on {run_day()} …", flush=True)
    if args.workers:
        seconds, report = bench_workers(processor, args.workers)
        posting = 0.0
        once = check_once_in_the_database()
    else:
        seconds, report, posting = bench_run(processor)
        once = check_once(processor)
    drawn = chart(seconds, posting, report, args)
    print(f"offers priced/s        {single:,.0f}")
    print(f"menus (7 lengths)/s    {menus:,.0f}")
    print(f"mandates               {args.mandates:,} (debit days over {args.spread_days})")
    print(f"seeding seconds        {seeding:,.1f} (bulk inserts, not measured below)")
    print(f"mandates due today     {report.mandates:,}")
    print(f"collections            {report.collected:,} ok, {report.failed:,} failed")
    print(f"amount collected       {report.amount_collected:,}")
    target = WORKERS_TARGET_SECONDS if args.workers >= 2 else TARGET_SECONDS
    verdict = "met" if seconds < target else "MISSED"
    how = f"{args.workers} worker processes" if args.workers else "this process"
    print(f"run seconds            {seconds:,.1f} ({how}; target under {target:.0f}: {verdict})")
    if not args.workers:
        print(f"  ledger posting       {posting:,.1f} (loans.services.post_payments, per batch)")
        print(f"  claim/charge/record  {seconds - posting:,.1f} (the run's own work)")
    print(f"run collections/s      {report.attempts / seconds:,.0f}")
    print(f"peak RSS before run    {before:,.0f} MiB")
    print(f"peak RSS after run     {peak_rss_mib():,.0f} MiB")
    print(f"each charge posted once {once}")
    if drawn is not None:
        print(f"chart                  {drawn}")
    return 0 if once else 1


if __name__ == "__main__":
    sys.exit(main())

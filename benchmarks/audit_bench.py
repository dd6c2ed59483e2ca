"""Time appends to the audit chain: one event per transaction, batches, and many appenders.

Run it against PostgreSQL (the figures in docs/capacity.md come from there):

    createdb -h 127.0.0.1 -U postgres tactful_audit_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_audit_bench \\
        .venv/bin/python benchmarks/audit_bench.py [--events 2000] [--threads 8]

Every append takes the chain head's row lock and holds it until its transaction commits
(`tactful.audit.services.record_events`), so appends never overlap: the time one append
holds the lock is the least time between two of them, whoever makes them. The benchmark
measures that time three ways and prints what it means for permits, each of which appends
one event:

1. one event per transaction, one appender: the lock's hold time, commit included;
2. `--batch` events per transaction (as the auto-debit run posts them): the cost per event
   when the lock and the commit are shared;
3. `--threads` appenders at once, one event per transaction each: the chain's throughput
   when they queue for the head, against the first figure's ceiling.

Last it verifies the chain it grew (`tactful audit verify`'s check).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")

ACTOR = "bench:audit"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events per measurement")
    parser.add_argument("--batch", type=int, default=500, help="events per batch in (2)")
    parser.add_argument("--threads", type=int, default=8, help="appenders at once in (3)")
    args = parser.parse_args(argv)
    for name in ("events", "batch", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


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
    single = one_per_transaction(args.events)
    batched = in_batches(args.events, args.batch)
    together = many_appenders(args.events, args.threads)
    ceiling = 1000 / single
    print(f"\n{'measurement':52} {'ms/event':>9} {'events/s':>9}")
    print(f"{'(1) one per transaction, one appender (p50)':52} {single:9.2f} {ceiling:9.0f}")
    print(f"{f'(2) {args.batch} per transaction':52} {batched:9.3f} {1000 / batched:9.0f}")
    label = f"(3) {args.threads} appenders, one per transaction"
    print(f"{label:52} {1000 / together:9.2f} {together:9.0f}")
    print(
        f"\nthe chain's head admits at most about {ceiling:.0f} single-event transactions a "
        f"second on this machine ({args.threads} appenders reached {together:.0f}/s); a permit "
        "appends one event in its own transaction."
    )
    return 0 if chain_intact() else 1


def one_per_transaction(count: int) -> float:
    """Return the median ms of one append in its own transaction (lock to commit)."""
    from tactful.audit.services import record_event

    timings = []
    for n in range(count):
        started = time.perf_counter()
        record_event(actor=ACTOR, action="bench.single", target=("bench", str(n)))
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def in_batches(count: int, batch: int) -> float:
    """Return the ms per event when `batch` events share one lock and one commit."""
    from tactful.audit.services import NewEvent, record_events

    started = time.perf_counter()
    for first in range(0, count, batch):
        events = [
            NewEvent(actor=ACTOR, action="bench.batch", target=("bench", str(n)))
            for n in range(first, min(first + batch, count))
        ]
        record_events(events=events)
    return (time.perf_counter() - started) * 1000 / count


def many_appenders(count: int, threads: int) -> float:
    """Return events a second when `threads` appenders each append count/threads events."""
    from django.db import connections

    from tactful.audit.services import record_event

    share = max(1, count // threads)

    def append(worker: int) -> None:
        try:
            for n in range(share):
                record_event(
                    actor=ACTOR, action="bench.concurrent", target=("bench", f"{worker}-{n}")
                )
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(w,)) for w in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return share * threads / (time.perf_counter() - started)


def chain_intact() -> bool:
    from tactful.audit.verification import verify_chain

    report = verify_chain()
    print(report.describe(), flush=True)
    return report.intact


if __name__ == "__main__":
    raise SystemExit(main())

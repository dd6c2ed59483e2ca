"""What one permit costs in-process: queries, milliseconds and CPU per POST /api/v1/permits.

Run it against PostgreSQL (the figures in docs/capacity.md come from there), on a fresh
database so the history every permit reads is the same from run to run:

    createdb -h 127.0.0.1 -U postgres tactful_permitcost
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_permitcost \\
        .venv/bin/python benchmarks/permit_cost_bench.py [--permits 300] [--borrowers 200]

It migrates the database and prepares the key, the certified collector and the borrowers
as `permit_load_bench.py` does, then asks for permits one after another through Django's
test client: the real URL, middleware, API key authentication, JSON and Idempotency-Key,
with no server and no network in between. It prints

* queries per permit, counted on `--counted` permits apart from the timed ones (counting
  them costs time), and with `--show-queries` the statements of one permit;
* wall-clock ms per permit (mean, p50, p99) and CPU ms of this process per permit
  (`time.process_time`: Python and the driver; the database's own CPU is not in it).

Half the requests are collection calls by the collector (denied by the cap after three a
day), half automated reminder texts (allowed), as in the load benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/ is not a package: make `tactful` and the load benchmark's set-up importable.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")

from permit_load_bench import migrate, permit_body, prepare  # noqa: E402

Target = tuple[str, str]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--permits", type=int, default=300, help="timed permits")
    parser.add_argument("--counted", type=int, default=50, help="permits whose queries count")
    parser.add_argument("--warm-up", type=int, default=20, help="permits before any measure")
    parser.add_argument("--borrowers", type=int, default=200)
    parser.add_argument("--show-queries", action="store_true", help="print one permit's SQL")
    args = parser.parse_args(argv)
    for name in ("permits", "counted", "borrowers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def permit_poster(token: str, targets: list[Target]) -> Callable[[int], int]:
    """Return a function that asks for permit number `n` and returns the response status."""
    from django.test import Client

    client = Client()

    def post(number: int) -> int:
        body = json.dumps(permit_body(targets[number % len(targets)], number))
        response = client.post(
            "/api/v1/permits",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        )
        if response.status_code != 201:
            raise SystemExit(f"permit {number}: {response.status_code} {response.content!r}")
        return response.status_code

    return post


def time_permits(post: Callable[[int], int], first: int, count: int) -> tuple[list[float], float]:
    """Ask for `count` permits; return each one's wall-clock seconds and the CPU seconds."""
    walls = []
    cpu_started = time.process_time()
    for number in range(first, first + count):
        started = time.perf_counter()
        post(number)
        walls.append(time.perf_counter() - started)
    return walls, time.process_time() - cpu_started


def count_queries(post: Callable[[int], int], first: int, count: int, show: bool) -> list[int]:
    """Ask for `count` permits, counting each one's queries; print the first one's if `show`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for number in range(first, first + count):
        with CaptureQueriesContext(connection) as captured:
            post(number)
        counts.append(len(captured.captured_queries))
        if show and number == first:
            for query in captured.captured_queries:
                print(f"  {query['sql'][:160]}")
    return counts


def report(walls: list[float], cpu: float, counts: list[int], args: argparse.Namespace) -> None:
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    percentiles = statistics.quantiles(walls, n=100, method="inclusive")
    print(f"database: {database}; borrowers: {args.borrowers}; timed permits: {len(walls)}")
    print(
        f"queries per permit: mean {statistics.mean(counts):.1f}, "
        f"min {min(counts)}, max {max(counts)} (over {len(counts)} permits)"
    )
    print(
        f"ms per permit: mean {statistics.mean(walls) * 1000:.2f}, "
        f"p50 {percentiles[49] * 1000:.2f}, p99 {percentiles[98] * 1000:.2f}"
    )
    print(f"CPU ms per permit (this process): {cpu / len(walls) * 1000:.2f}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    migrate()
    token, targets = prepare(args.borrowers)
    post = permit_poster(token, targets)
    for number in range(args.warm_up):
        post(number)
    walls, cpu = time_permits(post, args.warm_up, args.permits)
    counts = count_queries(post, args.warm_up + args.permits, args.counted, args.show_queries)
    report(walls, cpu, counts, args)


if __name__ == "__main__":
    main()

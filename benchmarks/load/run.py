"""Load the production stack with permits: gunicorn on PostgreSQL, driven by locust.

    createdb -h 127.0.0.1 -U postgres tactful_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_load \\
        .venv/bin/python benchmarks/load/run.py [--borrowers 20000] [--attempts 2000000] \\
        [--seconds 60] [--users 32] [--workers 2] [--pool 8]

It migrates the database and, once, writes the book with benchmarks/workbench_bench.py's
bulk writers (`--borrowers` borrowers with a loan each, `--attempts` earlier attempts);
it moves the book's borrowers to a zone where it is about noon, so the quiet hours deny
nothing, and makes an API key. Then it starts gunicorn as `make run-prod` does
(deploy/gunicorn.conf.py, `--workers` processes, `--pool` pooled connections and as many
threads each), runs locust headless (benchmarks/load/locustfile.py) with `--users` users
for `--seconds`, and prints permits per second, latency percentiles, errors, the permits
allowed above the pack's call caps, the most PostgreSQL connections seen, the CPU each
side used and how many requests were waiting on the audit chain's head lock. Every child
process is stopped at the end, on an error and on Ctrl-C too. docs/capacity.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# benchmarks/ is not a package: reuse the workbench bench's writers from its folder.
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
# One var dir for this process and the server: the same derived keys read the same rows.
os.environ.setdefault("TACTFUL_VAR_DIR", str(ROOT / "var" / "load"))

HOST = "127.0.0.1"
SAMPLE_SECONDS = 0.25
PERMITS = "POST /permits"


def positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borrowers", type=positive, default=20_000)
    parser.add_argument("--attempts", type=positive, default=2_000_000)
    parser.add_argument("--seconds", type=positive, default=60)
    parser.add_argument("--users", type=positive, default=32, help="locust users")
    parser.add_argument("--workers", type=positive, default=2, help="gunicorn processes")
    parser.add_argument("--pool", type=positive, default=8, help="connections per process")
    parser.add_argument("--threads", type=positive, help="threads per process (--pool)")
    parser.add_argument("--server-log", default=os.devnull, help="where gunicorn's log goes")
    args = parser.parse_args(argv)  # exits 2 on a bad argument
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must name a PostgreSQL database")
    args.threads = args.threads or args.pool
    return args


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the book -----------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[str, list[tuple[str, str]]]:
    """Write the book once; return an API key and the (loan, recipient) pairs to ask about."""
    import workbench_bench as book

    from tactful.api.keys import issue_key
    from tactful.borrowers.models import Borrower
    from tactful.contacts.models import Recipient
    from tactful.testing.zones import zone_where_it_is

    book.prepare(argparse.Namespace(borrowers=args.borrowers, attempts=args.attempts, mine=0))
    # Noon for the whole book, so the time window denies nothing and the caps do the work.
    Borrower.objects.filter(external_id__startswith=book.PREFIX).update(
        timezone_override=zone_where_it_is(12)
    )
    give_numbers(book.PREFIX)
    token = issue_key(name="Load test", scopes=["permits:write"], actor="bench").token
    pairs = Recipient.objects.filter(
        borrower__loans__external_id__startswith=f"{book.PREFIX}loan-"
    ).values_list("borrower__loans__external_id", "public_id")
    return token, [(loan, str(recipient)) for loan, recipient in pairs]


def fictional_numbers(count: int) -> list[str]:
    """`count` numbers of the form +1 NXX 555 01XX, the range reserved for fiction."""
    # 202 is the workbench sample account's area.
    areas = [a for a in range(203, 1000) if a % 100 != 11 and (a // 10) % 10 != 9]
    if count > len(areas) * 100:
        raise SystemExit(f"at most {len(areas) * 100} borrowers have a fictional number")
    return [f"+1{areas[n // 100]}555{100 + n % 100:04d}" for n in range(count)]


def give_numbers(prefix: str) -> None:
    """Give each bulk-written borrower a number: without one the gate denies (data_gap)."""
    from tactful.borrowers.models import PhoneNumber
    from tactful.contacts.models import Recipient

    bare = list(
        Recipient.objects.filter(
            borrower__external_id__startswith=prefix, role="debtor", phone_number__isnull=True
        ).order_by("pk")
    )
    taken = PhoneNumber.objects.filter(borrower__external_id__startswith=prefix).count()
    numbers = fictional_numbers(taken + len(bare))[taken:]
    for start in range(0, len(bare), 5000):
        batch = bare[start : start + 5000]
        phones = PhoneNumber.objects.bulk_create(
            PhoneNumber(borrower_id=r.borrower_id, e164=number, region="US", is_primary=True)
            for r, number in zip(batch, numbers[start:], strict=False)
        )
        for recipient, phone in zip(batch, phones, strict=True):
            recipient.phone_number = phone
        Recipient.objects.bulk_update(batch, ["phone_number"])
    if bare:
        progress(f"numbers given: {len(bare)}")


# --- over-cap permits -----------------------------------------------------------------------


@dataclass(frozen=True)
class CallCap:
    rule: str
    outcomes: frozenset[str]
    limit: int


def call_caps() -> list[CallCap]:
    """The configured pack's daily caps on calls, read from the pack itself."""
    from tactful.contacts.packs import configured_pack

    return [
        CallCap(rule.id, frozenset(rule.parameters["outcomes"]), int(rule.parameters["max"]))
        for rule in configured_pack().spec.rules
        if rule.kind == "frequency_cap"
        and "call" in rule.applies_to.channels
        and rule.parameters["days"] == 1
        and not rule.parameters["per_debt"]
    ]


def over_cap_permits(since: datetime) -> int:
    """Count the calls allowed from `since` on above the pack's daily caps.

    Per person (a borrower's own numbers are one person; anyone else is their recipient)
    and local day (the borrower's stated zone, else the pack's), the allowed calls each cap
    counts are compared with its limit; a permit still without an outcome counts as
    connected, as the gate counts it. Only what the attempts from `since` on add to an
    excess counts, so a bulk-written history that is over a cap already does not. Two
    checks are exact whatever the order outcomes arrive in: caps that count a pending call,
    and all the calls of a day against the caps' sum (any call trips one cap or another).
    Caps that do not count a pending call may end a day above their limit legitimately
    (calls reported after later ones were allowed), so they are not checked alone.
    """
    from django.db import connection

    from tactful.contacts.facts import PENDING_OUTCOME
    from tactful.contacts.packs import configured_pack

    caps = call_caps()
    checks = [(cap.outcomes, cap.limit) for cap in caps if PENDING_OUTCOME in cap.outcomes]
    if caps:
        every = frozenset(o for cap in caps for o in cap.outcomes) | {PENDING_OUTCOME}
        checks.append((every, sum(cap.limit for cap in caps)))
    total = 0
    with connection.cursor() as cursor:
        for outcomes, limit in checks:
            zone = configured_pack().spec.time_zone
            cursor.execute(
                OVER_CAP_SQL, [zone, since, PENDING_OUTCOME, sorted(outcomes), since, limit, limit]
            )
            total += cursor.fetchone()[0]
    return total


OVER_CAP_SQL = """
WITH days AS (
    SELECT CASE WHEN r.role = 'debtor' THEN 'b' || r.borrower_id ELSE 'r' || r.id END AS person,
           (a.requested_at AT TIME ZONE COALESCE(NULLIF(b.timezone_override, ''), %s))::date
               AS day,
           COUNT(*) AS calls,
           COUNT(*) FILTER (WHERE a.requested_at < %s) AS before
    FROM contacts_contactattempt a
    JOIN contacts_recipient r ON r.id = a.recipient_id
    JOIN borrowers_borrower b ON b.id = r.borrower_id
    LEFT JOIN contacts_contactoutcome o ON o.attempt_id = a.id
    WHERE a.decision = 'allow' AND a.channel = 'call'
      AND COALESCE(o.outcome, %s) = ANY(%s)
    GROUP BY 1, 2
    HAVING COUNT(*) FILTER (WHERE a.requested_at >= %s) > 0
)
SELECT COALESCE(SUM(GREATEST(calls - %s, 0) - GREATEST(before - %s, 0)), 0)::int FROM days
"""


# --- the server and locust ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def server_environment(args: argparse.Namespace, port: int) -> dict[str, str]:
    """What deploy/run-local.sh gives gunicorn, with this run's sizes."""
    metrics = Path(os.environ["TACTFUL_VAR_DIR"]) / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    return {
        **os.environ,
        "WEB_HOST": HOST,
        "PORT": str(port),
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
        "DATABASE_POOL_SIZE": str(args.pool),
        "LOG_FORMAT": "json",
        "TACTFUL_DEMO": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        "PYTHONUNBUFFERED": "1",
    }


class Children:
    """The processes this run started, each in a session of its own; all stop at the end."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], **options: Any) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(command, cwd=ROOT, start_new_session=True, **options)
        self.running.append(child)
        return child

    def stop_all(self) -> None:
        for child in self.running:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.running:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def wait_until_healthy(server: subprocess.Popen[bytes], port: int) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 60 seconds")


@contextmanager
def stopped_on_signal() -> Iterator[None]:
    """SIGTERM ends the run as Ctrl-C does: through the `finally` that stops the children."""

    def interrupt(number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- what PostgreSQL and the machine see ------------------------------------------------------


@dataclass
class Sampler:
    """Samples pg_stat_activity during the run: connections, and waits on the chain head."""

    url: str
    connections: int = 0
    samples: int = 0
    active: int = 0
    head_waits: int = 0
    lock_waits: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        import psycopg

        from tactful.audit.models import ChainHead

        head_table = ChainHead._meta.db_table
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.wait(SAMPLE_SECONDS):
                row = connection.execute(ACTIVITY_SQL, [f"%{head_table}%"]).fetchone()
                assert row is not None
                self.samples += 1
                self.connections = max(self.connections, row[0])
                self.active += row[1]
                self.lock_waits += row[2]
                self.head_waits += row[3]


ACTIVITY_SQL = """
SELECT COUNT(*),
       COUNT(*) FILTER (WHERE state = 'active'),
       COUNT(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock'),
       COUNT(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock' AND query ILIKE %s)
FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
  AND pid <> pg_backend_pid()
"""


def cpu_seconds(pids: list[int]) -> dict[str, float]:
    """CPU seconds used so far by the server's and locust's process trees, and PostgreSQL's."""
    import psutil  # type: ignore[import-untyped]

    used = {"gunicorn": 0.0, "locust": 0.0, "postgres": 0.0}
    for name, pid in zip(("gunicorn", "locust"), pids, strict=False):
        try:
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                times = process.cpu_times()
                used[name] += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] == "postgres" and process.info["cpu_times"]:
            used["postgres"] += process.info["cpu_times"].user + process.info["cpu_times"].system
    return used


# --- the run ----------------------------------------------------------------------------------


def run_load(
    args: argparse.Namespace, token: str, targets: list[tuple[str, str]], folder: Path
) -> tuple[Sampler, dict[str, float], float]:
    from django.utils import timezone

    port = free_port()
    (folder / "targets.json").write_text(json.dumps(targets))
    children = Children()
    sampler = Sampler(os.environ["DATABASE_URL"])
    watcher = threading.Thread(target=sampler.run, daemon=True)
    try:
        with open(args.server_log, "ab") as log:
            server = children.start(
                [sys.executable, "-m", "gunicorn", "tactful.wsgi", "-c", "deploy/gunicorn.conf.py"],
                env=server_environment(args, port),
                stdout=log,
                stderr=log,
            )
        wait_until_healthy(server, port)
        progress(f"gunicorn: {args.workers} workers x {args.threads} threads, pool {args.pool}")
        watcher.start()
        locust = children.start(
            [str(Path(sys.executable).parent / "locust"), "-f", str(HERE / "locustfile.py"),
             "--headless", "--only-summary", "--host", f"http://{HOST}:{port}",
             "--users", str(args.users), "--spawn-rate", str(args.users),
             "--run-time", f"{args.seconds}s", "--stop-timeout", "10",
             "--csv", str(folder / "locust"), "--loglevel", "WARNING"],
            env={**os.environ, "LOAD_TARGETS": str(folder / "targets.json"),
                 "LOAD_TOKEN": token, "LOAD_COLLECTOR": "wb.collector"},
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        started = time.monotonic()
        cpu_before = cpu_seconds([server.pid, locust.pid])
        since = timezone.now()
        cpu_after = cpu_before
        while locust.poll() is None:
            cpu_after = cpu_seconds([server.pid, locust.pid])
            time.sleep(1)
        elapsed = time.monotonic() - started
    finally:
        sampler.stop.set()
        children.stop_all()
    used = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    used["elapsed"] = elapsed
    used["since"] = since.timestamp()
    return sampler, used, elapsed


def read_stats(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "locust_stats.csv", newline="") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def report(
    args: argparse.Namespace, stats: dict[str, dict[str, str]], sampler: Sampler,
    used: dict[str, float], since: datetime,
) -> None:  # fmt: skip
    from tactful.contacts.models import ContactAttempt

    permits = stats.get(PERMITS)
    total = stats["Aggregated"]
    if permits is None or not int(permits["Request Count"]):
        raise SystemExit("no permit was answered")
    elapsed = used["elapsed"]
    decided = ContactAttempt.objects.filter(requested_at__gte=since)
    # Counted in the database: locust's CSV is written every few seconds, not at the end.
    count = decided.count()
    allowed_calls = decided.filter(channel="call", decision="allow").count()
    print(f"\nbook: {args.borrowers} borrowers, {args.attempts} earlier attempts; "
          f"users {args.users}; gunicorn {args.workers} x {args.threads} threads, "
          f"pool {args.pool}; {args.seconds} s")  # fmt: skip
    print(f"permits: {count} in {elapsed:.1f} s = {count / elapsed:.0f} permits/s "
          f"({decided.filter(decision='allow').count()} allowed, {allowed_calls} of them calls; "
          f"{decided.filter(decision='deny').count()} denied)")  # fmt: skip
    print(f"permit latency: p50 {permits['50%']} ms, p95 {permits['95%']} ms, "
          f"p99 {permits['99%']} ms, max {float(permits['Max Response Time']):.0f} ms")  # fmt: skip
    outcome = stats.get("POST /permits/{id}/outcome")
    if outcome is not None:
        print(f"outcomes: {outcome['Request Count']}, p50 {outcome['50%']} ms, "
              f"p99 {outcome['99%']} ms")  # fmt: skip
    print(f"errors: {total['Failure Count']} of {total['Request Count']} requests")
    print(f"over-cap permits: {over_cap_permits(since)} "
          f"(caps: {', '.join(f'{c.rule} {c.limit}' for c in call_caps())})")  # fmt: skip
    ceiling = args.workers * min(args.threads, args.pool)
    print(f"PostgreSQL connections: at most {sampler.connections} seen (pool ceiling {ceiling})")
    samples = max(sampler.samples, 1)
    print(f"active queries: {sampler.active / samples:.1f} on average; waiting on a lock "
          f"{sampler.lock_waits / samples:.1f}, of them on the audit chain head "
          f"{sampler.head_waits / samples:.1f} = {sampler.head_waits / samples / args.users:.0%} "
          f"of the requests in flight")  # fmt: skip
    print(f"CPU over {elapsed:.0f} s ({os.cpu_count()} cores): gunicorn {used['gunicorn']:.0f} s, "
          f"PostgreSQL {used['postgres']:.0f} s, locust {used['locust']:.0f} s")  # fmt: skip


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

    token, targets = prepare(args)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a bulk-written book has no planner statistics yet
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()  # its connections would count against the server's
    progress(f"book ready: {len(targets)} borrowers to ask about")
    with stopped_on_signal(), tempfile.TemporaryDirectory(prefix="tactful-load-") as folder:
        sampler, used, _ = run_load(args, token, targets, Path(folder))
        stats = read_stats(Path(folder))
    from datetime import UTC

    report(args, stats, sampler, used, datetime.fromtimestamp(used["since"], UTC))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

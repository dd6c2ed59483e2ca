"""Load the permit API: 8 clients POST /api/v1/permits against a real server and database.

Run it against PostgreSQL (the figure in docs/contacts.md comes from there):

    createdb -h 127.0.0.1 -U postgres tactful_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tactful_bench \\
        .venv/bin/python benchmarks/permit_load_bench.py [--seconds 20] [--clients 8]

It migrates the database, creates (or reuses) an API key, a certified collector and
`--recipients` borrowers with a loan each, starts `manage.py runserver --noreload` on a
free local port, lets the clients ask for permits until `--seconds` pass or
`--max-permits` are asked, prints permits per second and p50/p99 latency, and stops the
server. Half the requests are collection calls (denied by the cap after three a day),
half automated reminder texts (allowed); each is recorded with its decision either way.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/ is not a package; make `tactful` importable when run as a script.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")

HOST = "127.0.0.1"
COLLECTOR = "bench.collector"
AREA_CODES = (201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    decisions: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int, decision: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if decision is not None:
                self.decisions[decision] += 1
            else:
                self.errors[status] += 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--recipients", type=int, default=400)
    parser.add_argument("--max-permits", type=int, default=100_000)
    parser.add_argument("--server-log", default=os.devnull, help="where the server's log goes")
    return parser.parse_args(argv)


def migrate() -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, cwd=ROOT)


def prepare(recipients: int) -> tuple[str, list[tuple[str, str]]]:
    """Create the key, the collector and the borrowers; return the key and (loan, recipient)."""
    import django

    django.setup()
    from tactful.api.keys import issue_key

    token = issue_key(name="Permit benchmark", scopes=["permits:write"], actor="bench").token
    ensure_collector()
    return token, [ensure_borrower(index) for index in range(recipients)]


def ensure_collector() -> None:
    from django.utils import timezone

    from tactful.accounts.models import User
    from tactful.accounts.roles import Role
    from tactful.accounts.services import create_staff_user
    from tactful.contacts.services import certify_collector

    if User.objects.filter(username=COLLECTOR).exists():
        return
    user = create_staff_user(
        username=COLLECTOR, password=uuid.uuid4().hex + "-Aa1", roles=[Role.COLLECTOR]
    )
    now = timezone.now()
    certify_collector(
        collector=user,
        certificate_number="BENCH-1",
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=3650),
        actor="bench",
    )


def ensure_borrower(index: int) -> tuple[str, str]:
    """Upsert borrower bench-<index> (a fictional 555-01xx number) with one overdue loan."""
    from tactful.borrowers.services import BorrowerDetails, upsert_borrower
    from tactful.contacts.services import recipients_for_borrower
    from tactful.loans.services import LoanTerms, open_loan
    from tactful.testing.zones import zone_where_it_is

    area, line = AREA_CODES[index // 100], 100 + index % 100  # 555-0100 to 555-0199
    borrower, _ = upsert_borrower(
        details=BorrowerDetails(
            external_id=f"bench-{index}",
            name="王小明",
            id_country="cn",
            national_id="11010519491231002X",
            phones=[f"+1{area}555{line:04d}"],
            # Daytime for the recipients, so the texts are allowed and calls meet the cap.
            timezone_override=zone_where_it_is(12),
        ),
        actor="bench",
    )
    loan, _ = open_loan(
        borrower=borrower,
        terms=LoanTerms(
            external_id=f"bench-loan-{index}",
            product="cash-12",
            principal=Decimal("12000.00"),
            annual_rate=Decimal("0.18"),
            term_months=12,
            method="equal_installment",
            disbursed_on=date(2025, 1, 15),
            currency="CNY",
        ),
        actor="bench",
    )
    [recipient] = recipients_for_borrower(borrower=borrower)
    return loan.external_id, str(recipient.public_id)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


# `manage.py runserver`, with Nagle's algorithm off on its connections: wsgiref writes a
# response's headers and body in two sends, and on a kept-alive connection the second
# would wait for the client's delayed ACK, adding 40 ms to every response (TCP, not Tactful).
SERVE = """
import sys
from django.core.management import execute_from_command_line
from django.core.servers.basehttp import WSGIRequestHandler
WSGIRequestHandler.disable_nagle_algorithm = True
execute_from_command_line(["manage.py", "runserver", "--noreload", sys.argv[1]])
"""


def start_server(port: int, log: str) -> subprocess.Popen[bytes]:
    with open(log, "wb") as server_log:
        # A session of its own, so stopping it stops every thread and child it has.
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, f"{HOST}:{port}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("the server did not start within 30 seconds")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def permit_body(target: tuple[str, str], number: int) -> dict[str, object]:
    loan, recipient = target
    body: dict[str, object] = {"loan_external_id": loan, "recipient_id": recipient}
    if number % 2:
        return {**body, "channel": "call", "purpose": "collection", "collector": COLLECTOR}
    return {**body, "channel": "sms", "purpose": "reminder", "automated": True}


def client(
    port: int,
    token: str,
    targets: list[tuple[str, str]],
    worker: int,
    stop: threading.Event,
    budget: threading.Semaphore,
    results: Results,
) -> None:
    """Ask for permits over one kept-alive connection until told to stop."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    number = worker
    while not stop.is_set() and budget.acquire(blocking=False):
        target = targets[number % len(targets)]
        body = json.dumps(permit_body(target, number))
        started = time.perf_counter()
        status, payload = post_permit(connection, token, body)
        elapsed = time.perf_counter() - started
        decision = json.loads(payload)["decision"] if status == 201 else None
        results.add(elapsed, status, decision)
        number += 7  # spread the clients over recipients and both kinds of request
    connection.close()


def post_permit(connection: http.client.HTTPConnection, token: str, body: str) -> tuple[int, bytes]:
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": str(uuid.uuid4()),
        "Content-Type": "application/json",
    }
    connection.request("POST", "/api/v1/permits", body, headers)
    response = connection.getresponse()
    return response.status, response.read()


def run_load(
    port: int, token: str, targets: list[tuple[str, str]], args: argparse.Namespace
) -> tuple[Results, float]:
    results, stop = Results(), threading.Event()
    budget = threading.Semaphore(args.max_permits)
    threads = [
        threading.Thread(target=client, args=(port, token, targets, n, stop, budget, results))
        for n in range(args.clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def report(results: Results, elapsed: float, args: argparse.Namespace) -> None:
    latencies = sorted(results.latencies)
    if not latencies:
        raise SystemExit("no request was answered")
    percentiles = statistics.quantiles(latencies, n=100, method="inclusive")
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    print(f"database: {database}; clients: {args.clients}; recipients: {args.recipients}")
    print(
        f"permits: {len(latencies)} in {elapsed:.1f} s = {len(latencies) / elapsed:.0f} permits/s"
    )
    print(f"latency: p50 {percentiles[49] * 1000:.1f} ms, p99 {percentiles[98] * 1000:.1f} ms")
    print(f"decisions: {dict(results.decisions)}; errors by status: {dict(results.errors)}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.recipients > len(AREA_CODES) * 100:
        raise SystemExit(f"at most {len(AREA_CODES) * 100} recipients")
    migrate()
    token, targets = prepare(args.recipients)
    port = free_port()
    server = start_server(port, args.server_log)
    try:
        results, elapsed = run_load(port, token, targets, args)
    finally:
        stop_server(server)
    report(results, elapsed, args)


if __name__ == "__main__":
    main()

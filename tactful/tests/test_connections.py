"""The production server holds a bounded number of PostgreSQL connections under load.

Before the pool, every request thread kept its own connection for a minute
(``conn_max_age=60``): two bursts of 25 requests held 61 connections, and a server near
PostgreSQL's limit answered 500. Now each process lends from a pool of
DATABASE_POOL_SIZE, so gunicorn with W workers holds at most W x DATABASE_POOL_SIZE.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
POOL_SIZE = 4
THREADS = 16  # more threads than pooled connections: the extra requests wait, not connect
REQUESTS = 200
APPLICATION = "tactful-pool-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}?application_name={APPLICATION}"


def _wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start serving within a minute")


def _request_touching_the_database(port: int) -> int:
    # A session cookie the server must look up in the database.
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/portal/", headers={"Cookie": f"sessionid={os.urandom(16).hex()}"}
    )
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        return int(opener.open(request, timeout=60).status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_requests_never_hold_more_than_the_pool(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the connection pool is PostgreSQL's: this test runs in CI's PostgreSQL pass "
            "(make test-database)"
        )
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL_SIZE": str(POOL_SIZE),
        "WEB_WORKERS": str(WORKERS),
        "WEB_THREADS": str(THREADS),
        "WEB_HOST": "127.0.0.1",
        "PORT": str(port),
        "TACTFUL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tactful.settings",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tactful.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = _Peak(connection.settings_dict)
    try:
        _wait_until_serving(port, server)
        peak.start()
        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            statuses = list(
                pool.map(lambda _: _request_touching_the_database(port), range(REQUESTS))
            )
    finally:
        peak.stop()
        server.terminate()
        server.wait(timeout=30)

    assert statuses.count(302) == REQUESTS, sorted(set(statuses))
    assert 1 <= peak.highest <= WORKERS * POOL_SIZE


class _Peak(threading.Thread):
    """Counts the server's connections in pg_stat_activity, keeping the highest count."""

    def __init__(self, settings: dict[str, object]) -> None:
        super().__init__(daemon=True)
        self.highest = 0
        self._stopping = threading.Event()
        self._conninfo = psycopg.conninfo.make_conninfo(
            dbname=str(settings["NAME"]),
            user=str(settings["USER"] or "postgres"),
            host=str(settings["HOST"] or "127.0.0.1"),
            port=str(settings["PORT"] or "5432"),
        )

    def run(self) -> None:
        with psycopg.connect(self._conninfo, autocommit=True) as monitor:
            while not self._stopping.is_set():
                row = monitor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    [APPLICATION],
                ).fetchone()
                self.highest = max(self.highest, int(row[0]) if row else 0)
                time.sleep(0.005)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)

"""The production stack adds up the metrics of all its processes and logs JSON lines.

gunicorn with two workers and the scheduler write to one PROMETHEUS_MULTIPROC_DIR; a
scrape of /metrics, answered by either worker, counts every request both served and the
scheduler's runs. Every line gunicorn's processes write is one JSON object, and each
request's line carries the id it was answered with. PostgreSQL only, like production.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "stack-test-" + "0" * 32
REQUESTS = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _wait_until_serving(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}")
        try:
            _get(f"{base}/healthz")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start serving within a minute")


def _sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


@pytest.mark.django_db(transaction=True)
def test_the_metrics_of_every_process_are_added_up_and_every_line_is_json(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the production stack runs on PostgreSQL: CI's PostgreSQL pass runs this")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TACTFUL_VAR_DIR": str(tmp_path / "var"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": TOKEN,
        "LOG_FORMAT": "json",
        "WEB_WORKERS": "2",
        "WEB_THREADS": "4",
        "WEB_HOST": "127.0.0.1",
        "PORT": str(port),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_SETTINGS_MODULE": "tactful.settings",
    }
    environment.pop("TACTFUL_DEMO", None)
    log = tmp_path / "web.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tactful.wsgi", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(base, server)
            ids = {_get(f"{base}/help/")[1]["X-Request-ID"] for _ in range(REQUESTS)}
            subprocess.run(
                [sys.executable, "manage.py", "scheduler", "--once"],
                cwd=ROOT,
                env=environment,
                check=True,
                capture_output=True,
            )
            scrapes = [
                _get(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"}) for _ in range(4)
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)

    assert {status for status, _, _ in scrapes} == {200}
    for _, _, text in scrapes:
        helped = {"route": "public:help", "method": "GET", "status": "200"}
        # Whichever worker answered the scrape, and whichever answered each request.
        assert _sample(text, "tactful_http_requests_total", **helped) == REQUESTS
        ran = {"job": "audit_checkpoint", "outcome": "succeeded"}
        assert _sample(text, "tactful_scheduler_job_runs_total", **ran) == 1
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    answered = {line["request_id"] for line in lines if line.get("route") == "public:help"}
    assert ids <= answered
    assert any(line["logger"] == "gunicorn.error" for line in lines)

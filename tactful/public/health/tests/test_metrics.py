"""/metrics: for the holder of METRICS_TOKEN only, in Prometheus's format, with no personal data."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

TOKEN = "t" * 40
ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def published(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.PROMETHEUS_MULTIPROC_DIR = ""
    return settings


def scrape(token: str | None = TOKEN, scheme: str = "Bearer"):
    headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
    return Client().get("/metrics", headers=headers)


def families(response) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            found.setdefault(sample.name, {})[labels] = sample.value
    return found


def test_without_a_token_configured_there_is_no_such_page(settings):
    settings.METRICS_TOKEN = ""
    assert scrape().status_code == 404


@pytest.mark.parametrize(
    ("token", "scheme"),
    [
        (None, "Bearer"),
        ("wrong" * 8, "Bearer"),
        (TOKEN, "Basic"),
        (TOKEN[:-1], "Bearer"),
        ("", "Bearer"),
    ],
)
def test_without_the_right_bearer_token_the_answer_is_401(published, token, scheme):
    response = scrape(token, scheme)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"tactful_" not in response.content


def test_with_the_token_the_figures_are_in_prometheus_text_format(published):
    Client().get("/healthz")
    response = scrape()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    names = set(families(response))
    assert {
        "tactful_permits_total",
        "tactful_permit_denials_total",
        "tactful_permit_decision_seconds_bucket",
        "tactful_http_requests_total",
        "tactful_task_queue_depth",
        "tactful_task_queue_oldest_age_seconds",
        "tactful_auto_debit_charges_total",
    } <= names


def test_only_reading_is_allowed(published):
    assert (
        Client().post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405
    )


def test_the_queue_depth_and_the_oldest_tasks_age_are_read_at_each_scrape(published):
    ready = {"task_path": "tactful.loans.tasks.snapshot_delinquency", "args_kwargs": {}}
    old = DBTaskResult.objects.create(
        **ready, backend_name="default", run_after=timezone.now() - timedelta(minutes=1)
    )
    DBTaskResult.objects.filter(pk=old.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    DBTaskResult.objects.create(**ready, backend_name="default", run_after=timezone.now())
    # Not yet due, and already done: neither waits for a worker.
    DBTaskResult.objects.create(
        **ready, backend_name="default", run_after=timezone.now() + timedelta(hours=1)
    )
    DBTaskResult.objects.create(
        **ready, backend_name="default", run_after=timezone.now(), status="SUCCESSFUL"
    )

    found = families(scrape())

    assert found["tactful_task_queue_depth"][(("queue", "default"),)] == 2
    assert 600 <= found["tactful_task_queue_oldest_age_seconds"][(("queue", "default"),)] < 660


def test_an_empty_queue_reads_zero(published):
    found = families(scrape())

    assert found["tactful_task_queue_depth"][(("queue", "default"),)] == 0
    assert found["tactful_task_queue_oldest_age_seconds"][(("queue", "default"),)] == 0


def test_with_a_shared_folder_the_figures_of_every_process_are_added_up(published, tmp_path):
    """Production: gunicorn's workers, the task workers and the scheduler write to
    PROMETHEUS_MULTIPROC_DIR; any web process's scrape reads all of them."""
    program = (
        "from tactful.telemetry import metrics\n"
        "metrics.record_job_run(job='build_plan', outcome='succeeded', seconds=42.0)\n"
    )
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(3):
        subprocess.run([sys.executable, "-c", program], env=environment, cwd=ROOT, check=True)
    published.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)

    found = families(scrape())

    runs = found["tactful_scheduler_job_runs_total"]
    assert runs[(("job", "build_plan"), ("outcome", "succeeded"))] == 3
    assert found["tactful_task_queue_depth"][(("queue", "default"),)] == 0

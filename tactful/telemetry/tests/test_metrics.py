"""The metrics move as recorded, in one process and added up across several."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from tactful.telemetry import metrics
from tactful.testing.metrics import sample

ROOT = Path(__file__).resolve().parents[3]


def test_a_permit_counts_its_decision_its_categories_and_its_time():
    before = {
        "deny": sample("tactful_permits_total", decision="deny", channel="visit"),
        "time_window": sample(
            "tactful_permit_denials_total", category="time_window", channel="visit"
        ),
        "hold": sample("tactful_permit_denials_total", category="hold", channel="visit"),
        "timed": sample("tactful_permit_decision_seconds_count", channel="visit"),
    }

    metrics.record_permit(
        decision="deny", channel="visit", categories=("time_window", "hold"), seconds=0.004
    )

    after = {
        "deny": sample("tactful_permits_total", decision="deny", channel="visit"),
        "time_window": sample(
            "tactful_permit_denials_total", category="time_window", channel="visit"
        ),
        "hold": sample("tactful_permit_denials_total", category="hold", channel="visit"),
        "timed": sample("tactful_permit_decision_seconds_count", channel="visit"),
    }
    assert {name: after[name] - before[name] for name in before} == {
        "deny": 1, "time_window": 1, "hold": 1, "timed": 1
    }  # fmt: skip


def test_every_decision_and_channel_is_listed_from_the_start():
    assert sample("tactful_permits_total", decision="allow", channel="letter") >= 0
    listed = {
        tuple(s.labels.values())
        for metric in metrics.PERMITS.collect()
        for s in metric.samples
        if s.name == "tactful_permits_total"
    }
    assert ("allow", "letter") in listed
    assert ("deny", "push") in listed


def test_an_unknown_method_is_counted_as_other():
    before = sample(
        "tactful_http_requests_total", route="public:home", method="other", status="405"
    )

    metrics.record_request(route="public:home", method="BREW", status=405, seconds=0.001)

    after = sample("tactful_http_requests_total", route="public:home", method="other", status="405")
    assert after - before == 1


def test_processes_sharing_a_folder_are_added_up(tmp_path):
    """What gunicorn's workers, the task workers and the scheduler do with
    PROMETHEUS_MULTIPROC_DIR: each writes its own files, a scrape adds them up."""
    program = (
        "from tactful.telemetry import metrics\n"
        "metrics.record_permit(decision='allow', channel='sms', categories=(), seconds=0.01)\n"
        "metrics.record_job_run(job='build_plan', outcome='failed', seconds=3.0)\n"
        "metrics.record_debit_run(collected=2, failed=1, unknown=0, resumed=0)\n"
    )
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", program], env=environment, cwd=ROOT, check=True)

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(tmp_path))

    def value(name: str, **labels: str) -> float:
        return registry.get_sample_value(name, labels) or 0.0

    assert value("tactful_permits_total", decision="allow", channel="sms") == 2
    assert value("tactful_permit_decision_seconds_count", channel="sms") == 2
    assert value("tactful_scheduler_job_runs_total", job="build_plan", outcome="failed") == 2
    assert value("tactful_auto_debit_charges_total", result="collected") == 4
    assert value("tactful_auto_debit_runs_total") == 2

"""deploy/: the web server's settings come from the environment, and what the units, the
Procfile and the example environment name exists (docs/deployment.md)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def gunicorn_settings(monkeypatch, **environment: str) -> dict[str, object]:
    for name in ("WEB_HOST", "PORT", "WEB_WORKERS", "WEB_THREADS", "DATABASE_POOL_SIZE",
                 "WEB_ACCESS_LOG", "LOG_FORMAT", "WEB_TIMEOUT_SECONDS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_the_web_server_defaults_to_two_workers_of_one_thread_per_pooled_connection(monkeypatch):
    found = gunicorn_settings(monkeypatch)

    assert (found["bind"], found["workers"], found["threads"]) == ("0.0.0.0:8000", 2, 8)
    assert found["worker_class"] == "gthread"
    assert found["accesslog"] is None
    assert "logconfig_dict" not in found


def test_the_web_server_reads_its_numbers_from_the_environment(monkeypatch):
    found = gunicorn_settings(
        monkeypatch, WEB_HOST="127.0.0.1", PORT="9000", WEB_WORKERS="4", DATABASE_POOL_SIZE="5"
    )

    assert (found["bind"], found["workers"], found["threads"]) == ("127.0.0.1:9000", 4, 5)


def test_json_logs_format_gunicorns_own_lines_and_the_access_log_stays_off(monkeypatch):
    found = gunicorn_settings(monkeypatch, LOG_FORMAT="json")

    config = found["logconfig_dict"]
    assert isinstance(config, dict)
    assert config["formatters"]["json"]["()"] == "tactful.telemetry.logs.JsonFormatter"
    assert config["loggers"]["gunicorn.error"]["handlers"] == ["json"]
    assert config["loggers"]["gunicorn.access"]["handlers"] == []


def test_the_access_log_on_writes_the_path_without_its_query(monkeypatch):
    found = gunicorn_settings(monkeypatch, LOG_FORMAT="json", WEB_ACCESS_LOG="on")

    assert found["accesslog"] == "-"
    assert "%(U)s" in str(found["access_log_format"])
    assert "%(r)s" not in str(found["access_log_format"])
    assert "%(q)s" not in str(found["access_log_format"])


@pytest.mark.parametrize(
    ("name", "value"), [("WEB_WORKERS", "0"), ("WEB_THREADS", "many"), ("WEB_ACCESS_LOG", "yes")]
)
def test_a_bad_value_stops_the_web_server_naming_the_variable(monkeypatch, name, value):
    with pytest.raises(SystemExit, match=name):
        gunicorn_settings(monkeypatch, **{name: value})


def test_there_is_a_unit_for_the_web_server_the_workers_and_the_scheduler():
    assert [unit.name for unit in UNITS] == [
        "tactful-scheduler.service",
        "tactful-web.service",
        "tactful-worker@.service",
    ]


def started_commands() -> list[str]:
    lines = [
        line.partition("=")[2]
        for unit in UNITS
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    ]
    procfile = (ROOT / "Procfile").read_text().splitlines()
    return lines + [line.partition(": ")[2] for line in procfile if line.strip()]


def test_every_command_the_units_and_the_procfile_start_exists():
    commands = get_commands()
    for command in started_commands():
        for name in re.findall(r"manage\.py (\w+)", command):
            assert name in commands, command
        for path in re.findall(r"-c (\S+)", command):
            assert (ROOT / path).is_file(), command


def test_every_variable_of_the_example_environment_is_read_somewhere():
    example = (DEPLOY / "tactful.env.example").read_text()
    names = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    sources = [*(ROOT / "tactful").rglob("*.py"), DEPLOY / "gunicorn.conf.py"]
    read = "\n".join(path.read_text(encoding="utf-8") for path in sources)

    assert len(names) > 20
    unread = [name for name in names if not re.search(f"[\"']{name}[\"']", read)]
    assert sorted(unread) == []


def test_the_example_environment_holds_no_secret():
    example = (DEPLOY / "tactful.env.example").read_text()
    for name in ("SECRET_KEY", "PII_KEYS", "PII_INDEX_KEYS", "AUDIT_LINK_KEYS",
                 "AUDIT_SIGNING_KEY", "METRICS_TOKEN"):  # fmt: skip
        assert not re.search(rf"^{name}=", example, flags=re.MULTILINE), name

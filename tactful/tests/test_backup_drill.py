"""The backup drill (scripts/backup_drill.py, docs/backups.md): a dump restores into a new
database whose rows equal the source's and whose audit chain verifies, and an audit event
altered in the restored copy is caught. PostgreSQL only, like the backups; its bad
arguments are refused on any database.
"""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from tactful.audit.models import AuditEvent
from tactful.audit.services import record_event

ROOT = Path(__file__).resolve().parents[2]
DRILL = ROOT / "scripts" / "backup_drill.py"


def _drill_main():
    return runpy.run_path(str(DRILL))["main"]


def _database_url(name: str | None = None) -> str:
    found = connection.settings_dict
    user = found["USER"] or "postgres"
    host, port = found["HOST"] or "127.0.0.1", found["PORT"] or "5432"
    return f"postgres://{user}@{host}:{port}/{name or found['NAME']}"


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The drill sees this process's keys, and checkpoints of this test alone."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "TACTFUL_VAR_DIR": str(tmp_path / "var"),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "DJANGO_SETTINGS_MODULE": "tactful.settings",
    }
    environment.pop("TACTFUL_DEMO", None)
    return environment


def _run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _seed() -> None:
    from tactful.testing.api import create_loan
    from tactful.testing.personas import FIRST_PHONE, SECOND_PHONE, make_borrower

    first = make_borrower(external_id="drill-1", phone=FIRST_PHONE, name="张伟")
    second = make_borrower(external_id="drill-2", phone=SECOND_PHONE, name="王芳")
    for number, borrower in (("drill-l-1", first), ("drill-l-2", second)):
        loan = create_loan(number, borrower)
        record_event(actor="drill", action="drill.touched", target=loan, payload={"n": 1})


def _drop(name: str) -> None:
    with psycopg.connect(_database_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_with_its_rows_and_a_verified_audit_chain_and_tampering_is_caught(
    tmp_path,
):
    if connection.vendor != "postgresql":
        pytest.skip("backups are PostgreSQL's: CI's PostgreSQL pass runs this")
    _seed()
    events = AuditEvent.objects.count()
    scratch = f"tactful_drill_test_{secrets.token_hex(4)}"
    environment = _environment(tmp_path, _database_url())
    try:
        done = _run(
            ["scripts/backup_drill.py", "--output", str(tmp_path / "backups"),
             "--scratch", scratch, "--keep", "--json"],
            environment,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        summary = json.loads(done.stdout)
        assert summary["passed"]
        assert summary["migrations_current"]
        assert summary["audit"]["intact"]
        assert summary["audit"]["events_checked"] == events >= 4
        assert summary["differences"] == {}
        assert summary["rows"] > 0
        assert Path(summary["backup"]).stat().st_size == summary["backup_bytes"] > 0

        copy = _environment(tmp_path, _database_url(scratch))
        with psycopg.connect(_database_url(scratch), autocommit=True) as restored:
            restored.execute(
                "UPDATE audit_auditevent SET payload = %s WHERE sequence = %s",
                [json.dumps({"n": 2}), events],
            )
        verified = _run(["-m", "tactful", "audit", "verify", "--json"], copy)
        assert verified.returncode == 1, verified.stdout + verified.stderr
        report = json.loads(verified.stdout)
        assert (report["intact"], report["sequence"]) == (False, events)
        assert report["problem"] == "payload altered"
    finally:
        _drop(scratch)


def test_bad_arguments_are_refused_with_status_2_before_anything_is_touched(
    monkeypatch, tmp_path, capsys
):
    main = _drill_main()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main([]) == 2
    assert "DATABASE_URL is not set" in capsys.readouterr().err

    monkeypatch.setenv("DATABASE_URL", "sqlite:///tactful.sqlite3")
    assert main([]) == 2
    assert "PostgreSQL" in capsys.readouterr().err

    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tactful")
    for arguments, said in (
        (["--scratch", "Drop Me; --"], "--scratch: 1 to 63"),
        (["--scratch", "tactful"], "another database"),
        (["--jobs", "0"], "--jobs"),
        (["--restore", str(tmp_path / "missing.dump")], "no such file"),
    ):
        assert main(arguments) == 2, arguments
        assert said in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["--no-such-option"])
    assert stopped.value.code == 2

"""The backup drill: dump the database, restore the dump into a scratch database, prove the copy.

    DATABASE_URL=postgres://... .venv/bin/python scripts/backup_drill.py [--output DIR]
    DATABASE_URL=postgres://... .venv/bin/python scripts/backup_drill.py --restore FILE

1. ``pg_dump --format=custom`` of DATABASE_URL into DIR: the backup itself, kept
   (without --restore; with it, FILE is the backup and nothing is dumped);
2. ``pg_restore`` of it into a new, empty database (``--scratch``; one that exists is
   never touched);
3. ``manage.py migrate --check`` and ``tactful audit verify`` against the restored copy,
   with this environment's keys and AUDIT_CHECKPOINT_DIR, as the restored site would run;
4. the rows of every table, copy against source (equal on a quiet source; a source at
   work goes on changing after its dump, so a difference is reported, not failed);
5. the scratch database dropped (unless ``--keep``), and a summary: sizes and times.

Exit status: 0 the copy restored, its migrations are current and its audit chain
verifies; 1 the dump or the restore failed, or a check did; 2 bad arguments or settings.
docs/backups.md describes the drill, what a backup holds and what it does not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
USAGE_ERROR = 2
FAILED = 1
# PostgreSQL's own limit for an unquoted name: the scratch database is named, never quoted.
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# The query parameters of a URL that libpq reads from the environment as well.
_PARAMETERS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "connect_timeout":
               "PGCONNECT_TIMEOUT"}  # fmt: skip


class DrillError(Exception):
    """Bad arguments or settings: the drill cannot start (exit 2)."""


@dataclass(frozen=True)
class Database:
    """Where one database is, taken apart from its URL (the password kept out of repr)."""

    host: str
    port: int
    user: str
    name: str
    password: str = field(default="", repr=False)
    parameters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise DrillError("DATABASE_URL must name a PostgreSQL database (postgres://...)")
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DrillError("DATABASE_URL names no database")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            name=name,
            password=unquote(parts.password or ""),
            parameters={key: value for key, value in query.items() if key in _PARAMETERS},
        )

    def named(self, name: str) -> Database:
        """The same server and role, another database."""
        return Database(self.host, self.port, self.user, name, self.password, self.parameters)

    def url(self, original: str) -> str:
        """`original`, the source's URL, with this database's name in its path."""
        parts = urlsplit(original)
        return urlunsplit(parts._replace(path=f"/{self.name}"))

    def where(self) -> str:
        """For people and logs: never the password."""
        return f"{self.name} ({self.user}@{self.host}:{self.port})"

    def environment(self) -> dict[str, str]:
        """libpq's variables for pg_dump and pg_restore: no password on a command line."""
        found = {**os.environ, "PGHOST": self.host, "PGPORT": str(self.port),
                 "PGUSER": self.user, "PGDATABASE": self.name}  # fmt: skip
        if self.password:
            found["PGPASSWORD"] = self.password
        for key, value in self.parameters.items():
            found[_PARAMETERS[key]] = value
        return found

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        where = make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.name,
            **self.parameters,
        )
        return psycopg.connect(where, autocommit=True)


@dataclass
class Summary:
    """What the drill did and found; the JSON form is this, field by field."""

    source: str
    backup: str
    backup_bytes: int
    dump_seconds: float | None
    scratch: str
    restore_seconds: float = 0.0
    kept: bool = False
    migrations_current: bool = False
    audit: dict[str, object] = field(default_factory=dict)
    audit_seconds: float = 0.0
    tables: int = 0
    rows: int = 0
    differences: dict[str, list[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "passed": self.passed}

    def describe(self) -> str:
        dumped = (
            f"dumped in {self.dump_seconds:.1f} s"
            if self.dump_seconds is not None
            else "given (--restore)"
        )
        fate = "kept" if self.kept else "then dropped"
        rows = (
            "equal to the source"
            if not self.differences
            else f"{len(self.differences)} differ from the source, which changed since its dump?"
            f" {_differences(self.differences)}"
        )
        lines = [
            f"Backup drill of {self.source}",
            f"  backup      {self.backup}, {_size(self.backup_bytes)}, {dumped}",
            f"  restored    into {self.scratch} in {self.restore_seconds:.1f} s ({fate})",
            f"  migrations  {'up to date' if self.migrations_current else 'NOT up to date'}",
            f"  audit       {self.audit.get('describe', '')} ({self.audit_seconds:.1f} s)",
            f"  rows        {self.tables} tables, {self.rows:,} rows, {rows}",
        ]
        if self.passed:
            lines.append("Drill passed: the backup restores and its audit chain verifies.")
        else:
            lines.append("Drill FAILED: " + "; ".join(self.problems) + ".")
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        summary = drill(arguments)
    except DrillError as error:
        print(f"backup_drill: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except _ToolFailed as error:
        print(f"backup_drill: {error}", file=sys.stderr)
        return FAILED
    print(json.dumps(summary.as_json()) if arguments.json else summary.describe())
    return 0 if summary.passed else FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backup_drill",
        description="Dump DATABASE_URL (pg_dump, custom format), restore it into a scratch "
        "database, check its migrations and its audit chain, and drop it.",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="folder the dump is written to (default $TACTFUL_VAR_DIR/backups)",
    )
    parser.add_argument(
        "--restore",
        type=Path,
        metavar="FILE",
        help="restore and check this dump instead of taking a new one",
    )
    parser.add_argument(
        "--scratch",
        help="the database to restore into, which must not exist "
        "(default tactful_drill_<time>_<random>)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    parser.add_argument(
        "--jobs", type=int, default=1, help="pg_restore's parallel jobs (default 1)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def drill(arguments: argparse.Namespace) -> Summary:
    """Run the drill that `arguments` describe; raise DrillError before touching anything."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise DrillError("DATABASE_URL is not set: name the database to back up")
    source = Database.from_url(url)
    scratch = source.named(arguments.scratch or _scratch_name())
    _check_arguments(arguments, source, scratch)
    with source.connect() as connection:
        if _exists(connection, scratch.name):
            raise DrillError(f"database {scratch.name} exists: the drill restores into a new one")
    if arguments.restore is not None:
        backup, dump_seconds = arguments.restore, None
    else:
        backup, dump_seconds = _dump(source, _output_folder(arguments.output))
    summary = Summary(
        source=source.where(),
        backup=str(backup),
        backup_bytes=backup.stat().st_size,
        dump_seconds=dump_seconds,
        scratch=scratch.name,
        kept=arguments.keep,
    )
    with _scratch_database(source, scratch, keep=arguments.keep):
        summary.restore_seconds = _restore(backup, scratch, jobs=arguments.jobs)
        scratch_url = scratch.url(url)
        summary.migrations_current = _migrations_current(scratch_url)
        started = time.monotonic()
        summary.audit = _verify_audit(scratch_url)
        summary.audit_seconds = time.monotonic() - started
        copied = _row_counts(scratch)
    summary.tables, summary.rows = len(copied), sum(copied.values())
    if arguments.restore is None:
        summary.differences = _compare(_row_counts(source), copied)
    if not summary.migrations_current:
        summary.problems.append(
            "the restored copy lacks migrations of this release (showmigrations names them)"
        )
    if not summary.audit.get("intact"):
        summary.problems.append("the restored audit chain does not verify")
    return summary


def _check_arguments(arguments: argparse.Namespace, source: Database, scratch: Database) -> None:
    if not _DATABASE_NAME.fullmatch(scratch.name):
        raise DrillError("--scratch: 1 to 63 lower-case letters, digits or _, not a digit first")
    if scratch.name == source.name:
        raise DrillError("--scratch must name another database than DATABASE_URL's")
    if arguments.jobs < 1:
        raise DrillError("--jobs: at least 1")
    if arguments.restore is not None and not arguments.restore.is_file():
        raise DrillError(f"--restore: no such file: {arguments.restore}")
    if arguments.restore is not None and arguments.output is not None:
        raise DrillError("--output and --restore: a given dump is not dumped again")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            raise DrillError(f"{tool} is not on PATH (the PostgreSQL client tools)")


def _scratch_name() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return f"tactful_drill_{stamp}_{secrets.token_hex(3)}"


def _output_folder(chosen: Path | None) -> Path:
    folder = chosen or Path(os.environ.get("TACTFUL_VAR_DIR", ROOT / "var")) / "backups"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise DrillError(f"--output: cannot create {folder}: {error.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise DrillError(f"--output: cannot write to {folder}")
    return folder


class _ToolFailed(Exception):
    """pg_dump or pg_restore failed: the backup does not work (exit 1)."""


def _run_tool(command: list[str], database: Database) -> None:
    done = subprocess.run(
        command, env=database.environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise _ToolFailed(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")


def _dump(source: Database, folder: Path) -> tuple[Path, float]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = folder / f"{source.name}-{stamp}.dump"
    started = time.monotonic()
    # Custom format: compressed, restorable table by table and in parallel. No owners or
    # privileges: the copy is restored under whichever role restores it.
    _run_tool(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={backup}"],
        source,
    )
    backup.chmod(0o600)
    return backup, time.monotonic() - started


def _restore(backup: Path, scratch: Database, *, jobs: int) -> float:
    started = time.monotonic()
    _run_tool(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}",
         f"--dbname={scratch.name}", str(backup)],
        scratch,
    )  # fmt: skip
    return time.monotonic() - started


@contextmanager
def _scratch_database(source: Database, scratch: Database, *, keep: bool) -> Iterator[None]:
    with source.connect() as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(scratch.name))
        )
    try:
        yield
    finally:
        if not keep:
            with source.connect() as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(scratch.name)
                    )
                )


def _exists(connection: psycopg.Connection[tuple[object, ...]], name: str) -> bool:
    found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return found.fetchone() is not None


def _tactful(arguments: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    # Metrics of a one-off check are of no use, and a folder set for the services may
    # not be writable here.
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _migrations_current(database_url: str) -> bool:
    return _tactful(["manage.py", "migrate", "--check", "-v0"], database_url).returncode == 0


def _verify_audit(database_url: str) -> dict[str, object]:
    done = _tactful(["-m", "tactful", "audit", "verify", "--json"], database_url)
    try:
        report: dict[str, object] = json.loads(done.stdout)
    except ValueError:
        message = done.stderr.strip().splitlines()[-1:] or ["no answer"]
        return {"intact": False, "describe": f"could not verify: {message[0]}"}
    report["describe"] = _describe_audit(report)
    return report


def _describe_audit(report: dict[str, object]) -> str:
    if report.get("intact"):
        return (
            f"chain intact: {report['events_checked']} events, "
            f"signed checkpoints matched: {report['checkpoints_checked']}"
        )
    return f"chain BROKEN at event {report.get('sequence')}: {report.get('problem')}"


def _row_counts(database: Database) -> dict[str, int]:
    with database.connect() as connection:
        tables = [
            str(name)
            for (name,) in connection.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        counts: dict[str, int] = {}
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            row = connection.execute(query).fetchone()
            counts[table] = int(str(row[0])) if row else 0
    return counts


def _compare(source: dict[str, int], copied: dict[str, int]) -> dict[str, list[int]]:
    """The tables whose rows differ: [source, copy]."""
    return {
        table: [source.get(table, 0), copied.get(table, 0)]
        for table in sorted(source.keys() | copied.keys())
        if source.get(table, 0) != copied.get(table, 0)
    }


def _differences(differences: dict[str, list[int]]) -> str:
    return ", ".join(f"{table} {was}→{now}" for table, (was, now) in differences.items())


def _size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    scaled = size / 1024
    for unit in ("KiB", "MiB"):
        if scaled < 1024:
            return f"{scaled:.1f} {unit}"
        scaled /= 1024
    return f"{scaled:.1f} GiB"


if __name__ == "__main__":
    sys.exit(main())

"""Health for the machines that run Tactful: `/healthz` (alive) and `/readyz` (able to serve).

`/readyz` answers 503 as soon as one check fails, so a load balancer stops sending requests
to a process that would only fail them: the database unreachable, migrations not applied,
the configured rule pack not the one shipped (or its override broken), or the personal-data
keys derived from SECRET_KEY outside demo mode. (The scheduler is watched by
`manage.py scheduler --list`, not here: a web process can serve while it restarts.) No
personal data, no secrets: names of checks, true or false, and the pack's published digest.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from tactful.contacts.packs import configured_pack_digest, configured_pack_problem
from tactful.privacy.keys import LOCAL_KEY_ID


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers: nothing else is checked."""
    return JsonResponse({"status": "alive"})


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {name: _passes(check) for name, check in CHECKS.items()}
    ready = all(checks.values())
    body = {
        "status": "ready" if ready else "not_ready",
        "checks": checks,
        "pack": {"name": settings.GATE_PACK, "sha256": configured_pack_digest()},
    }
    return JsonResponse(body, status=200 if ready else 503)


def _passes(check: Callable[[], bool]) -> bool:
    try:
        return check()
    except DatabaseError:
        return False


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return bool(cursor.fetchone() == (1,))


_migrated = False


def _migrations() -> bool:
    """No migration left to apply. Once true it stays true for this process (its code
    cannot gain migrations while it runs), so probes do not reload the migration graph."""
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def _pack() -> bool:
    return configured_pack_problem() is None


def _keys() -> bool:
    derived = settings.PII_KEYRING.current == LOCAL_KEY_ID
    return bool(not derived or settings.DEMO_MODE or settings.DEBUG)


CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database,
    "migrations": _migrations,
    "rule_pack": _pack,
    "pii_keys": _keys,
}

"""Issue, check and revoke the API keys of integrators.

A key reads `tk_<prefix>_<secret>`. The prefix is stored in clear to find the key
and to name it in logs and the audit trail; of the secret only a SHA-256 digest is
kept. A slow password hash is not needed: the secret is 256 random bits, so there
is nothing to guess from the digest.

Keys are account records, like staff users (ADR 0017): the API checks them through
`authenticate_key`, and the CLI, the Django admin and the staff pages issue and revoke
them through the functions here, each write audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tactful.accounts.models import ApiKey
from tactful.accounts.services import checked_reason
from tactful.audit.models import AuditEvent
from tactful.audit.selectors import events_about
from tactful.audit.services import record_event
from tactful.errors import Conflict, InvalidInput, NotFound
from tactful.input_text import PROBLEM, has_control_characters

# What a key may be allowed to do. Append new scopes; never rename one in use.
SCOPES: tuple[str, ...] = (
    "borrowers:write",
    "loans:write",
    "loans:read",
    "payments:write",
    "permits:write",
    "permits:read",
    "recordings:write",
    "repayment:read",
    "repayment:write",
    "mandates:write",
    "complaints:write",
    "consent:read",
    "consent:write",
    "rights:read",
    "rights:write",
    # Returns a borrower's data decrypted, ID number and numbers in full: a scope of its
    # own that no other scope implies, for the one system that hands borrowers their copy.
    "rights:export",
    "verifications:read",
)

KEY_MARK = "tk"
NAME_MAX_LENGTH = 100
_PREFIX_BYTES = 4
_SECRET_BYTES = 32
# Writing `last_used_at` on every request would turn each read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=1)
# How the audit trail has named keys since the API owned the model: the trail keeps one
# name for one thing, so the move to accounts did not rename it.
AUDIT_OBJECT_TYPE = "api.apikey"
KEY_ACTIONS = ("api_key.issued", "api_key.revoked")


@dataclass(frozen=True)
class IssuedKey:
    """A new key and its full text, which is shown once and never stored."""

    api_key: ApiKey
    token: str


def issue_key(*, name: str, scopes: list[str], actor: str) -> IssuedKey:
    """Create a key with `scopes` for the integrator called `name`."""
    clean_name, clean_scopes = _validated(name, scopes)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            name=clean_name,
            prefix=_unused_prefix(),
            secret_digest=_digest(secret),
            scopes=clean_scopes,
        )
        record_event(
            actor=actor,
            action="api_key.issued",
            target=_audit_target(api_key),
            payload={"prefix": api_key.prefix, "scopes": clean_scopes},
        )
    return IssuedKey(api_key=api_key, token=f"{KEY_MARK}_{api_key.prefix}_{secret}")


def revoke_key(*, prefix: str, actor: str, reason: str) -> ApiKey:
    """Stop the key with `prefix` from working, from the next request on.

    `reason` goes into the audit trail, so whoever reads it later knows why an
    integration stopped.
    """
    clean_reason = checked_reason(reason)
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().filter(prefix=prefix).first()
        if api_key is None:
            raise NotFound("api_key_not_found", f"no API key has the prefix {prefix!r}")
        if api_key.revoked_at is not None:
            raise Conflict("api_key_already_revoked", f"the key {prefix} is already revoked")
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            action="api_key.revoked",
            target=_audit_target(api_key),
            payload={"prefix": prefix, "reason": clean_reason},
        )
    return api_key


def authenticate_key(token: str) -> ApiKey | None:
    """Return the active key that `token` is; None for anything else."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_MARK:
        return None
    _, prefix, secret = parts
    api_key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_digest, _digest(secret)):
        return None
    return api_key


def has_scope(api_key: ApiKey, scope: str) -> bool:
    return scope in api_key.scopes


def actor_of(api_key: ApiKey) -> str:
    """Return how the audit trail and the ledger name what a key did."""
    return f"api-key:{api_key.prefix}"


def all_keys() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("created_at")


def key_by_prefix(prefix: str) -> ApiKey | None:
    """Return the key with `prefix`, revoked or not."""
    return ApiKey.objects.filter(prefix=prefix).first()


def key_changes(api_key: ApiKey) -> list[AuditEvent]:
    """Return the audit events of `api_key`'s issue and revocation, oldest first."""
    events = events_about(AUDIT_OBJECT_TYPE, [str(api_key.pk)], actions=KEY_ACTIONS)
    return list(events.order_by("sequence"))


def note_use(api_key: ApiKey) -> None:
    """Record that `api_key` was just used to do something."""
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= _LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def _validated(name: str, scopes: list[str]) -> tuple[str, list[str]]:
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "must not be empty"
    elif len(name.strip()) > NAME_MAX_LENGTH:
        problems["name"] = f"must be at most {NAME_MAX_LENGTH} characters"
    elif has_control_characters(name, multiline=False):
        problems["name"] = PROBLEM
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes:
        problems["scopes"] = f"give at least one of {', '.join(SCOPES)}"
    elif unknown:
        problems["scopes"] = f"unknown scope {', '.join(unknown)}; known: {', '.join(SCOPES)}"
    if problems:
        raise InvalidInput(problems)
    # Keep the canonical order, so two keys with the same rights read the same.
    return name.strip(), [scope for scope in SCOPES if scope in scopes]


def _unused_prefix() -> str:
    while True:
        prefix = secrets.token_hex(_PREFIX_BYTES)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _audit_target(api_key: ApiKey) -> tuple[str, str]:
    return AUDIT_OBJECT_TYPE, str(api_key.pk)

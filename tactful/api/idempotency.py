"""Idempotency-Key: a retried request has its effect once and gets the first answer again.

A request runs in two steps (docs/api.md, "Idempotency", says why):

1. Claim. One statement inserts the key's row with no response and a random claim
   token, and commits it (`INSERT … ON CONFLICT DO NOTHING RETURNING`: the row's id,
   or nothing when the key was claimed before). A retry now finds the row: with
   another body or path it is refused (409 `idempotency_key_reused`); while the row
   has no response it is refused (409 `request_in_progress`).
2. Effect. One transaction runs the effect and writes the response into the row with
   one compare-and-set on the claim token. Both commit, or neither does: a request
   whose claim was taken over finds the token changed, and its effect rolls back.

A crash in step 2 leaves the claim alone, with no effect. After `CLAIM_LEASE` a retry
takes the claim over and runs the effect, so nothing is lost and nothing is doubled.
Each step costs one statement besides the effect's own (and the effect transaction's
BEGIN and COMMIT): a permit is asked for thousands of times a minute (docs/capacity.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from tactful.accounts.models import ApiKey
from tactful.api.errors import service_error_body
from tactful.api.models import IdempotentRequest
from tactful.errors import Conflict, ServiceError

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
CLAIM_LEASE = timedelta(seconds=60)
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"
_KEY = re.compile(KEY_PATTERN)

OPENAPI_EXTRA: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": True,
            "description": (
                "A unique value per intended effect (a UUID is ideal). Retries with the same "
                "key and body get the first response again instead of a second effect."
            ),
            "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 200},
        }
    ]
}


class IdempotencyKeyRequired(ServiceError):
    status = 400

    def __init__(self) -> None:
        super().__init__(
            "idempotency_key_required",
            f"send an {HEADER} header of 1 to 200 visible ASCII characters, e.g. a UUID",
        )


@dataclass(frozen=True)
class Outcome:
    """What an effect answers: an HTTP status and a body, as `Schema.model_dump()` gives it."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class _Fingerprint:
    method: str
    path: str
    body_digest: str


@dataclass(frozen=True)
class _Claim:
    record_id: int
    token: uuid.UUID


def run_idempotently(
    request: HttpRequest, *, api_key: ApiKey, effect: Callable[[], Outcome]
) -> HttpResponse:
    """Run `effect` once per Idempotency-Key of `api_key`; answer retries from the record.

    A ServiceError from `effect` is a response too: it is stored and replayed, and
    the effect's writes are rolled back. Any other exception stores nothing.
    """
    key = _key_of(request)
    claimed = _claim(api_key, key, _fingerprint_of(request))
    if isinstance(claimed, IdempotentRequest):
        return _replay(claimed)
    try:
        return _run_claimed(claimed, effect)
    except Exception:
        _release(claimed)
        raise


def _key_of(request: HttpRequest) -> str:
    key = request.headers.get(HEADER, "")
    if not _KEY.fullmatch(key):
        raise IdempotencyKeyRequired()
    return key


def _fingerprint_of(request: HttpRequest) -> _Fingerprint:
    return _Fingerprint(
        method=request.method or "",
        path=request.path,
        body_digest=hashlib.sha256(_canonical_body(request.body)).hexdigest(),
    )


def _canonical_body(body: bytes) -> bytes:
    """Return the body as canonical JSON, so spacing and key order do not make it differ."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        return body
    return json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()


def _claim(api_key: ApiKey, key: str, fingerprint: _Fingerprint) -> _Claim | IdempotentRequest:
    """Claim `key` for this request, or return the finished record to replay."""
    token = uuid.uuid4()
    # Twice at most: a claim can vanish between the two statements (its request failed and
    # released it), and then the key is free again.
    for _ in range(2):
        record_id = _insert_claim(api_key, key, fingerprint, token)
        if record_id is not None:
            return _Claim(record_id, token)
        record = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
        if record is not None:
            _ensure_same_request(record, fingerprint)
            if record.status_code is not None:
                return record
            return _take_over(record, token)
    raise _in_progress()


def _insert_claim(
    api_key: ApiKey, key: str, fingerprint: _Fingerprint, token: uuid.UUID
) -> int | None:
    """Insert the claim's row and return its id; None when the key has a row already.

    One statement, atomic on its own, so no transaction or savepoint around it: a key
    claimed before is no error, just no row. PostgreSQL and SQLite (3.35 and later) both
    read `INSERT … ON CONFLICT DO NOTHING RETURNING`; the ORM has no way to say it.
    """
    now = timezone.now()
    values = {
        "api_key": api_key.pk,
        "key": key,
        "method": fingerprint.method,
        "path": fingerprint.path,
        "body_digest": fingerprint.body_digest,
        "claim_token": token,
        "claimed_at": now,
        "created_at": now,
    }
    meta = IdempotentRequest._meta
    fields = [_column_of(name) for name in values]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        # The target is the one_request_per_key constraint: (api_key, key).
        f"ON CONFLICT ({quote(fields[0].column)}, {quote(fields[1].column)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def _column_of(name: str) -> Field[Any, Any]:
    field = IdempotentRequest._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{name} is no column of IdempotentRequest")
    return field


def _ensure_same_request(record: IdempotentRequest, fingerprint: _Fingerprint) -> None:
    if (record.method, record.path, record.body_digest) != (
        fingerprint.method,
        fingerprint.path,
        fingerprint.body_digest,
    ):
        raise Conflict(
            "idempotency_key_reused",
            f"this {HEADER} was already used for a different request; use a new key",
        )


def _take_over(record: IdempotentRequest, token: uuid.UUID) -> _Claim | IdempotentRequest:
    """Take over a claim whose request died; refuse while it may still be running."""
    now = timezone.now()
    if record.claimed_at is not None and now - record.claimed_at < CLAIM_LEASE:
        raise _in_progress()
    # Compare-and-set: of two retries racing for a dead claim, one wins.
    taken = IdempotentRequest.objects.filter(
        pk=record.pk, claim_token=record.claim_token, status_code__isnull=True
    ).update(claim_token=token, claimed_at=now)
    if taken:
        return _Claim(record.pk, token)
    record.refresh_from_db()
    if record.status_code is None:
        raise _in_progress()
    return record


class _ClaimLost(Exception):
    """The claim was taken over while the effect ran: the effect must roll back."""


def _run_claimed(claim: _Claim, effect: Callable[[], Outcome]) -> HttpResponse:
    try:
        with transaction.atomic():
            outcome = effect()
            content = _encoded(outcome)
            if not _record_answer(claim, outcome.status, content):
                raise _ClaimLost()
    except ServiceError as error:
        # The transaction rolled back whole, so none of the refused effect's writes remain
        # (a savepoint around the effect would cost two statements on every request);
        # the refusal is the answer, recorded by one statement of its own.
        outcome = Outcome(error.status, service_error_body(error))
        content = _encoded(outcome)
        if not _record_answer(claim, outcome.status, content):
            return _answer_of_lost_claim(claim)
    except _ClaimLost:
        return _answer_of_lost_claim(claim)
    return _response(outcome.status, content)


def _encoded(outcome: Outcome) -> bytes:
    return json.dumps(outcome.body, cls=NinjaJSONEncoder).encode()


def _record_answer(claim: _Claim, status: int, content: bytes) -> bool:
    """Write the answer into the claim's row if the claim is still ours (compare-and-set).

    The row's lock is taken here, last, and held to commit: a retry taking the claim over
    waits for it, then finds the answer and replays it.
    """
    recorded = IdempotentRequest.objects.filter(
        pk=claim.record_id, claim_token=claim.token, status_code__isnull=True
    ).update(status_code=status, response_body=content.decode())
    return recorded == 1


def _answer_of_lost_claim(claim: _Claim) -> HttpResponse:
    """The answer of the request that took our claim over: its replay once it has one."""
    record = IdempotentRequest.objects.filter(pk=claim.record_id).first()
    if record is None or record.status_code is None:
        raise _in_progress()
    return _replay(record)


def _release(claim: _Claim) -> None:
    """Drop a claim whose effect failed unexpectedly, so the client may retry at once."""
    IdempotentRequest.objects.filter(
        pk=claim.record_id, claim_token=claim.token, status_code__isnull=True
    ).delete()


def _replay(record: IdempotentRequest) -> HttpResponse:
    if record.status_code is None:
        raise _in_progress()
    response = _response(record.status_code, (record.response_body or "").encode())
    response[REPLAY_HEADER] = "true"
    return response


def _response(status: int, content: bytes) -> HttpResponse:
    return HttpResponse(content, status=status, content_type="application/json; charset=utf-8")


def _in_progress() -> Conflict:
    return Conflict(
        "request_in_progress",
        f"a request with this {HEADER} is still being processed; retry in a minute",
    )

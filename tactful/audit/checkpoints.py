"""Signed checkpoints of the chain head, kept outside the database.

A checkpoint says "event S of the chain has hash H", signed with the audit signing key
(Ed25519). It is written to an append-only sink the database cannot reach: a directory
here and in the demo, an object store with a retention lock in production
(docs/security.md). Whoever rewrites the chain (even with the link key) or cuts off its
tail cannot rewrite what the sink already holds, so `verify_chain` catches them as soon
as one checkpoint covers the events they touched.

The sink is a port with one method, `write`; reading the checkpoints back is a second,
separate port (`CheckpointSource`), because a production sink may be read elsewhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings

from tactful.audit.chain import canonical_json
from tactful.audit.models import ChainHead
from tactful.audit.signing import ALGORITHM, decoded_public_key, encoded, sign, verifies

FORMAT = "tactful.audit-checkpoint/1"


class CheckpointSink(Protocol):
    def write(self, name: str, content: bytes) -> None:
        """Store `content` under `name`; never replace what is stored (raise instead)."""


class CheckpointSource(Protocol):
    def stored(self) -> Iterable[tuple[str, bytes]]:
        """Yield every stored checkpoint as (name, content), oldest name first."""


class DirectorySink:
    """Checkpoints as read-only files in one directory, each created once (``O_EXCL``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, name: str, content: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        with path.open("xb") as file:  # raises FileExistsError rather than overwrite
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        path.chmod(0o444)

    def stored(self) -> Iterable[tuple[str, bytes]]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.json")):
            yield path.name, path.read_bytes()


def configured_sink() -> DirectorySink:
    return DirectorySink(Path(settings.AUDIT_CHECKPOINT_DIR))


@dataclass(frozen=True)
class Checkpoint:
    """What one checkpoint vouches for: the chain's event `sequence` had `hash`."""

    name: str
    sequence: int
    hash: str
    written_at: str


def write_checkpoint(*, now: datetime, sink: CheckpointSink | None = None) -> Checkpoint | None:
    """Sign the chain head as it is now and store it; None when the chain is still empty."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.last_sequence == 0:
        return None
    keys = settings.AUDIT_KEYS
    written_at = now.astimezone(UTC).isoformat(timespec="seconds")
    body = {
        "format": FORMAT,
        "sequence": head.last_sequence,
        "hash": head.last_hash,
        "written_at": written_at,
        "key_id": keys.signing_key_id,
        "public_key": encoded(keys.public_key),
    }
    document = {
        "checkpoint": body,
        "algorithm": ALGORITHM,
        "signature": sign(keys.signing_seed, canonical_json(body).encode()),
    }
    name = f"{head.last_sequence:012d}-{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}.json"
    (sink or configured_sink()).write(name, json.dumps(document, indent=2).encode())
    return Checkpoint(name, head.last_sequence, head.last_hash, written_at)


class BadCheckpoint(ValueError):
    """A stored checkpoint that cannot vouch for anything: unreadable, or badly signed."""


def trusted_checkpoints(source: CheckpointSource | None = None) -> list[Checkpoint]:
    """Return every stored checkpoint whose signature verifies, oldest first.

    Raise BadCheckpoint for the first one that is unreadable or whose signature does
    not verify under a trusted key: a forged or damaged checkpoint is itself tampering.
    """
    trusted = settings.AUDIT_KEYS.trusted_public_keys
    return [
        _checked(name, content, trusted) for name, content in (source or configured_sink()).stored()
    ]


def _checked(name: str, content: bytes, trusted: dict[str, bytes]) -> Checkpoint:
    try:
        document = json.loads(content)
        body = document["checkpoint"]
        signature = document["signature"]
        sequence, hash_, key_id = body["sequence"], body["hash"], body["key_id"]
    except (ValueError, KeyError, TypeError):
        raise BadCheckpoint(f"checkpoint {name} is unreadable") from None
    valid_types = isinstance(sequence, int) and isinstance(hash_, str)
    if body.get("format") != FORMAT or not valid_types or not isinstance(signature, str):
        raise BadCheckpoint(f"checkpoint {name} is not a {FORMAT} file")
    public_key = trusted.get(key_id) if isinstance(key_id, str) else None
    if public_key is None or decoded_public_key(str(body.get("public_key"))) != public_key:
        raise BadCheckpoint(f"checkpoint {name} is signed by a key that is not trusted")
    if not verifies(public_key, canonical_json(body).encode(), signature):
        raise BadCheckpoint(f"checkpoint {name}'s signature does not verify")
    return Checkpoint(name, sequence, hash_, str(body.get("written_at")))

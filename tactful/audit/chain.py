"""How an audit event is hashed. Shared by appending and verifying.

An event's hash is an HMAC-SHA256 under a link key (``key_id`` names it, and is itself
part of what is hashed), so nobody without the key can recompute a rewritten chain.
Events written before links were keyed have an empty ``key_id`` and a plain SHA-256;
they stay verifiable, and the first keyed event's link to them protects them too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
UNKEYED = ""


def canonical_json(payload: Any) -> str:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def payload_digest(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    sequence: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    payload_digest: str
    previous_hash: str
    key_id: str = UNKEYED

    def hash(self, key: bytes | None) -> str:
        """Return the link's hash: an HMAC under `key`, or plain SHA-256 for an unkeyed link."""
        fields = [
            str(self.sequence),
            self.occurred_at.isoformat(timespec="microseconds"),
            self.actor,
            self.action,
            self.object_type,
            self.object_id,
            self.payload_digest,
            self.previous_hash,
        ]
        if self.key_id == UNKEYED:
            return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
        if key is None:
            raise ValueError(f"link key {self.key_id!r} is needed to hash this link")
        message = "\x1f".join([*fields, self.key_id]).encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

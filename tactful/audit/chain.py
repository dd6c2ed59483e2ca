"""How an audit event is hashed. Shared by appending and verifying."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


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

    def hash(self) -> str:
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
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()

"""Signed exports: a JSON document carries an Ed25519 signature over its canonical bytes.

Whoever holds an export (a borrower, a regulator, a court) can check it without the
database: changing any field, or removing an entry, breaks the signature. The canonical
bytes are the document without its ``signature`` member, as `canonical_json` writes it
(keys sorted, no spaces, UTF-8). The signature names its key and carries the public key;
that key is trusted only when it is one the lender publishes (on /verify/, and in
AUDIT_PREVIOUS_PUBLIC_KEYS after a rotation).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tactful.audit.chain import canonical_json
from tactful.audit.keys import AuditKeys
from tactful.audit.signing import (
    ALGORITHM,
    decoded_public_key,
    encoded,
    fingerprint,
    sign,
    verifies,
)

SIGNATURE = "signature"


def signed(document: Mapping[str, Any], keys: AuditKeys) -> dict[str, Any]:
    """Return `document`, as JSON will carry it, with its signature added."""
    # Round-tripped first, so what is signed is exactly what a reader will parse.
    body: dict[str, Any] = json.loads(json.dumps(document, ensure_ascii=False, default=str))
    body.pop(SIGNATURE, None)
    body[SIGNATURE] = {
        "algorithm": ALGORITHM,
        "key_id": keys.signing_key_id,
        "public_key": encoded(keys.public_key),
        "fingerprint": fingerprint(keys.public_key),
        "value": sign(keys.signing_seed, _signed_bytes(body)),
    }
    return body


@dataclass(frozen=True)
class SignatureCheck:
    """Whether a document's signature verifies, and whether its key is one we trust.

    `trusted` is False when the signature verified only under the key the document
    itself names: a reader must then compare `fingerprint` with the published one.
    """

    problem: str | None
    trusted: bool = False
    key_id: str | None = None
    fingerprint: str | None = None

    @property
    def verifies(self) -> bool:
        return self.problem is None


def check_signature(
    document: Mapping[str, Any], trusted_keys: Mapping[str, bytes] | None
) -> SignatureCheck:
    """Check `document`'s signature; `trusted_keys` None means: no published key at hand."""
    block = document.get(SIGNATURE)
    if not isinstance(block, dict):
        return SignatureCheck("the file carries no signature: export it again")
    key_id, value = block.get("key_id"), block.get("value")
    named = decoded_public_key(str(block.get("public_key", "")))
    if block.get("algorithm") != ALGORITHM or not isinstance(value, str) or named is None:
        return SignatureCheck("its signature block is malformed")
    if trusted_keys is not None:
        key = trusted_keys.get(key_id) if isinstance(key_id, str) else None
        if key is None or key != named:
            return SignatureCheck(f"it is signed by a key this lender does not publish ({key_id})")
    if not verifies(named, _signed_bytes(document), value):
        return SignatureCheck("the file was changed after it was signed: its signature fails")
    return SignatureCheck(
        None, trusted=trusted_keys is not None, key_id=str(key_id), fingerprint=fingerprint(named)
    )


def _signed_bytes(document: Mapping[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in document.items() if k != SIGNATURE}).encode()

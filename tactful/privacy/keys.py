"""Read the PII keyring from the environment: ``PII_KEYS`` and ``PII_INDEX_KEY``.

``PII_KEYS`` is a comma-separated list of ``key_id:base64key`` pairs, each key 32 bytes
(AES-256). The first key encrypts; all of them decrypt, so a key can be rotated in by
putting it first and re-encrypting (`manage.py rotate_pii_keys`). ``PII_INDEX_KEY`` keys
the blind indexes; it does not rotate with the encryption keys, because changing it changes
every index value (re-indexing is not automated: see docs/privacy.md).

Without ``PII_KEYS`` (local runs, tests) both keys are derived from SECRET_KEY under the key
id ``local``; production sets real keys. Pure Python: settings import it at start.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
LOCAL_KEY_ID = "local"


class KeyringError(ValueError):
    """A PII key that cannot be used: the message says which and why (never the key)."""


@dataclass(frozen=True)
class Keyring:
    """The encryption keys by id (the first one, `current`, encrypts) and the index key."""

    current: str
    keys: dict[str, bytes]
    index_key: bytes

    def key(self, key_id: str) -> bytes:
        """Return the key named `key_id`; raise KeyringError when it is not configured."""
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyringError(f"PII key {key_id!r} is not in PII_KEYS") from None


def parse_keyring(pii_keys: str, index_key: str, *, secret_key: str) -> Keyring:
    """Return the keyring described by the two variables; raise KeyringError if malformed."""
    if not pii_keys.strip():
        return _local_keyring(secret_key)
    keys: dict[str, bytes] = {}
    for entry in (part.strip() for part in pii_keys.split(",") if part.strip()):
        key_id, key = _parse_entry(entry)
        if key_id in keys:
            raise KeyringError(f"PII_KEYS names key {key_id!r} twice")
        keys[key_id] = key
    if not index_key.strip():
        raise KeyringError("PII_INDEX_KEY must be set when PII_KEYS is")
    return Keyring(current=next(iter(keys)), keys=keys, index_key=_decoded(index_key, "index"))


def new_key() -> str:
    """Return a fresh random key, base64-encoded, for PII_KEYS or PII_INDEX_KEY."""
    import secrets

    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _parse_entry(entry: str) -> tuple[str, bytes]:
    key_id, separator, encoded = entry.partition(":")
    if not separator or not _KEY_ID.fullmatch(key_id):
        raise KeyringError("PII_KEYS entries must look like key_id:base64key")
    return key_id, _decoded(encoded, key_id)


def _decoded(encoded: str, name: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"PII key {name!r} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(f"PII key {name!r} must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def _local_keyring(secret_key: str) -> Keyring:
    def derived(label: str) -> bytes:
        return hashlib.sha256(f"tactful-pii:{label}:{secret_key}".encode()).digest()

    return Keyring(
        current=LOCAL_KEY_ID, keys={LOCAL_KEY_ID: derived("encrypt")}, index_key=derived("index")
    )

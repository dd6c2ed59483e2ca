"""Read the PII keyring from the environment: ``PII_KEYS``, ``PII_INDEX_KEYS``, ``PII_INDEX_KEY``.

``PII_KEYS`` is a comma-separated list of ``key_id:base64key`` pairs, each key 32 bytes
(AES-256). The first key encrypts; all of them decrypt, so a key can be rotated in by
putting it first and re-encrypting (`manage.py rotate_pii_keys`).

The blind indexes are keyed by ``PII_INDEX_KEYS``, written the same way: the first key
computes new indexes, the others are previous keys that look-ups still try, so the index
key can be rotated too (`manage.py rotate_pii_index_key`, docs/adr/0011). An index made
under a named key carries its id (``i2:<digest>``), so a row that holds only an index still
says which key made it. ``PII_INDEX_KEY`` is the single key from before rotation existed:
set alone, it is the only key (its indexes carry no id); set with ``PII_INDEX_KEYS``, it is
the oldest previous key.

Without ``PII_KEYS`` (local runs, tests) the keys are derived from SECRET_KEY under the key
id ``local``; production sets real keys. Pure Python: settings import it at start.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from tactful.key_lists import KeyListError, decoded_key, named_keys

KEY_BYTES = 32
LOCAL_KEY_ID = "local"


class KeyringError(ValueError):
    """A PII key that cannot be used: the message says which and why (never the key)."""


@dataclass(frozen=True)
class IndexKey:
    """One blind-index key. `key_id` is None for the key of PII_INDEX_KEY (untagged indexes)."""

    key_id: str | None
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    """The encryption keys by id (the first one, `current`, encrypts) and the index keys.

    `index_keys` are those of PII_INDEX_KEYS (the first computes new indexes); `index_key`
    is PII_INDEX_KEY, the untagged key, current only when `index_keys` is empty.
    """

    current: str
    # Kept out of repr, so a keyring in a traceback or a log line shows no key.
    keys: dict[str, bytes] = field(repr=False)
    index_key: bytes | None = field(default=None, repr=False)
    index_keys: tuple[IndexKey, ...] = ()

    def __post_init__(self) -> None:
        if self.index_key is None and not self.index_keys:
            raise KeyringError("a keyring needs PII_INDEX_KEYS or PII_INDEX_KEY")

    def key(self, key_id: str) -> bytes:
        """Return the key named `key_id`; raise KeyringError when it is not configured."""
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyringError(f"PII key {key_id!r} is not in PII_KEYS") from None

    @property
    def index_ring(self) -> tuple[IndexKey, ...]:
        """Every index key, the current one first, the untagged key (if any) last."""
        untagged = () if self.index_key is None else (IndexKey(None, self.index_key),)
        return self.index_keys + untagged

    @property
    def current_index_key(self) -> IndexKey:
        return self.index_ring[0]


def parse_keyring(
    pii_keys: str, index_key: str, *, secret_key: str, index_keys: str = ""
) -> Keyring:
    """Return the keyring described by the variables; raise KeyringError if malformed."""
    if not pii_keys.strip():
        if index_keys.strip():
            raise KeyringError("PII_INDEX_KEYS is set but PII_KEYS is not: set both")
        return _local_keyring(secret_key)
    keys = _named_keys(pii_keys, "PII_KEYS")
    if not index_key.strip() and not index_keys.strip():
        raise KeyringError("PII_INDEX_KEYS (or PII_INDEX_KEY) must be set when PII_KEYS is")
    named = tuple(
        IndexKey(key_id, key) for key_id, key in _named_keys(index_keys, "PII_INDEX_KEYS").items()
    )
    untagged = _decoded(index_key, "PII_INDEX_KEY", None) if index_key.strip() else None
    _refuse_repeated_index_keys(named, untagged)
    return Keyring(current=next(iter(keys)), keys=keys, index_key=untagged, index_keys=named)


def new_key() -> str:
    """Return a fresh random key, base64-encoded, for PII_KEYS or PII_INDEX_KEYS."""
    import secrets

    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _named_keys(text: str, variable: str) -> dict[str, bytes]:
    try:
        return named_keys(text, variable, size=KEY_BYTES)
    except KeyListError as error:
        raise KeyringError(str(error)) from None


def _decoded(encoded: str, variable: str, key_id: str | None) -> bytes:
    try:
        return decoded_key(encoded, variable, key_id, size=KEY_BYTES)
    except KeyListError as error:
        raise KeyringError(str(error)) from None


def _refuse_repeated_index_keys(named: tuple[IndexKey, ...], untagged: bytes | None) -> None:
    # The same secret under two names would make two indexes of one value: a sign the
    # configuration was copied wrong, so say so at start instead of guessing.
    secrets = [key.secret for key in named] + ([untagged] if untagged is not None else [])
    if len(set(secrets)) != len(secrets):
        raise KeyringError("PII_INDEX_KEYS and PII_INDEX_KEY hold the same key twice")


def _local_keyring(secret_key: str) -> Keyring:
    def derived(label: str) -> bytes:
        return hashlib.sha256(f"tactful-pii:{label}:{secret_key}".encode()).digest()

    return Keyring(
        current=LOCAL_KEY_ID, keys={LOCAL_KEY_ID: derived("encrypt")}, index_key=derived("index")
    )

"""Encrypt and decrypt personal data with AES-GCM; compute blind indexes for exact lookup.

A ciphertext is ``pii1:<key id>:<base64(nonce + ciphertext + tag)>``. The key id travels
with the value so rotation can re-encrypt row by row, and the id is bound as associated
data, so a value cannot be passed off as encrypted under another key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from tactful.privacy.keys import IndexKey, Keyring, KeyringError

PREFIX = "pii1"
NONCE_BYTES = 12
# Every blind-index column holds 64 characters: a SHA-256 hex digest, or a tagged one.
INDEX_LENGTH = 64
INDEX_TAG_SEPARATOR = ":"


class DecryptionError(ValueError):
    """A stored value that cannot be decrypted (wrong key, altered, or not ours)."""


def keyring() -> Keyring:
    """Return the configured keyring (settings.PII_KEYRING)."""
    ring: Keyring = settings.PII_KEYRING
    return ring


def encrypt(plaintext: str, *, ring: Keyring | None = None) -> str:
    """Return `plaintext` encrypted under the current key."""
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.current)).encrypt(
        nonce, plaintext.encode("utf-8"), ring.current.encode("ascii")
    )
    return f"{PREFIX}:{ring.current}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str, *, ring: Keyring | None = None) -> str:
    """Return the plaintext of `token`; raise DecryptionError when it cannot be read."""
    ring = ring or keyring()
    key_id, blob = _split(token)
    try:
        raw = base64.b64decode(blob, validate=True)
        opened = AESGCM(ring.key(key_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode("ascii")
        )
    except (InvalidTag, ValueError, KeyringError) as error:
        raise DecryptionError(f"cannot decrypt a value under key {key_id!r}") from error
    return opened.decode("utf-8")


def key_id_of(token: str) -> str:
    """Return the id of the key `token` was encrypted under."""
    return _split(token)[0]


def is_encrypted(value: str) -> bool:
    return value.startswith(f"{PREFIX}:")


def blind_index(kind: str, value: str, *, ring: Keyring | None = None) -> str:
    """Return the keyed digest that finds `value` of `kind` (``phone``, ``national_id``).

    Computed under the current index key: what new rows store. Normalise before indexing:
    the index matches exact values only. Look-ups use `blind_indexes`.
    """
    ring = ring or keyring()
    return index_under(ring.current_index_key, kind, value)


def blind_indexes(kind: str, value: str, *, ring: Keyring | None = None) -> list[str]:
    """Return every index `value` may be stored under, the current key's first.

    Rows written before an index-key rotation, and rows that hold only an index (a
    refusal), keep a previous key's index: a look-up filters with ``__in`` on these.
    Each key is also tried without its id, the form of indexes from before rotation
    existed, so moving the old PII_INDEX_KEY into PII_INDEX_KEYS cannot hide its rows.
    """
    ring = ring or keyring()
    candidates: list[str] = []
    for key in ring.index_ring:
        for form in (index_under(key, kind, value), _digest(key, kind, value)):
            if form not in candidates:
                candidates.append(form)
    return candidates


def index_under(key: IndexKey, kind: str, value: str) -> str:
    """Return the index of `value` under `key`: ``<key id>:<digest>``, or the bare digest.

    The digest is cut so the whole fits the 64-character index columns (at least 47 hex
    digits, 188 bits, with the longest key id).
    """
    digest = _digest(key, kind, value)
    if key.key_id is None:
        return digest
    tag = f"{key.key_id}{INDEX_TAG_SEPARATOR}"
    return tag + digest[: INDEX_LENGTH - len(tag)]


def index_key_id(index: str) -> str | None:
    """Return the id of the key that made `index`; None for an untagged index."""
    key_id, separator, _ = index.partition(INDEX_TAG_SEPARATOR)
    return key_id if separator else None


def _digest(key: IndexKey, kind: str, value: str) -> str:
    return hmac.new(key.secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _split(token: str) -> tuple[str, str]:
    prefix, _, rest = token.partition(":")
    key_id, _, blob = rest.partition(":")
    if prefix != PREFIX or not key_id or not blob:
        raise DecryptionError("not an encrypted value")
    return key_id, blob

"""Keys as the environment holds them: comma-separated ``key_id:base64key`` pairs.

The PII keys, the audit link keys and the audit signing keys are all written this way,
so one reader serves them all. Errors name the variable and the key id, never a key.
"""

from __future__ import annotations

import base64
import binascii
import re

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class KeyListError(ValueError):
    """A key list that cannot be used: the message says which key and why."""


def named_keys(text: str, variable: str, *, size: int) -> dict[str, bytes]:
    """Return the keys of `text` by id, in the order written; each must be `size` bytes."""
    keys: dict[str, bytes] = {}
    for entry in (part.strip() for part in text.split(",") if part.strip()):
        key_id, key = _parse_entry(entry, variable, size)
        if key_id in keys:
            raise KeyListError(f"{variable} names key {key_id!r} twice")
        keys[key_id] = key
    return keys


def decoded_key(encoded: str, variable: str, key_id: str | None, *, size: int) -> bytes:
    """Return the bytes of one base64 key; `key_id` (if any) is named in errors."""
    name = variable if key_id is None else f"{variable} key {key_id!r}"
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyListError(f"{name} is not valid base64") from None
    if len(key) != size:
        raise KeyListError(f"{name} must be {size} bytes, got {len(key)}")
    return key


def _parse_entry(entry: str, variable: str, size: int) -> tuple[str, bytes]:
    key_id, separator, encoded = entry.partition(":")
    if not separator or not _KEY_ID.fullmatch(key_id):
        raise KeyListError(f"{variable} entries must look like key_id:base64key")
    return key_id, decoded_key(encoded, variable, key_id, size=size)

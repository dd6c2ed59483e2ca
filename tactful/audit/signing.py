"""Ed25519 signatures over canonical bytes: checkpoints of the chain head, exports.

Pure Python over `cryptography`. A public key is shown as base64, and recognised by its
fingerprint (``SHA256:`` and the first 16 bytes of its digest, base64): short enough to
read aloud or compare on the /verify/ page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SEED_BYTES = 32
PUBLIC_KEY_BYTES = 32
ALGORITHM = "Ed25519"


def public_key_of(seed: bytes) -> bytes:
    """Return the raw 32-byte public key of the private key whose seed is `seed`."""
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(seed: bytes, data: bytes) -> str:
    """Return the signature of `data`, base64."""
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(data)
    return base64.b64encode(signature).decode("ascii")


def verifies(public_key: bytes, data: bytes, signature: str) -> bool:
    """Return whether `signature` (base64) is `public_key`'s signature of `data`."""
    try:
        raw = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(public_key).verify(raw, data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def encoded(public_key: bytes) -> str:
    return base64.b64encode(public_key).decode("ascii")


def decoded_public_key(text: str) -> bytes | None:
    """Return the raw public key written in base64 as `text`, or None if it is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == PUBLIC_KEY_BYTES else None


def fingerprint(public_key: bytes) -> str:
    digest = hashlib.sha256(public_key).digest()[:16]
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def new_seed() -> str:
    """Return a fresh private key (its seed), base64, for AUDIT_SIGNING_KEY."""
    import secrets

    return base64.b64encode(secrets.token_bytes(SEED_BYTES)).decode("ascii")

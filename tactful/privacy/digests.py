"""Keyed digests: what Tactful keeps instead of a value it only needs to recognise again.

A one-time code, the number it was sent to, a client's address for rate limits, an
invitation's token: each is stored as HMAC-SHA256 under SECRET_KEY of ``purpose:value``.
The purpose keeps one kind of digest from ever matching another. Unlike a blind index
(`privacy.crypto.blind_index`) these digests are not kept for years: rotating SECRET_KEY
invalidates them, which ends pending codes and invitations and resets rate limits.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def keyed_digest(purpose: str, value: str) -> str:
    """Return the hex HMAC-SHA256 of ``purpose:value`` under SECRET_KEY."""
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def digests_match(stored: str, purpose: str, value: str) -> bool:
    """Return True if `value` has the digest `stored`, comparing in constant time."""
    return hmac.compare_digest(stored, keyed_digest(purpose, value))

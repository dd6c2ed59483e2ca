"""The API keys as the API sees them: checked on each request, named in what they did.

Keys are account records (`tactful.accounts.keys`, ADR 0017): the staff pages issue and
revoke them too, and a face may not import another. This module names what the API's
routers, its command and its tests use, so none of them needs to know where keys live.
"""

from __future__ import annotations

from tactful.accounts.keys import (
    KEY_MARK,
    SCOPES,
    IssuedKey,
    actor_of,
    all_keys,
    authenticate_key,
    has_scope,
    issue_key,
    note_use,
    revoke_key,
)

__all__ = [
    "KEY_MARK",
    "SCOPES",
    "IssuedKey",
    "actor_of",
    "all_keys",
    "authenticate_key",
    "has_scope",
    "issue_key",
    "note_use",
    "revoke_key",
]

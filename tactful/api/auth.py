"""Who is calling, and may they do this: API keys by bearer token or X-API-Key header.

A missing, unknown or revoked key is 401 `unauthenticated`; a good key without the
operation's scope is 403 `forbidden_scope`. Both are decided before any input is read.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.base import AuthBase

from tactful.accounts.models import ApiKey
from tactful.api.errors import ForbiddenScope
from tactful.api.keys import SCOPES, authenticate_key, has_scope, note_use


def _authorize(token: str | None, scope: str) -> ApiKey | None:
    api_key = authenticate_key(token) if token else None
    if api_key is None:
        return None
    if not has_scope(api_key, scope):
        raise ForbiddenScope(scope)
    note_use(api_key)
    return api_key


class BearerApiKey(HttpBearer):
    """`Authorization: Bearer tk_…`."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return _authorize(token, self.scope)


class HeaderApiKey(APIKeyHeader):
    """`X-API-Key: tk_…`, for clients that cannot set a bearer token."""

    param_name = "X-API-Key"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        return _authorize(key, self.scope)


def requires(scope: str) -> list[AuthBase]:
    """Return the `auth=` of an operation that needs `scope`."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    return [BearerApiKey(scope), HeaderApiKey(scope)]


def api_key_of(request: HttpRequest) -> ApiKey:
    """Return the key that authenticated `request`."""
    api_key = getattr(request, "auth", None)
    if not isinstance(api_key, ApiKey):
        raise TypeError("this operation has no API key authentication")
    return api_key

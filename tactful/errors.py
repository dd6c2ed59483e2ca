"""Errors that services raise and every interface (API, pages, CLI) translates the same way."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out. `code` is stable; clients switch on it."""

    status = 400

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}


class InvalidInput(ServiceError):
    """Input that breaks a rule; nothing was stored."""

    status = 422

    def __init__(self, fields: dict[str, str], code: str = "invalid_input") -> None:
        summary = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        super().__init__(code, summary, fields)


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409

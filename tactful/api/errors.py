"""The one error contract of `/api/v1`: `{"code", "message", "fields"}` for every failure.

Each kind of failure (bad input, bad credentials, a broken business rule, an unknown
object, a bug) is translated here, so an integrator can switch on `code` everywhere.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tactful.errors import ServiceError

logger = logging.getLogger(__name__)

# Where ninja found a value; the first element of every validation error location.
_PARAMETER_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
_INDEX = re.compile(r"\[(\d+)\]")
_E = TypeVar("_E", bound=Exception)


class MalformedJson(ValueError):
    """A request body that is not JSON at all."""


class ForbiddenScope(ServiceError):
    """A valid key that was not issued for what the request does."""

    status = 403

    def __init__(self, scope: str) -> None:
        super().__init__("forbidden_scope", f"this API key lacks the scope {scope!r}")


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the JSON body of an error; field paths use dots, like `phones.0`."""
    return {
        "code": code,
        "message": message,
        "fields": {_dotted(name): problem for name, problem in (fields or {}).items()},
    }


def service_error_body(error: ServiceError) -> dict[str, Any]:
    return error_body(error.code, error.message, error.fields)


def validation_problems(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Turn ninja/pydantic error entries into `{field path: problem}`."""
    problems: dict[str, str] = {}
    for error in errors:
        field = _field_path(error.get("loc", ()))
        problem = _problem_text(error)
        problems[field] = f"{problems[field]}; {problem}" if field in problems else problem
    return problems


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every failure of `api` answer with the error contract."""
    _handle(api, ValidationError, _invalid_input)
    _handle(api, ServiceError, _service_error)
    _handle(api, HttpError, _http_error)
    _handle(api, Http404, _not_found)
    _handle(api, Exception, _internal_error)


def _handle(
    api: NinjaAPI, kind: type[_E], handler: Callable[[HttpRequest, _E], HttpResponse]
) -> None:
    # Ninja's hint also admits handlers of exception classes, which it never passes.
    api.add_exception_handler(kind, handler)  # type: ignore[arg-type]


def error_response(status: int, body: Mapping[str, Any]) -> HttpResponse:
    return JsonResponse(body, status=status)


def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = validation_problems(exc.errors)
    message = "; ".join(f"{field}: {problem}" for field, problem in problems.items())
    return error_response(422, error_body("invalid_input", message, problems))


def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(exc.status, service_error_body(exc))


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        response = error_response(
            401,
            error_body(
                "unauthenticated",
                "send a valid, unrevoked API key as 'Authorization: Bearer <key>' or 'X-API-Key'",
            ),
        )
        response["WWW-Authenticate"] = 'Bearer realm="tactful"'
        return response
    if isinstance(exc.__cause__, MalformedJson):
        return error_response(400, error_body("malformed_json", "the request body is not JSON"))
    code = {403: "forbidden", 404: "not_found", 429: "rate_limited"}.get(exc.status_code)
    return error_response(exc.status_code, error_body(code or "bad_request", str(exc)))


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, error_body("not_found", "no such object or path"))


def _internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The stack without the message: an exception's text may quote input, which can hold PII.
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error(
        "unhandled %s in %s %s\n%s", type(exc).__name__, request.method, request.path, stack
    )
    return error_response(
        500, error_body("internal_error", "an unexpected error occurred; it has been logged")
    )


def _field_path(location: Iterable[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in _PARAMETER_SOURCES:
        source, parts = parts[0], parts[1:]
        # Ninja puts the body under the view's parameter name, which clients never see.
        if source == "body" and parts:
            parts = parts[1:]
    return ".".join(parts) or "body"


def _problem_text(error: Mapping[str, Any]) -> str:
    context = error.get("ctx") or {}
    if error.get("type") == "value_error" and "error" in context:
        return str(context["error"])
    return str(error.get("msg", "is not valid"))


def _dotted(field: str) -> str:
    return _INDEX.sub(r".\1", field)

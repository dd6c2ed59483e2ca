"""One input policy for every page and endpoint, applied before any view reads a request.

* A body over Django's limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``, the number of fields or
  files) is answered 413, not 500 or a bare 400.
* A query string or form field holding a control character (tactful.input_text) is
  answered 422 and reaches no view, so nothing of it is stored, on any database.

JSON bodies of the API are checked field by field by its schemas (api/schemas.py), which
name the field; this middleware checks what they never see.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from tactful.input_text import PROBLEM, has_control_characters

_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
_API_PREFIX = "/api/"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            field = _field_with_control_characters(request)
        except _TOO_LARGE:
            return _too_large(request)
        if field is not None:
            return _refused(request, field)
        return self.get_response(request)


def _field_with_control_characters(request: HttpRequest) -> str | None:
    """Return the name of the first query or form field that breaks the rule, if any."""
    sources: list[tuple[str, QueryDict]] = [("query", request.GET)]
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in _FORM_TYPES:
        # Reading the form here raises a too-large body before a view (or CSRF) could.
        sources.append(("form", request.POST))
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        # Touch the body so an oversized one is refused here, whatever its type.
        _ = request.body
    for source, data in sources:
        for name, values in data.lists():
            if has_control_characters(name):
                return source
            if any(has_control_characters(value) for value in values):
                return f"{source}.{name}"
    return None


def _too_large(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(_API_PREFIX):
        # The API's error contract (api/errors.py): code, message, fields.
        return JsonResponse(
            {
                "code": "payload_too_large",
                "message": "the request body is larger than this server accepts",
                "fields": {},
            },
            status=413,
        )
    return render(request, "413.html", {"back_url": _back_url(request)}, status=413)


def _refused(request: HttpRequest, field: str) -> HttpResponse:
    if request.path.startswith(_API_PREFIX):
        return JsonResponse(
            {"code": "invalid_input", "message": f"{field}: {PROBLEM}", "fields": {field: PROBLEM}},
            status=422,
        )
    return render(request, "422.html", {"back_url": _back_url(request)}, status=422)


def _back_url(request: HttpRequest) -> str | None:
    """The page the form was on, when it is one of this site's: where to try again."""
    referer = urlsplit(request.headers.get("Referer", ""))
    same_site = referer.netloc == request.get_host() and referer.scheme in ("http", "https")
    return referer.path if same_site and referer.path.startswith("/") else None

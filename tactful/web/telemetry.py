"""Every request's id, its log line and its metrics: the first middleware of all.

The id is the caller's `X-Request-ID` when it is short and plain (a proxy's or an
integrator's), else a new one; it is on every log line written while the request is
served and in the answer's `X-Request-ID`, so a complaint about one answer leads to its
lines. It outlives this middleware: Django logs a refused request (4xx) after the last
middleware has returned, and the server logs its access line later still. It ends when
the server closes the response (`request_finished`, connected in apps.py).

The request is named by its route (`portal:loan`), never by its path, which may hold an
id: in the metrics' labels and in the log line alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from tactful.telemetry import metrics
from tactful.telemetry.logs import begin_request, end_request, request_id_from

REQUEST_ID_HEADER = "X-Request-ID"
# The route of a request that matched no URL pattern (a 404, or a redirect to add a slash).
UNMATCHED = "unmatched"
# Asked every few seconds by load balancers and Prometheus: their answers are counted, and
# logged at DEBUG unless refused or failed.
PROBES = frozenset({"public:healthz", "public:readyz", "public:metrics"})
_CLIENT_ERROR = 400

logger = logging.getLogger("tactful.request")


class RequestTelemetryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        begin_request(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        _record(request, response.status_code, time.perf_counter() - started)
        response[REQUEST_ID_HEADER] = request_id
        return response


def forget_request_id(**kwargs: object) -> None:
    """`request_finished`: the thread's next lines belong to no request."""
    end_request()


def route_of(request: HttpRequest) -> str:
    """The name of the URL pattern that served `request` (`api:post_permit`)."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else UNMATCHED


def _record(request: HttpRequest, status: int, seconds: float) -> None:
    route = route_of(request)
    method = str(request.method) if request.method in metrics.HTTP_METHODS else "other"
    metrics.record_request(route=route, method=method, status=status, seconds=seconds)
    duration_ms = round(seconds * 1000, 1)
    fields = {"method": method, "route": route, "status": status, "duration_ms": duration_ms}
    quiet = route in PROBES and status < _CLIENT_ERROR
    level = logging.DEBUG if quiet else logging.INFO
    logger.log(level, "%s %s %s %.1f ms", method, route, status, duration_ms, extra=fields)

"""The log format, and the id of the request each line belongs to.

`LOG_FORMAT=json` (production) writes each record as one line of JSON: `time` (UTC),
`level`, `logger`, `message` and `request_id` (null outside a request); the line the web
server writes per request (logger `tactful.request`) adds `method`, `route`, `status`
and `duration_ms`, and Django's lines about a refused or failed request add `status`.
Nothing else of a record is written: Django hangs the request itself on some records,
and what a request holds (a form, a session) must never reach a log. `LOG_FORMAT=text`
(`make run`) writes the message alone, as before.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_LINE_FIELDS = ("method", "route", "status", "duration_ms")
# A caller's id is kept only when short and plain: it is written into every line.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_request_id: ContextVar[str | None] = ContextVar("tactful_request_id", default=None)


def request_id_from(header: str | None) -> str:
    """Return the caller's `X-Request-ID` when well-formed, else a new id."""
    if header is not None and _WELL_FORMED_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """Return the id of the request this thread is serving, None outside a request."""
    return _request_id.get()


def begin_request(request_id: str) -> None:
    """Mark every line this thread logs from now on as the request `request_id`'s."""
    _request_id.set(request_id)


def end_request() -> None:
    """The thread serves no request any more: its lines carry no id."""
    _request_id.set(None)


@contextmanager
def serving_request(request_id: str) -> Iterator[None]:
    """Mark every line logged inside the block as the request `request_id`'s."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the current request's id on each record (`%(request_id)s` in a text format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the fields the module's docstring names and no other."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for name in REQUEST_LINE_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        # django.request says which status a refused or failed request got.
        status_code = getattr(record, "status_code", None)
        if "status" not in line and isinstance(status_code, int):
            line["status"] = status_code
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # Line breaks inside values are escaped: one record, one line.
        return json.dumps(line, ensure_ascii=False, default=str)


def _utc(created: float) -> str:
    moment = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    return moment.removesuffix("+00:00") + "Z"

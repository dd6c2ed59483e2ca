"""Capture what the processes log, as production writes it: one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tactful.telemetry.logs import JsonFormatter, RequestIdFilter


class CapturedLines:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def text(self) -> str:
        return self._stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """Every line parsed; a line that is not one JSON object fails the parse."""
        return [json.loads(line) for line in self.text().splitlines()]


@contextmanager
def json_logs(level: int = logging.DEBUG) -> Iterator[CapturedLines]:
    """Every record of every logger at `level` or above, formatted as LOG_FORMAT=json does.

    The request lines (`tactful.request`) are written only with LOG_FORMAT=json, so their
    logger is opened here too.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root, requests = logging.getLogger(), logging.getLogger("tactful.request")
    levels = root.level, requests.level
    root.addHandler(handler)
    root.setLevel(level)
    requests.setLevel(min(level, logging.INFO))
    try:
        yield CapturedLines(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        requests.setLevel(levels[1])

"""Filters for what Django writes to the log about requests."""

from __future__ import annotations

import logging

_SERVER_ERROR = 500


class TracebacksOnlyForServerErrors(logging.Filter):
    """Keep the line, drop the traceback, of a request refused on purpose (4xx).

    A member of staff opening a page their role does not allow is expected: Django logs
    it with the traceback of the PermissionDenied, which buries the real faults and may
    carry local values. A 5xx keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < _SERVER_ERROR:
            record.exc_info = None
            record.exc_text = None
        return True

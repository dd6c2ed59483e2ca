"""Attach the signed-in borrower (or None) to each request, and show times in their zone."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tactful.borrowers.models import Borrower
from tactful.borrowers.selectors import borrower_by_id

SESSION_KEY = "tactful_borrower_id"


class BorrowerSessionMiddleware:
    """Find the signed-in borrower; while their request runs, times are their local time.

    Times are stored in UTC; a borrower reads them in the zone the contact rules use for
    them (`Borrower.time_zone`). Staff and visitors keep UTC.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        borrower_id = request.session.get(SESSION_KEY)
        borrower = borrower_by_id(borrower_id) if borrower_id else None
        request.borrower = borrower  # type: ignore[attr-defined]
        zone = _zone_of(borrower) if borrower else None
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


def _zone_of(borrower: Borrower) -> ZoneInfo | None:
    # An unknown zone (several zones for one region, nobody said which) stays UTC.
    name = borrower.time_zone
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None

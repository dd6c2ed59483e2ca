"""Helpers for tests that go through the gate on the real clock.

The gate denies at night in the recipient's local time. A test that cannot pass `now`
(a page, the API, a browser) gives its borrower a zone where it is daytime right now,
so it passes at any hour of the day.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from tactful.borrowers.models import Borrower

_EASTMOST_OFFSET, _WESTMOST_OFFSET = 14, -12


def zone_where_it_is(hour: int, *, now: datetime | None = None) -> str:
    """Return a fixed-offset IANA zone (``Etc/GMT±N``) in which it is `hour` o'clock now."""
    utc_hour = (now or timezone.now()).astimezone(UTC).hour
    offset = (hour - utc_hour) % 24
    if offset > _EASTMOST_OFFSET:
        offset -= 24
    assert _WESTMOST_OFFSET <= offset <= _EASTMOST_OFFSET
    # POSIX-style names: Etc/GMT-8 is eight hours *ahead* of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def move_to_daytime(borrower: Borrower) -> Borrower:
    """Give `borrower` a zone where it is about noon now; return it refreshed."""
    Borrower.objects.filter(pk=borrower.pk).update(timezone_override=zone_where_it_is(12))
    borrower.refresh_from_db()
    return borrower


def move_to_night(borrower: Borrower) -> Borrower:
    """Give `borrower` a zone where it is about three in the morning now."""
    Borrower.objects.filter(pk=borrower.pk).update(timezone_override=zone_where_it_is(3))
    borrower.refresh_from_db()
    return borrower

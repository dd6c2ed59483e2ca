"""Calendar arithmetic for monthly due dates."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """Return the same day ``months`` later, or that month's last day if it is shorter.

    Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year). Each due date is computed
    from ``start``, never from the previous due date, so a short month does not
    pull every later due date back to the 28th.
    """
    month_index = start.year * 12 + (start.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))

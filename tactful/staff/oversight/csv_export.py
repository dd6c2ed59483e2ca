"""A chart's table as CSV: a key row (stable names programs read by), the names in the
reader's language, then one line per bar."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tactful.staff.oversight.dashboard import Chart

# A cell a spreadsheet would run as a formula is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def chart_csv(chart: Chart) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["key", "label", *(series.key for series in chart.series), "total", "rate"])
    writer.writerow(
        [
            _("Key"),
            pgettext("chart bar", "Name"),
            *(str(series.label) for series in chart.series),
            _("Total"),
            str(chart.rate_label) or _("Rate"),
        ]
    )
    for row in chart.rows:
        rate = "" if row.rate is None else str(row.rate)
        writer.writerow([_text(row.key), _text(row.label), *row.counts, row.total, rate])
    return buffer.getvalue()


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value

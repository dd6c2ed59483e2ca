"""A monthly report as an Excel workbook (openpyxl): one sheet per section.

As in the complaints export, row 1 of each sheet is the key row (stable column names
programs read by, the same in every language) and row 2 names the columns in the report's
language; label columns hold the stable codes, which the sheet `codes` names. The first
sheet, `report`, says what the workbook covers.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from tactful.reports.figures import MonthReport, Section
from tactful.reports.wording import (
    CODES,
    SECTION_TITLES,
    TITLE,
    UNSCOPED_NOTE,
    column_name,
    place_of,
)


def report_xlsx(report: MonthReport, *, issued_at: datetime, gate_pack: str) -> bytes:
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "report"
    _about(about, report, issued_at)
    for section in report.sections:
        _sheet(workbook.create_sheet(section.key), section, gate_pack)
    _codes(workbook.create_sheet("codes"))
    workbook.properties.title = str(TITLE)
    workbook.properties.created = issued_at.astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(sheet: Any, report: MonthReport, issued_at: datetime) -> None:
    period = report.period
    rows = [
        ["key", "value", "meaning"],
        ["title", str(TITLE), ""],
        ["pack", period.pack, place_of(period.pack)],
        ["month", period.label, _("Month")],
        ["time_zone", period.zone.key, _("Time zone of the month")],
        ["issued_at", f"{issued_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", _("Issued (UTC)")],
    ]
    for row in rows:
        sheet.append(row)


def _sheet(sheet: Any, section: Section, gate_pack: str) -> None:
    columns = (*section.label_columns, *section.figure_columns)
    sheet.append(list(columns))
    sheet.append([column_name(column) for column in columns])
    if not section.scoped:
        sheet.append([str(UNSCOPED_NOTE) % {"pack": gate_pack}])
        return
    for row in section.rows:
        sheet.append([*row.labels, *row.figures])
    if section.totalled and section.rows:
        padding = [""] * (len(section.label_columns) - 1)
        sheet.append(["total", *padding, *section.totals])


def _codes(sheet: Any) -> None:
    sheet.append(["column", "code", "meaning"])
    sheet.append([_("Column"), _("Code"), _("Meaning")])
    for key, title in SECTION_TITLES.items():
        sheet.append(["sheet", key, str(title)])
    for column, meanings in CODES.items():
        for code, meaning in meanings.items():
            sheet.append([column, code, str(meaning)])

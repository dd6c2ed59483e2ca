"""The regulator's export of complaints, as CSV and as an Excel workbook (openpyxl)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook  # type: ignore[import-untyped]

from tactful.complaints.selectors import export_rows

COLUMNS = (
    "number",
    "pack",
    "received_on",
    "channel",
    "category",
    "complainant",
    "status",
    "outcome",
    "due_on",
    "extensions",
    "resolved_on",
    "within_sla",
    "linked_contacts",
    "collectors",
)


def complaints_csv(pack: str | None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_rows(pack))
    return buffer.getvalue()


def complaints_xlsx(pack: str | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"complaints-{pack or 'all'}"
    sheet.append(list(COLUMNS))
    for row in export_rows(pack):
        sheet.append([row[column] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The regulator's export of complaints, as CSV and as an Excel workbook (openpyxl).

Row 1 is the key row: stable column names that programs read columns by, the same in
every language. Row 2 names the columns in the reader's language. Values are the stable
codes; the workbook's second sheet says what each code means in the reader's language.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from tactful.complaints.models import (
    Category,
    ComplainantKind,
    IntakeChannel,
    Resolution,
    Status,
)
from tactful.complaints.selectors import export_rows

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COLUMN_NAMES: dict[str, StrOrPromise] = {
    "number": _("Complaint number"),
    "pack": _("Rule pack"),
    "received_on": _("Received on"),
    "channel": _("Channel"),
    "category": _("Category"),
    "complainant": _("Complainant"),
    "status": _("Status"),
    "outcome": _("Outcome"),
    "due_on": _("Due on"),
    "extensions": _("Extensions of the deadline"),
    "resolved_on": _("Resolved on"),
    "within_sla": _("Resolved within the deadline"),
    "linked_contacts": _("Contacts linked"),
    "collectors": _("Collectors involved"),
}
COLUMNS = tuple(COLUMN_NAMES)
# The codes some columns hold, and what each means.
CODES: dict[str, dict[str, StrOrPromise]] = {
    "channel": dict(IntakeChannel.choices),
    "category": dict(Category.choices),
    "complainant": dict(ComplainantKind.choices),
    "status": dict(Status.choices),
    "outcome": dict(Resolution.choices),
    "within_sla": {"yes": _("Yes"), "no": _("No")},
}


def column_names() -> list[str]:
    """The columns' names in the active language, in the key row's order."""
    return [str(COLUMN_NAMES[column]) for column in COLUMNS]


def complaints_csv(pack: str | None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(dict(zip(COLUMNS, column_names(), strict=True)))
    writer.writerows(export_rows(pack))
    return buffer.getvalue()


def complaints_xlsx(pack: str | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"complaints-{pack or 'all'}"
    sheet.append(list(COLUMNS))
    sheet.append(column_names())
    for row in export_rows(pack):
        sheet.append([row[column] for column in COLUMNS])
    legend = workbook.create_sheet("codes")
    legend.append(["column", "code", "meaning"])
    legend.append([str(_("Column")), str(_("Code")), str(_("Meaning"))])
    for column, meanings in CODES.items():
        for code, meaning in meanings.items():
            legend.append([column, code, str(meaning)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

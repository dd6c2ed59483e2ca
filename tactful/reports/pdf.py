"""A monthly report as a PDF: a heading, then one table per section, in the Chinese font.

Drawn in the active language (`services.issue_report` switches to the report's), on the
page every PDF of Tactful shares (`tactful.pdf_pages`): WenQuanYi Micro Hei, A4, 10 pt.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tactful.pdf_pages import new_document, write_line
from tactful.reports.figures import Figure, MonthReport, Section
from tactful.reports.wording import (
    EMPTY,
    NO_ROWS,
    SECTION_NOTES,
    SECTION_TITLES,
    TITLE,
    UNSCOPED_NOTE,
    code_name,
    column_name,
    place_of,
)

if TYPE_CHECKING:
    from fpdf import FPDF

_LABEL_SHARE = 0.62


def report_pdf(report: MonthReport, *, issued_at: datetime, gate_pack: str) -> bytes:
    """Return `report` as a PDF; FontMissing without the Chinese font."""
    pdf = new_document()
    pdf.set_creation_date(issued_at.astimezone(UTC))
    pdf.set_title(str(TITLE))
    _heading(pdf, report, issued_at)
    for section in report.sections:
        _section(pdf, section, gate_pack)
    return bytes(pdf.output())


def _heading(pdf: FPDF, report: MonthReport, issued_at: datetime) -> None:
    period = report.period
    write_line(pdf, str(TITLE), size=16, height=9)
    lines = (
        _("Rule pack: %(pack)s (%(place)s)")
        % {"pack": period.pack, "place": place_of(period.pack)},
        _("Month: %(month)s, in the time zone %(zone)s")
        % {"month": period.label, "zone": period.zone.key},
        _("Issued %(when)s UTC") % {"when": f"{issued_at.astimezone(UTC):%Y-%m-%d %H:%M}"},
        _(
            "Its SHA-256 digest is kept in the audit chain: `tactful report verify` checks a "
            "copy against it."
        ),
    )
    for line in lines:
        write_line(pdf, line)


def _section(pdf: FPDF, section: Section, gate_pack: str) -> None:
    pdf.ln(3)
    write_line(pdf, str(SECTION_TITLES[section.key]), size=13, height=7)
    if section.key in SECTION_NOTES:
        write_line(pdf, str(SECTION_NOTES[section.key]), size=8, height=4)
    if not section.scoped:
        write_line(pdf, str(UNSCOPED_NOTE) % {"pack": gate_pack})
        return
    if not section.rows:
        write_line(pdf, str(NO_ROWS))
        return
    _table(pdf, section)


def _table(pdf: FPDF, section: Section) -> None:
    labels, figures = len(section.label_columns), len(section.figure_columns)
    widths = (*[_LABEL_SHARE / labels] * labels, *[(1 - _LABEL_SHARE) / figures] * figures)
    align = ("LEFT",) * labels + ("RIGHT",) * figures
    pdf.set_font(size=8)
    from fpdf.fonts import FontFace  # Imported here, as fpdf itself: only the PDFs need it.

    # The Chinese font has no bold face: headings are told apart by their shade.
    headings = FontFace(emphasis=None, fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=widths, text_align=align, line_height=5, headings_style=headings
    ) as table:
        heading = table.row()
        for column in (*section.label_columns, *section.figure_columns):
            heading.cell(column_name(column))
        for row in section.rows:
            cells = table.row()
            for column, code in zip(section.label_columns, row.labels, strict=True):
                cells.cell(code_name(column, code))
            for figure in row.figures:
                cells.cell(_shown(figure))
        if section.totalled:
            total = table.row()
            total.cell(column_name("total"), colspan=labels)
            for figure in section.totals:
                total.cell(_shown(figure))


def _shown(figure: Figure) -> str:
    if figure is None:
        return EMPTY
    if isinstance(figure, Decimal):
        return f"{figure}"
    return f"{figure:,}"

"""Readable PDF documents with Chinese text: the font and page set-up every PDF shares.

The contact record (`portal.privacy.pdf`), the borrower's data export (`portal.rights.pdf`)
and the regulator's report (`reports.pdf`) start from `new_document`, so all embed the
same font. It imports nothing of Tactful, so every layer may use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

PDF_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_NAME = "wqy"


class FontMissing(RuntimeError):
    """The PDF needs a font with Chinese glyphs that is not installed."""


def new_document() -> FPDF:
    """Return an A4 document with its first page, writing in the Chinese font at 10 pt."""
    from fpdf import FPDF  # Imported here: only the PDF exports need it.

    if not PDF_FONT.exists():
        raise FontMissing(
            f"The PDFs need the font {PDF_FONT} (WenQuanYi Micro Hei); "
            "install it with scripts/install-browser.sh (package fonts-wqy-microhei)."
        )
    pdf = FPDF(format="A4")
    pdf.add_font(FONT_NAME, fname=str(PDF_FONT))
    pdf.set_font(FONT_NAME, size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def write_line(pdf: FPDF, text: str, *, size: int = 9, height: float = 5) -> None:
    """Write `text` as a paragraph across the page at `size` points."""
    pdf.set_font(size=size)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

"""Render generated paper text as PDFs: one with a text layer, one as a scan without it.

fpdf2's core fonts keep the files small and fast to write, at the price of latin-1 text only;
a string outside latin-1 raises fpdf2's encoding error rather than being silently mangled.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw, ImageFont

FONT = "Helvetica"
MARGIN_MM = 20.0
# A fixed creation date makes the bytes (and fpdf2's file id, derived from it) reproducible.
CREATION_DATE = datetime(2019, 1, 1, tzinfo=UTC)

# The scan: US letter at 100 dpi, grey, slightly rotated, as a sheet fed through a scanner.
SCAN_SIZE = (850, 1100)
SCAN_MARGIN = 85
SCAN_ROTATION_DEG = 0.35


@dataclass
class PaperDoc:
    """Everything printed in one paper, in reading order."""

    title: str
    authors: list[str]
    affiliations: list[str]
    abstract: str
    sections: list[tuple[str, list[str]]]  # (heading, paragraphs); headings get numbered
    references: list[str]
    footnotes: list[str] = field(default_factory=list)  # printed at the foot of page 1
    watermark: str | None = None  # CVF's open-access notice at the top of page 1
    acknowledgements: str | None = None  # printed before the references (styled layout)
    appendix: list[tuple[str, list[str]]] = field(default_factory=list)  # after the references


@dataclass(frozen=True)
class PaperStyle:
    """How a paper lays its sections out, in the ways real templates do.

    ``render_paper_pdf`` without a style keeps its original one-column layout.
    """

    columns: int = 2
    # "arabic": "3 Method" (NeurIPS, ICLR); "arabic-dot": "3. Method" (CVPR); "roman":
    # "III. METHOD" (IEEE); "none": unnumbered headings as printed.
    numbering: Literal["arabic", "arabic-dot", "roman", "none"] = "arabic"
    uppercase_headings: bool = False
    references_heading: str = "References"  # "" prints the bibliography with no heading
    author_year: bool = False  # "Surname, A. (2019). Title." instead of "[1] ..."
    running_header: str | None = None  # printed at the top of every page
    line_numbers: bool = False  # a review copy: every text line numbered in the margin


class _PaperPDF(FPDF):
    """FPDF that keeps page 1's foot free for footnotes and numbers every page."""

    def __init__(
        self, footnotes: list[str], running_header: str | None = None, marks_spaced: bool = True
    ) -> None:
        super().__init__(format="letter", unit="mm")
        self.footnotes = footnotes
        self.running_header = running_header
        self.marks_spaced = marks_spaced  # "1 note"; LaTeX's superscript marks read "1note"
        self.body_break_margin = MARGIN_MM
        self.first_page_break_margin = MARGIN_MM + (6.0 + 4.0 * len(footnotes) if footnotes else 0)

    def header(self) -> None:
        # Only page 1 reserves room for footnotes; later pages use the plain margin.
        margin = self.first_page_break_margin if self.page_no() == 1 else self.body_break_margin
        self.set_auto_page_break(True, margin=margin)
        if self.running_header:
            self.set_xy(self.l_margin, 8)
            self.set_font(FONT, size=8)
            self.cell(0, 4, self.running_header, align="C")
            self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        if self.page_no() == 1 and self.footnotes:
            self._draw_footnotes()
        self.set_y(-12)
        self.set_font(FONT, size=9)
        self.cell(0, 5, str(self.page_no()), align="C")

    def _draw_footnotes(self) -> None:
        top = self.h - self.first_page_break_margin + 2.0
        self.line(self.l_margin, top, self.l_margin + 50, top)
        self.set_xy(self.l_margin, top + 1.0)
        for mark, note in enumerate(self.footnotes, start=1):
            gap = " " if self.marks_spaced else ""
            _write_block(self, f"{mark}{gap}{note}", size=8, line_height=4)


def render_paper_pdf(doc: PaperDoc, style: PaperStyle | None = None) -> bytes:
    """A paper with a real text layer, laid out like a one-column camera-ready PDF, or as
    ``style`` says (two columns, heading styles, acknowledgements, appendix)."""
    if style is not None:
        return _render_styled(doc, style)
    pdf = _PaperPDF(doc.footnotes)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_page()
    if doc.watermark:
        pdf.set_text_color(110)
        _write_block(pdf, doc.watermark, size=7, line_height=3, style="I", align="C")
        pdf.set_text_color(0)
        pdf.ln(4)
    _write_front_matter(pdf, doc)
    for number, (heading, paragraphs) in enumerate(doc.sections, start=1):
        _write_heading(pdf, f"{number}. {heading}")
        for paragraph in paragraphs:
            _write_block(pdf, paragraph, size=10, line_height=5)
            pdf.ln(1.5)
    if doc.references:
        _write_heading(pdf, "References")
        for number, reference in enumerate(doc.references, start=1):
            _write_block(pdf, f"[{number}] {reference}", size=8, line_height=4)
            pdf.ln(1)
    return bytes(pdf.output())


def _render_styled(doc: PaperDoc, style: PaperStyle) -> bytes:
    pdf = _PaperPDF(doc.footnotes, style.running_header, marks_spaced=False)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_page()
    _write_front_matter(pdf, doc)
    flow = _Columns(pdf, style)
    for number, (heading, paragraphs) in enumerate(doc.sections, start=1):
        flow.heading(_numbered(style, number, heading))
        for paragraph in paragraphs:
            flow.block(paragraph, size=10, line_height=5)
    if doc.acknowledgements:
        flow.heading(_styled(style, "Acknowledgements"))
        flow.block(doc.acknowledgements, size=10, line_height=5)
    if doc.references:
        if style.references_heading:
            flow.heading(style.references_heading)
        for number, reference in enumerate(doc.references, start=1):
            entry = reference if style.author_year else f"[{number}] {reference}"
            flow.block(entry, size=8, line_height=4)
    for letter, (heading, paragraphs) in zip("ABCDEFGH", doc.appendix, strict=False):
        flow.heading(f"{letter} {_styled(style, heading)}")
        for paragraph in paragraphs:
            flow.block(paragraph, size=10, line_height=5)
    return bytes(pdf.output())


def _styled(style: PaperStyle, heading: str) -> str:
    return heading.upper() if style.uppercase_headings else heading


def _numbered(style: PaperStyle, number: int, heading: str) -> str:
    heading = _styled(style, heading)
    match style.numbering:
        case "arabic":
            return f"{number} {heading}"
        case "arabic-dot":
            return f"{number}. {heading}"
        case "roman":
            return f"{_ROMAN[number - 1]}. {heading.upper()}"
        case _:
            return heading


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class _Columns:
    """Flows lines down one or more columns, column by column, as LaTeX ships them (so a
    PDF reader meets column 1 before column 2, as in real two-column papers)."""

    GAP_MM = 6.0
    NUMBER_WIDTH_MM = 8.0

    def __init__(self, pdf: _PaperPDF, style: PaperStyle) -> None:
        self.pdf = pdf
        self.style = style
        full = pdf.w - pdf.l_margin - pdf.r_margin
        self.width = (full - self.GAP_MM * (style.columns - 1)) / style.columns
        self.column = 0
        self.top = pdf.get_y() + 2
        self.y = self.top
        self.line_number = 0
        pdf.set_auto_page_break(False)

    def heading(self, text: str) -> None:
        self.y += 2
        self.block(text, size=11, line_height=6, style="B")

    def block(self, text: str, size: float, line_height: float, style: str = "") -> None:
        self.pdf.set_font(FONT, style=style, size=size)
        for line in _wrap(self.pdf, text, self.width - 2 * self.pdf.c_margin):
            self._line(line, line_height, size, style)
        self.y += 1.5

    def _line(self, line: str, height: float, size: float, style: str) -> None:
        pdf = self.pdf
        bottom = pdf.h - (pdf.first_page_break_margin if pdf.page_no() == 1 else MARGIN_MM)
        if self.y + height > bottom:
            self.column += 1
            if self.column == self.style.columns:
                pdf.add_page()
                pdf.set_auto_page_break(False)
                self.column, self.top = 0, pdf.t_margin
            self.y = self.top
        x = pdf.l_margin + self.column * (self.width + self.GAP_MM)
        if self.style.line_numbers:
            self.line_number += 1
            pdf.set_font(FONT, size=7)
            pdf.set_xy(x - self.NUMBER_WIDTH_MM if self.column == 0 else x + self.width, self.y)
            pdf.cell(self.NUMBER_WIDTH_MM, height, f"{self.line_number:03d}")
            pdf.set_font(FONT, style=style, size=size)
        pdf.set_xy(x, self.y)
        pdf.cell(self.width, height, line)
        self.y += height


def _write_front_matter(pdf: FPDF, doc: PaperDoc) -> None:
    _write_block(pdf, doc.title, size=14, line_height=7, style="B", align="C")
    pdf.ln(3)
    _write_block(pdf, ", ".join(doc.authors), size=11, line_height=5.5, align="C")
    for affiliation in doc.affiliations:
        _write_block(pdf, affiliation, size=9, line_height=4.5, align="C")
    pdf.ln(4)
    _write_block(pdf, "Abstract", size=11, line_height=6, style="B", align="C")
    _write_block(pdf, doc.abstract, size=9.5, line_height=4.5, style="I")
    pdf.ln(2)


def _write_heading(pdf: FPDF, heading: str) -> None:
    pdf.ln(2)
    _write_block(pdf, heading, size=11, line_height=6, style="B")


def _write_block(
    pdf: FPDF, text: str, size: float, line_height: float, style: str = "", align: str = "L"
) -> None:
    """Print ``text`` wrapped to the text width, one cell per line.

    fpdf2's multi_cell re-measures the line for every character, which made a sample of a
    hundred papers take seconds; wrapping word by word here is linear.
    """
    pdf.set_font(FONT, style=style, size=size)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for line in _wrap(pdf, text, width - 2 * pdf.c_margin):
        pdf.cell(width, line_height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _wrap(pdf: FPDF, text: str, width: float) -> Iterator[str]:
    space = pdf.get_string_width(" ")
    for source_line in text.split("\n"):
        words: list[str] = []
        used = 0.0
        for word in source_line.split():
            word_width = pdf.get_string_width(word)
            if words and used + space + word_width > width:
                yield " ".join(words)
                words, used = [], 0.0
            used += (space if words else 0.0) + word_width
            words.append(word)
        yield " ".join(words)


def render_scanned_pdf(doc: PaperDoc) -> bytes:
    """The same paper as raster page images only: a PDF with no text layer at all."""
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_auto_page_break(False)
    for page in _scan_pages(doc):
        pdf.add_page()
        buffer = io.BytesIO()
        page.save(buffer, format="JPEG", quality=50)
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def _scan_pages(doc: PaperDoc) -> Iterator[Image.Image]:
    font = ImageFont.load_default(size=15)
    height = SCAN_SIZE[1]
    line_height = 19
    chars_per_line = 95
    lines_per_page = (height - 2 * SCAN_MARGIN) // line_height
    lines = list(_scan_lines(doc, chars_per_line))
    for start in range(0, len(lines), lines_per_page):
        page = Image.new("L", SCAN_SIZE, color=255)
        draw = ImageDraw.Draw(page)
        for row, line in enumerate(lines[start : start + lines_per_page]):
            draw.text((SCAN_MARGIN, SCAN_MARGIN + row * line_height), line, fill=30, font=font)
        yield page.rotate(SCAN_ROTATION_DEG, fillcolor=255, resample=Image.Resampling.BILINEAR)


def _scan_lines(doc: PaperDoc, width: int) -> Iterator[str]:
    blocks = [doc.title, ", ".join(doc.authors), *doc.affiliations, "Abstract", doc.abstract]
    for number, (heading, paragraphs) in enumerate(doc.sections, start=1):
        blocks += [f"{number}. {heading}", *paragraphs]
    blocks += ["References"]
    blocks += [f"[{n}] {ref}" for n, ref in enumerate(doc.references, start=1)]
    for block in blocks:
        yield from textwrap.wrap(_ascii_fold(block), width) or [""]
        yield ""


def _ascii_fold(text: str) -> str:
    # Pillow's built-in font has no accented glyphs; a scan only has to look like text.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")

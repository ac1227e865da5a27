"""Text of one PDF, page by page, with pypdfium2. Runs inside a worker process."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

from fwcensus.models import ExtractedText, TextStatus

EXTRACTOR = f"pypdfium2-{pdfium.version.PYPDFIUM_INFO}"
# A scanned paper yields no characters, or a handful from a stamped page number: below this
# average per page the PDF has no usable text layer.
MIN_CHARS_PER_PAGE = 50


def extract_pages(path: Path) -> ExtractedText:
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        return ExtractedText(TextStatus.FAILED, error=_pdfium_reason(exc))
    try:
        pages = tuple(_page_text(pdf, index) for index in range(len(pdf)))
    except pdfium.PdfiumError as exc:
        return ExtractedText(TextStatus.FAILED, error=_pdfium_reason(exc))
    finally:
        pdf.close()
    if not pages:
        return ExtractedText(TextStatus.FAILED, error="PDF has no pages")
    visible = sum(len("".join(page.split())) for page in pages)
    if visible < MIN_CHARS_PER_PAGE * len(pages):
        return ExtractedText(
            TextStatus.NO_TEXT,
            error=f"no text layer: {visible} characters on {len(pages)} pages (scanned?)",
        )
    return ExtractedText(TextStatus.OK, pages=pages)


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    # NFKC folds ligatures (the "fi" of "fine-tune" is one glyph in most papers) and full-width
    # forms, so a search for a word finds it however the PDF encoded it.
    return unicodedata.normalize("NFKC", raw.replace("\r\n", "\n").replace("\r", "\n"))


def _pdfium_reason(exc: pdfium.PdfiumError) -> str:
    message = " ".join(str(exc).split())
    lowered = message.lower()
    if "password" in lowered:
        return "encrypted PDF: a password is required"
    if "format" in lowered or "file" in lowered:
        return f"corrupt PDF: {message}"
    return f"unreadable PDF: {message}"

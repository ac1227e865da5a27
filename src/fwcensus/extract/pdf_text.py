"""Text of one PDF, page by page, with pypdfium2, cleaned, with its sections and links.

Runs inside a worker process (see pool.py); everything here is linear in the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium

from fwcensus.extract.clean import clean_pages
from fwcensus.extract.links import find_links
from fwcensus.extract.pdfium_page import read_page
from fwcensus.extract.sections import find_sections
from fwcensus.models import ExtractedText, TextStatus

# Bumped whenever cleaning, sections or links change what is stored: a stored text made by
# another version is extracted again, and detection follows because the text's hash changes.
EXTRACTOR_VERSION = 3
EXTRACTOR = f"fwcensus-extract-{EXTRACTOR_VERSION}+pypdfium2-{pdfium.version.PYPDFIUM_INFO}"
# A scanned paper yields no characters, or a handful from a stamped page number: below this
# average per page the PDF has no usable text layer.
MIN_CHARS_PER_PAGE = 50


def extract_pages(source: Path | bytes) -> ExtractedText:
    """The text of the PDF in a file, or in memory (a member read from an archive)."""
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        return ExtractedText(TextStatus.FAILED, error=_pdfium_reason(exc))
    try:
        raw, annotations = zip(*(read_page(pdf, index) for index in range(len(pdf))), strict=True)
        title = pdf.get_metadata_value("Title") or None
    except ValueError:
        return ExtractedText(TextStatus.FAILED, error="PDF has no pages")
    except pdfium.PdfiumError as exc:
        return ExtractedText(TextStatus.FAILED, error=_pdfium_reason(exc))
    finally:
        pdf.close()
    visible = _visible_characters(raw, MIN_CHARS_PER_PAGE * len(raw))
    if visible < MIN_CHARS_PER_PAGE * len(raw):
        return ExtractedText(
            TextStatus.NO_TEXT,
            error=f"no text layer: {visible} characters on {len(raw)} pages (scanned?)",
        )
    pages = clean_pages(raw)
    sections = find_sections(pages, title)
    return ExtractedText(
        TextStatus.OK,
        pages=pages,
        sections=sections,
        links=find_links(pages, sections, annotations),
    )


def _visible_characters(pages: Sequence[str], enough: int) -> int:
    """Characters other than whitespace on the pages, counted until there are ``enough``."""
    visible = 0
    for page in pages:
        visible += len("".join(page.split()))
        if visible >= enough:
            break
    return visible


def _pdfium_reason(exc: pdfium.PdfiumError) -> str:
    message = " ".join(str(exc).split())
    lowered = message.lower()
    if "password" in lowered:
        return "encrypted PDF: a password is required"
    if "format" in lowered or "file" in lowered:
        return f"corrupt PDF: {message}"
    return f"unreadable PDF: {message}"

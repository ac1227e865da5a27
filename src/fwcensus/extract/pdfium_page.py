"""One page's text and link targets, read through pdfium's C API.

pypdfium2's page and text-page objects register finalizers and parent/child links on every
page; called for every page of every paper that bookkeeping was a tenth of extraction's time.
Here each handle is opened and closed in place, and the text is read as pypdfium2's
``get_text_range`` reads it (same characters, same decoding).
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def read_page(pdf: pdfium.PdfDocument, index: int) -> tuple[str, list[str]]:
    """``(text, link annotation URLs)`` of page ``index`` (0-based)."""
    page = pdfium_c.FPDF_LoadPage(pdf.raw, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            text = _text(textpage)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
        return text, _link_urls(pdf.raw, page)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _text(textpage: pdfium_c.FPDF_TEXTPAGE) -> str:
    """All characters of the text page. Characters pdfium leaves out of its text at either end
    of the range are skipped first, or it reads past the range (crbug.com/pdfium/2079)."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get character count.")
    first, last = 0, count - 1
    start = end = -1
    while first <= last:
        start = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first)
        if start != -1:
            break
        first += 1
    while first <= last:
        end = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last)
        if end != -1:
            break
        last -= 1
    if first > last:
        return ""
    buffer = (ctypes.c_ushort * (end - start + 2))()  # with the NUL terminator
    written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    return bytes(memoryview(buffer)[: max(written - 1, 0)]).decode("utf-16-le", "ignore")


def _link_urls(document: pdfium_c.FPDF_DOCUMENT, page: pdfium_c.FPDF_PAGE) -> list[str]:
    """Targets of the page's URI link annotations (pypdfium2 has no helper for them)."""
    urls = []
    position = ctypes.c_int(0)
    link = pdfium_c.FPDF_LINK()
    while pdfium_c.FPDFLink_Enumerate(page, ctypes.byref(position), ctypes.byref(link)):
        action = pdfium_c.FPDFLink_GetAction(link)
        if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
            continue
        size = pdfium_c.FPDFAction_GetURIPath(document, action, None, 0)
        if size <= 1:
            continue
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFAction_GetURIPath(document, action, buffer, size)
        url = buffer.value.decode("utf-8", "replace").strip()
        if url:
            urls.append(url)
    return urls

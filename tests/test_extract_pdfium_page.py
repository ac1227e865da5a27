"""One page read through pdfium's C API gives what pypdfium2's helpers give: the same
characters (its text range, excluded characters at the ends skipped) and the URI link
targets behind the page, internal links left out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from fwcensus.extract.pdfium_page import read_page


def linked_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 5, "Our code: https://github.com/acme/tool. Fine, isn't it? " * 3)
    pdf.link(10, 60, 30, 5, "https://github.com/acme/tool")
    pdf.link(10, 70, 30, 5, "http://example.org/data")
    internal = pdf.add_link()
    pdf.add_page()
    pdf.set_link(internal, page=2)
    pdf.cell(0, 5, "Second page, a cross-reference target.")
    pdf.link(10, 80, 30, 5, internal)  # a link to a page: no URL
    pdf.add_page()  # an empty page: no characters at all
    return bytes(pdf.output())


@pytest.fixture
def document(tmp_path: Path) -> Iterator[pdfium.PdfDocument]:
    path = tmp_path / "linked.pdf"
    path.write_bytes(linked_pdf())
    pdf = pdfium.PdfDocument(path)
    yield pdf
    pdf.close()


def test_text_is_what_pypdfium2_reads(document: pdfium.PdfDocument) -> None:
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        expected = textpage.get_text_range()
        textpage.close()
        page.close()
        assert read_page(document, index)[0] == expected
    assert "github.com/acme/tool" in read_page(document, 0)[0]
    assert read_page(document, 2)[0] == ""


def test_only_uri_links_are_read(document: pdfium.PdfDocument) -> None:
    assert read_page(document, 0)[1] == ["https://github.com/acme/tool", "http://example.org/data"]
    assert read_page(document, 1)[1] == []


def test_a_page_that_does_not_exist_is_a_pdfium_error(document: pdfium.PdfDocument) -> None:
    with pytest.raises(pdfium.PdfiumError):
        read_page(document, 7)

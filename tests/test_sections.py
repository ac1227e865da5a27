"""Sections found on generated papers laid out as real templates lay them out."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from fwcensus.demo.pdfgen import PaperDoc, PaperStyle, render_paper_pdf
from fwcensus.extract.pdf_text import extract_pages
from fwcensus.extract.sections import find_sections, section_at
from fwcensus.models import ExtractedText, SectionKind, TextStatus

TITLE = "Sparse Attention Fields for Dense Video Matting"
PARAGRAPH = (
    "Dense prediction needs context at every pixel, and attention gives it at a cost that grows "
    "with the square of the image size. We trade a little accuracy for a large saving by "
    "attending to a sparse set of anchors chosen per frame, which keeps memory flat. "
)


def paper() -> PaperDoc:
    body = [PARAGRAPH * 3, PARAGRAPH * 2]
    return PaperDoc(
        title=TITLE,
        authors=["Ada Moreau", "Kenji Watanabe"],
        affiliations=["Institute of Imaging, Lyon"],
        abstract="We present sparse attention fields, a way to matte video at full resolution. "
        * 3,
        sections=[
            ("Introduction", body),
            ("Related Work", body),
            ("Method", body * 2),
            ("Experiments", [*body, "We implement the model in PyTorch. " + PARAGRAPH]),
            ("Conclusion", [PARAGRAPH]),
        ],
        references=[
            f"A. Author{n}, B. Writer. A study of matting number {n}. In CVPR, 2019."
            for n in range(1, 16)
        ],
        footnotes=["Code is available at https://github.com/moreau-lab/saf."],
        acknowledgements="We thank the reviewers for their patience and our funders for GPUs.",
        appendix=[("Proofs of the Bounds", [PARAGRAPH * 2]), ("More Results", [PARAGRAPH])],
    )


STYLES = {
    "two-column numbered": PaperStyle(columns=2, numbering="arabic-dot"),
    "one-column numbered": PaperStyle(columns=1, numbering="arabic"),
    "ieee roman REFERENCES": PaperStyle(
        columns=2, numbering="roman", references_heading="REFERENCES"
    ),
    "unnumbered caps Bibliography": PaperStyle(
        columns=2, numbering="none", uppercase_headings=True, references_heading="Bibliography"
    ),
    "review copy with header": PaperStyle(
        columns=2,
        running_header="Under review as a conference paper at ICLR 2019",
        line_numbers=True,
        references_heading="REFERENCES",
    ),
}


def extract(tmp_path: Path, style: PaperStyle | None, doc: PaperDoc | None = None) -> ExtractedText:
    path = tmp_path / "paper.pdf"
    path.write_bytes(render_paper_pdf(doc or paper(), style))
    result = extract_pages(path)
    assert result.status is TextStatus.OK, result.error
    return result


def text_of(result: ExtractedText, kind: SectionKind) -> str:
    return "\n".join(
        result.pages[s.page - 1][s.start : s.end] for s in result.sections if s.kind is kind
    )


@pytest.mark.parametrize("name", STYLES)
def test_each_section_kind_is_found_with_its_text(tmp_path: Path, name: str) -> None:
    result = extract(tmp_path, STYLES[name])
    assert " ".join(text_of(result, SectionKind.TITLE).split()) == TITLE
    assert "Ada Moreau" in text_of(result, SectionKind.FRONT)
    assert "matte video at full resolution" in text_of(result, SectionKind.ABSTRACT)
    body = text_of(result, SectionKind.BODY)
    assert "PyTorch" in body and "sparse set of anchors" in body
    assert "github.com/moreau-lab/saf" in text_of(result, SectionKind.FOOTNOTE)
    assert "We thank the reviewers" in text_of(result, SectionKind.ACKNOWLEDGEMENTS)
    references = text_of(result, SectionKind.REFERENCES)
    assert "matting number 1." in references and "matting number 15." in references
    assert "We thank" not in references and "Proofs" not in references
    appendix = text_of(result, SectionKind.APPENDIX)
    assert "Proofs of the Bounds".upper() in appendix.upper() and "More Results".upper() in (
        appendix.upper()
    )
    assert not text_of(result, SectionKind.UNKNOWN)


@pytest.mark.parametrize("name", STYLES)
def test_spans_cover_every_page_once_in_order(tmp_path: Path, name: str) -> None:
    result = extract(tmp_path, STYLES[name])
    for number, page in enumerate(result.pages, 1):
        spans = [s for s in result.sections if s.page == number]
        assert spans[0].start == 0 and spans[-1].end == len(page)
        for left, right in itertools.pairwise(spans):
            assert left.end == right.start and left.start < left.end


def test_body_headings_keep_their_numbering_as_labels(tmp_path: Path) -> None:
    result = extract(tmp_path, STYLES["two-column numbered"])
    labels = [s.label for s in result.sections if s.kind is SectionKind.BODY]
    assert labels[0] == "1. Introduction"
    assert "5. Conclusion" in labels
    roman = extract(tmp_path, STYLES["ieee roman REFERENCES"])
    assert "III. METHOD" in [s.label for s in roman.sections if s.kind is SectionKind.BODY]


def test_review_copy_loses_line_numbers_and_running_header(tmp_path: Path) -> None:
    result = extract(tmp_path, STYLES["review copy with header"])
    text = "\n".join(result.pages)
    assert "Under review" not in text
    assert "\n001" not in text and "002 " not in text
    assert "sparse set of anchors" in text


def test_bibliography_without_heading_is_found_by_its_entries(tmp_path: Path) -> None:
    result = extract(tmp_path, PaperStyle(references_heading=""))
    references = [s for s in result.sections if s.kind is SectionKind.REFERENCES]
    assert references and references[0].label == "(bibliography entries, no heading)"
    first = references[0]
    assert result.pages[first.page - 1][first.start :].startswith("[1] A. Author1")


def test_author_year_bibliography_under_literature_cited(tmp_path: Path) -> None:
    doc = paper()
    doc.references = [
        f"Moreau, A. and Watanabe, K. ({2000 + n}). Matting study {n}. CVPR." for n in range(1, 10)
    ]
    style = PaperStyle(references_heading="Literature Cited", author_year=True)
    references = text_of(extract(tmp_path, style, doc), SectionKind.REFERENCES)
    assert references.startswith("Literature Cited") and "Matting study 9." in references
    unheaded = PaperStyle(references_heading="", author_year=True)
    references = text_of(extract(tmp_path, unheaded, doc), SectionKind.REFERENCES)
    assert references.startswith("Moreau, A. and Watanabe, K. (2001)")
    assert "Matting study 9." in references and "We thank" not in references


def test_text_without_structure_stays_unknown() -> None:
    pages = ["some words on a page\nand more words", "a second page of words"]
    sections = find_sections(pages)
    kinds = {s.kind for s in sections}
    assert SectionKind.REFERENCES not in kinds and SectionKind.BODY not in kinds
    assert section_at(sections, 2, 3) is not None


def test_links_from_text_and_annotations_are_flagged_by_code_host(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 5, "Our code: https://github.com/moreau-lab/\nsaf and the data. " * 3)
    pdf.cell(0, 5, "Project page", link="https://saf.example.org/page")
    path = tmp_path / "links.pdf"
    path.write_bytes(bytes(pdf.output()))
    result = extract_pages(path)
    by_url = {link.url: link for link in result.links}
    printed = by_url["https://github.com/moreau-lab/saf"]
    assert printed.code_host == "github.com" and printed.source == "text"
    assert result.pages[0][printed.start : printed.end] == printed.url
    assert by_url["https://saf.example.org/page"].source == "annotation"

"""Which sections are found in a folder of PDFs, and what cleaning and sections cost per page.

    python -m fwcensus.extract.survey ../shared/eval/dev

prints one row per PDF (pages, then each section kind found with the page it starts on) and,
at the end, the time per page of raw text extraction and of cleaning + sections + links.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from fwcensus.extract.clean import clean_pages
from fwcensus.extract.links import find_links
from fwcensus.extract.pdfium_page import read_page
from fwcensus.extract.sections import find_sections
from fwcensus.models import Section, SectionKind

KINDS = tuple(SectionKind)


@dataclass(frozen=True)
class PaperSurvey:
    name: str
    pages: int
    first_page: dict[SectionKind, int]  # kind -> page where it first appears
    raw_seconds: float
    structure_seconds: float  # cleaning + sections + links


def survey(paths: Sequence[Path]) -> Iterator[PaperSurvey]:
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        try:
            started = time.perf_counter()
            raw, annotations = [], []
            for index in range(len(pdf)):
                text, urls = read_page(pdf, index)
                raw.append(text)
                annotations.append(urls)
            title = pdf.get_metadata_value("Title") or None
        finally:
            pdf.close()
        middle = time.perf_counter()
        pages = clean_pages(raw)
        sections = find_sections(pages, title)
        find_links(pages, sections, annotations)
        done = time.perf_counter()
        yield PaperSurvey(
            path.stem, len(pages), _first_pages(sections), middle - started, done - middle
        )


def _first_pages(sections: Sequence[Section]) -> dict[SectionKind, int]:
    first: dict[SectionKind, int] = {}
    for span in sections:
        first.setdefault(span.kind, span.page)
    return first


def main(argv: Sequence[str]) -> int:
    folder = Path(argv[0]) if argv else Path("../shared/eval/dev")
    rows = list(survey(sorted(folder.glob("*.pdf"))))
    print(f"{'paper':<12} {'pages':>5}  " + " ".join(f"{k.value[:8]:>8}" for k in KINDS))
    for row in rows:
        cells = " ".join(f"{row.first_page.get(k, '-')!s:>8}" for k in KINDS)
        print(f"{row.name:<12} {row.pages:>5}  {cells}")
    pages = sum(row.pages for row in rows)
    print(f"\n{len(rows)} PDFs, {pages} pages; found in how many PDFs:")
    for kind in KINDS:
        print(f"  {kind.value:<17} {sum(kind in row.first_page for row in rows)}")
    raw = sum(row.raw_seconds for row in rows)
    structure = sum(row.structure_seconds for row in rows)
    print(
        f"per page: raw text + link annotations {1000 * raw / pages:.2f} ms,"
        f" cleaning + sections + links {1000 * structure / pages:.2f} ms"
        f" ({100 * structure / raw:.0f}% on top)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

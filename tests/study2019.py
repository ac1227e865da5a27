"""Test helpers built on the 2019 study's data in ../shared (a plain module, not a test file).

The shared folder is part of the project's working setup, so a missing one is an error that
names what to fix, never a reason to skip.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

from fwcensus.demo.pdfgen import PaperDoc, render_paper_pdf
from fwcensus.mirror.cvf_site import CvfEntry, write_cvf_year
from fwcensus.mirror.urls import write_mirror_file

CVPR2019_JSON = "reference/study2019/per_paper/cvpr_2019.json"
# What the study's scraper found in each real PDF, turned into a sentence of the stand-in PDF.
USE_SENTENCES = {
    "pytorch": "We implement our method in PyTorch.",
    "tensorflow": "Our model is built with TensorFlow.",
}


def shared_dir() -> Path:
    """The team's shared folder: $FWCENSUS_SHARED, else ``../shared`` next to the repository."""
    configured = os.environ.get("FWCENSUS_SHARED")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"shared folder not found at {folder}: set FWCENSUS_SHARED to the folder holding "
            "fixtures-real/ and reference/"
        )
    return folder


@dataclass(frozen=True)
class StudyPaper:
    """One real CVPR 2019 paper as the 2019 study scraped it."""

    title: str
    authors: tuple[str, ...]
    pdf_url: str  # the study's http:// link, upgraded to https as the site serves it now
    words: tuple[str, ...]  # which of "pytorch"/"tensorflow" the study found in the PDF

    @property
    def slug(self) -> str:
        return self.pdf_url.rsplit("/", 1)[1].removesuffix(".pdf")


def load_cvpr2019() -> list[StudyPaper]:
    """The 1,294 papers, in the study's order."""
    raw = json.loads((shared_dir() / CVPR2019_JSON).read_text(encoding="utf-8"))
    return [
        StudyPaper(
            # The scraper kept the page's entities ("Texture &amp; Shape"); the title is "&".
            title=html.unescape(paper["name"]),
            # It also kept the old listing's blank after each comma (" David Eigen").
            authors=tuple(author.strip() for author in paper["authors"]),
            pdf_url="https://" + paper["pdf_link"].removeprefix("http://"),
            words=tuple(w for w in paper["metadata"]["words"] if w in USE_SENTENCES),
        )
        for paper in raw
    ]


def build_cvpr2019_mirror(root: Path, with_pdfs: bool) -> list[tuple[str, str]]:
    """Write the full-size CVPR 2019 listing (three day pages) under ``root``.

    Returns the (title, https PDF URL) pairs a collector should find, in listing order. With
    ``with_pdfs`` every paper also gets a one-page stand-in PDF that names PyTorch/TensorFlow
    exactly when the study found the word in the real paper, so a substring count over this
    mirror should give the study's per-paper findings.
    """
    papers = load_cvpr2019()
    entries = [CvfEntry(title=p.title, authors=p.authors, slug=p.slug) for p in papers]
    urls = write_cvf_year(root, "CVPR", 2019, entries)
    mismatched = [(p.pdf_url, url) for p, url in zip(papers, urls, strict=True) if p.pdf_url != url]
    if mismatched:
        raise AssertionError(f"listing PDF URLs differ from the study's links: {mismatched[:3]}")
    if with_pdfs:
        for paper in papers:
            write_mirror_file(root, paper.pdf_url, render_paper_pdf(_stand_in(paper)))
    return [(paper.title, paper.pdf_url) for paper in papers]


def _stand_in(paper: StudyPaper) -> PaperDoc:
    stated = [USE_SENTENCES[word] for word in paper.words]
    return PaperDoc(
        title=paper.title,
        authors=list(paper.authors),
        affiliations=[],
        abstract="A stand-in for the real paper, generated for tests from the listing only.",
        sections=[("Experiments", [" ".join(["We evaluate on two public benchmarks.", *stated])])],
        references=[],
    )

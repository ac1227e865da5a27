"""Full-size listings built from the 2019 study's numbers (a plain module, not a test file).

The study's lists are third-party data that the project never copies; their numbers are fixture
facts (``facts.study_list``). A full-size listing here has as many papers as the study's list,
in its order, each with a title and authors of the project's own; the papers the study found
naming PyTorch or TensorFlow are as many as it found, spread over the list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from fwcensus.demo.pdfgen import PaperDoc, render_paper_pdf
from fwcensus.demo.sites.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.mirror.urls import write_mirror_file

from facts import study_list

# What the study's scraper found in each real PDF, turned into a sentence of the stand-in PDF.
USE_SENTENCES = {
    "pytorch": "We implement our method in PyTorch.",
    "tensorflow": "Our model is built with TensorFlow.",
}
_METHODS = ("Sparse", "Deep", "Robust", "Efficient", "Adaptive", "Contrastive", "Neural", "Latent")
_TASKS = ("Depth Estimation", "Parsing", "Retrieval", "Segmentation", "Translation", "Tracking",
          "Generation", "Control")  # fmt: skip
_FIRST = ("Ada", "Émile", "Alan", "Grace", "Kurt", "Emmy", "John", "Sofia", "Srinivasa", "Maryam")
_LAST = ("Lovelace", "Borel", "Turing", "Hopper", "Gödel", "Noether", "Neumann", "Kovalevskaya",
         "Ramanujan", "Mirzakhani", "Zhang", "Li")  # fmt: skip


@dataclass(frozen=True)
class StandIn:
    """One paper of a full-size listing: the study's position and findings, our own words."""

    title: str
    authors: tuple[str, ...]
    words: tuple[str, ...]  # which of "pytorch"/"tensorflow" the study found in the real paper


def stand_ins(name: str) -> list[StandIn]:
    """As many papers as the study's list ``name`` (e.g. ``cvpr_2019``) holds, in its order.

    Titles are unique, some with the characters listings must escape ("&", "<"); the entries at
    the list's preface positions are titled as prefaces."""
    facts = study_list(name)
    words: list[tuple[str, ...]] = [
        *[("pytorch", "tensorflow")] * facts.both,
        *[("pytorch",)] * facts.pytorch_only,
        *[("tensorflow",)] * facts.tensorflow_only,
        *[()] * facts.neither,
    ]
    random.Random(name).shuffle(words)
    out = []
    for n, found in enumerate(words):
        if n in facts.prefaces:
            title = f"Preface: Proceedings of the Meeting, Part {n}"
        else:
            # The number comes first: CVF names files after the title's first words.
            title = f"Model {n}: {_METHODS[n % 8]} {_TASKS[n // 8 % 8]}"
            if n % 97 == 1:
                title += " & <Markup>"
        out.append(StandIn(title, _authors(n), found))
    return out


def _authors(n: int) -> tuple[str, ...]:
    return tuple(f"{_FIRST[(n + i) % 10]} {_LAST[(n * 7 + i) % 12]}" for i in range(1 + n % 4))


def surname(paper: StandIn) -> str:
    return paper.authors[0].rsplit(" ", 1)[1]


def build_cvpr2019_mirror(root: Path, with_pdfs: bool) -> list[tuple[str, str]]:
    """Write the full-size CVPR 2019 listing (three day pages) under ``root``.

    Returns the (title, PDF URL) pairs a collector should find, in listing order. With
    ``with_pdfs`` every paper also gets a one-page stand-in PDF that names PyTorch/TensorFlow
    exactly as often as the study found the words, so a substring count over this mirror gives
    the study's per-paper numbers."""
    papers = stand_ins("cvpr_2019")
    entries = [
        CvfEntry(p.title, p.authors, make_slug("CVPR", 2019, surname(p), p.title)) for p in papers
    ]
    urls = write_cvf_year(root, "CVPR", 2019, entries)
    if with_pdfs:
        for paper, url in zip(papers, urls, strict=True):
            write_mirror_file(root, url, render_paper_pdf(_stand_in_pdf(paper)))
    return [(paper.title, url) for paper, url in zip(papers, urls, strict=True)]


def _stand_in_pdf(paper: StandIn) -> PaperDoc:
    stated = [USE_SENTENCES[word] for word in paper.words]
    return PaperDoc(
        title=paper.title,
        authors=list(paper.authors),
        affiliations=[],
        abstract="A stand-in for a real paper, generated for tests from the study's numbers.",
        sections=[("Experiments", [" ".join(["We evaluate on two public benchmarks.", *stated])])],
        references=[],
    )

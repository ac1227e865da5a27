"""The 38 real development papers (read from the shared folder, never copied into the project):
every one has its references found, and its stored offsets index the cleaned text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus.detect.substring2019 import detect
from fwcensus.extract.pdf_text import extract_pages
from fwcensus.models import SectionKind, TextStatus

from study2019 import shared_dir


def dev_papers() -> list[Path]:
    papers = sorted((shared_dir() / "eval" / "dev").glob("*.pdf"))
    assert len(papers) == 38, "the development split holds 38 papers"
    return papers


@pytest.fixture(scope="module")
def extracted() -> dict[str, object]:
    return {path.stem: extract_pages(path) for path in dev_papers()}


def test_references_are_found_in_every_development_paper(extracted: dict) -> None:
    missing = [
        name
        for name, text in extracted.items()
        if not any(s.kind is SectionKind.REFERENCES for s in text.sections)
    ]
    assert missing == []


def test_sections_and_evidence_index_the_cleaned_pages(extracted: dict) -> None:
    for name, text in extracted.items():
        assert text.status is TextStatus.OK, name
        assert not any("\ufffe" in page for page in text.pages), name
        for span in text.sections:
            assert 0 <= span.start < span.end <= len(text.pages[span.page - 1]), (name, span)
        for link in text.links:
            if link.start is not None:
                assert text.pages[link.page - 1][link.start : link.end] == link.url, name
        for verdict in detect(list(text.pages)):
            for hit in verdict.evidence:
                found = text.pages[hit.page - 1][hit.char_start : hit.char_end]
                assert found.lower() == verdict.framework, (name, found)

"""The real development papers (shared eval/dev and eval/dev2, never copied into the project):
every one of dev has its references found and its stored offsets index the cleaned text, and
detection scores at least what it scores now against both splits' hand labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus import evaluation as scoring
from fwcensus.detect.methods import EVIDENCE, SUBSTRING_2019
from fwcensus.detect.substring2019 import detect
from fwcensus.extract.limits import Limits
from fwcensus.extract.pdf_text import extract_pages
from fwcensus.inspection import inspect_files
from fwcensus.models import SectionKind, TextStatus

from recorded.material import shared_dir


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


# F1 per (split, method, question) that detection must keep: what it scores now (in comments,
# 2026-12) less a margin, since the rules keep changing; substring-2019 only moves with the
# extracted text. Both splits were looked at while the rules were developed (P3.1), so these
# are fit scores, not held-out ones: the hidden sets judge generalisation.
FLOORS = {
    ("dev", EVIDENCE, "used"): 0.95,  # 1.00
    ("dev", EVIDENCE, "named"): 0.95,  # 1.00
    ("dev", SUBSTRING_2019, "used"): 0.65,  # 0.70
    ("dev", SUBSTRING_2019, "named"): 0.58,  # 0.63
    ("dev2", EVIDENCE, "used"): 0.92,  # 0.97
    ("dev2", EVIDENCE, "named"): 0.95,  # 1.00
    ("dev2", SUBSTRING_2019, "used"): 0.55,  # 0.62
    ("dev2", SUBSTRING_2019, "named"): 0.54,  # 0.59
}


@pytest.mark.parametrize("split", ["dev", "dev2"])
def test_detection_scores_against_the_hand_labels(split: str) -> None:
    folder = shared_dir() / "eval" / split
    truths = scoring.read_labels(folder / "labels.csv")
    reports = list(inspect_files(scoring.file_paths(truths, folder), Limits(workers=2)))
    result = scoring.score(truths, reports)
    assert result.failed == [] and result.files == len(truths)
    f1 = {
        (method, question): result.overall(method, question).f1
        for method in (EVIDENCE, SUBSTRING_2019)
        for question in ("used", "named")
    }
    for (floor_split, method, question), floor in FLOORS.items():
        if floor_split == split:
            assert (f1[method, question] or 0) >= floor, (method, question, f1)
    # The point of the evidence method: it finds use the 2019 substring search cannot.
    assert f1[EVIDENCE, "used"] > f1[SUBSTRING_2019, "used"]

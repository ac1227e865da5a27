from __future__ import annotations

import time
from pathlib import Path

from fpdf import FPDF

from fwcensus.extract.pdf_text import extract_pages
from fwcensus.extract.pool import Limits, extract_many
from fwcensus.models import ExtractedText, TextStatus

SENTENCE = "We implement our network in PyTorch and train it on four GPUs. "
# Pages differ in their words, as real pages do: a line that recurs at the edge of most pages
# is a running header and is removed.
FILLER = (
    "The encoder reads each frame once. ",
    "Ablations isolate every component. ",
    "Larger batches did not help here. ",
    "Results hold across three datasets. ",
    "Training converges within a day. ",
)


def text_pdf(pages: int = 2, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for number in range(pages):
        pdf.add_page()
        filler = FILLER[number % len(FILLER) :] + FILLER[: number % len(FILLER)]
        pdf.multi_cell(0, 5, f"Page {number + 1}. " + (SENTENCE + "".join(filler)) * 4)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 150)  # drawn, but no text layer: what a scanned page looks like
    return bytes(pdf.output())


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_text_comes_page_by_page(tmp_path: Path) -> None:
    result = extract_pages(write(tmp_path, "ok.pdf", text_pdf(3)))
    assert result.status is TextStatus.OK
    assert len(result.pages) == 3
    assert result.pages[1].startswith("Page 2.")
    assert "PyTorch" in result.pages[2]


def test_bad_files_fail_with_a_reason(tmp_path: Path) -> None:
    good = text_pdf(4)
    cases = {
        "truncated.pdf": (good[: len(good) // 3], "corrupt PDF"),
        "zero.pdf": (b"", "corrupt PDF"),
        "page.html": (b"<!DOCTYPE html><html><body>Not found</body></html>", "corrupt PDF"),
        "encrypted.pdf": (text_pdf(1, password="secret"), "encrypted PDF"),
    }
    for name, (data, reason) in cases.items():
        result = extract_pages(write(tmp_path, name, data))
        assert result.status is TextStatus.FAILED, name
        assert result.error and result.error.startswith(reason), (name, result.error)
        assert "\n" not in result.error


def test_a_pdf_without_text_layer_is_no_text_not_an_empty_success(tmp_path: Path) -> None:
    result = extract_pages(write(tmp_path, "scan.pdf", blank_pdf()))
    assert result.status is TextStatus.NO_TEXT
    assert result.pages == ()


def _slow(path: Path) -> ExtractedText:
    time.sleep(30)  # stands for a parser stuck in a hostile file
    return ExtractedText(TextStatus.OK, pages=("never",))


def _greedy(path: Path) -> ExtractedText:
    hoard = bytearray(4 * 1024**3)  # far past the worker's address-space limit
    return ExtractedText(TextStatus.OK, pages=(str(len(hoard)),))


def _dies(path: Path) -> ExtractedText:
    import os

    os._exit(3)


def _dispatch(path: Path) -> ExtractedText:
    work = {"slow": _slow, "greedy": _greedy, "dies": _dies}.get(path.stem, extract_pages)
    return work(path)


def test_time_and_memory_limits_and_dead_workers_cost_one_document(tmp_path: Path) -> None:
    good = write(tmp_path, "good.pdf", text_pdf(2))
    items = [(name, tmp_path / f"{name}.pdf") for name in ("slow", "greedy", "dies")]
    items.append(("good", good))
    results = dict(
        extract_many(items, Limits(workers=2, seconds=2, memory_mb=1024), work=_dispatch)
    )
    assert results["slow"].error == "time limit exceeded (2 s)"
    assert results["greedy"].error == "memory limit exceeded (1024 MB)"
    assert results["dies"].error == "worker died (exit code 3)"
    assert results["good"].status is TextStatus.OK


def test_many_documents_flow_through_a_bounded_pool(tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{i}.pdf", text_pdf(1)) for i in range(9)]
    results = dict(extract_many(((p.stem, p) for p in paths), Limits(workers=2, seconds=30)))
    assert sorted(results) == sorted(p.stem for p in paths)
    assert all(r.status is TextStatus.OK for r in results.values())

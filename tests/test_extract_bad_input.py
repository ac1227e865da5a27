"""Hostile and broken files each cost one failed document with a one-line reason, never the run.

Every file goes through the worker pool with its time and memory limits, as in the extract
stage.
"""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import pytest
from fpdf import FPDF

from fwcensus.extract.pool import Limits, extract_many
from fwcensus.models import ExtractedText, TextStatus
from test_extract import blank_pdf, text_pdf

LIMITS = Limits(workers=2, seconds=60, memory_mb=1024)


def run(tmp_path: Path, name: str, data: bytes, limits: Limits = LIMITS) -> ExtractedText:
    path = tmp_path / name
    path.write_bytes(data)
    ((_, result),) = extract_many([(name, path)], limits)
    return result


def assert_fails(result: ExtractedText, reason: str) -> None:
    assert result.status is TextStatus.FAILED
    assert result.error and result.error.startswith(reason), result.error
    assert "\n" not in result.error


def test_truncated_pdf(tmp_path: Path) -> None:
    good = text_pdf(4)
    assert_fails(run(tmp_path, "truncated.pdf", good[: len(good) // 3]), "corrupt PDF")


def test_encrypted_pdf(tmp_path: Path) -> None:
    assert_fails(run(tmp_path, "locked.pdf", text_pdf(1, password="s3cret")), "encrypted PDF")


def test_pdf_without_text_layer_is_no_text(tmp_path: Path) -> None:
    result = run(tmp_path, "scan.pdf", blank_pdf())
    assert result.status is TextStatus.NO_TEXT
    assert result.pages == () and result.error and "no text layer" in result.error


def test_html_served_as_pdf(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><head><title>Not found</title></head><body>404</body></html>"
    assert_fails(run(tmp_path, "page.pdf", page), "corrupt PDF")


def test_zero_byte_file(tmp_path: Path) -> None:
    assert_fails(run(tmp_path, "empty.pdf", b""), "corrupt PDF")


def test_two_thousand_pages_within_the_time_limit(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for number in range(2000):
        pdf.add_page()
        pdf.multi_cell(0, 5, f"Section {number}: we train the model for many steps. " * 4)
    started = time.monotonic()
    result = run(tmp_path, "long.pdf", bytes(pdf.output()), Limits(workers=1, seconds=60))
    assert result.status is TextStatus.OK
    assert len(result.pages) == 2000
    assert time.monotonic() - started < 60


def decompression_bomb(inflated_chunks: int = 160, chunk: int = 16 * 1024**2) -> bytes:
    """A one-page PDF whose content stream is ~2 MB of Flate that inflates to 2.5 GB of zeros.

    Each chunk is compressed after a full flush, so the compressed blocks repeat and the bomb
    costs nothing to build; the zlib trailer is the Adler-32 of that many zeros.
    """
    compressor = zlib.compressobj(9)
    zeros = bytes(chunk)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    total = inflated_chunks * chunk
    adler = (total % 65521) << 16 | 1  # Adler-32 of zeros: a stays 1, b grows by 1 per byte
    stream = first + repeat * (inflated_chunks - 1) + b"\x03\x00" + struct.pack(">I", adler)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_decompression_bomb_is_stopped_by_the_limits(tmp_path: Path) -> None:
    bomb = decompression_bomb()
    assert len(bomb) < 5 * 1024**2
    limits = Limits(workers=1, seconds=30, memory_mb=1024)
    started = time.monotonic()
    result = run(tmp_path, "bomb.pdf", bomb, limits)
    assert result.status is TextStatus.FAILED
    assert result.error in {
        "time limit exceeded (30 s)",
        "memory limit exceeded (1024 MB)",
        "memory limit exceeded (1024 MB): worker killed by SIGABRT",
        "memory limit exceeded (1024 MB): worker killed by SIGSEGV",
    }, result.error
    assert time.monotonic() - started < 45
    # The pool goes on: the next document is extracted normally.
    assert run(tmp_path, "after.pdf", text_pdf(1), limits).status is TextStatus.OK


@pytest.mark.parametrize("pages", [1, 3])
def test_good_pdfs_still_pass_through_the_pool(tmp_path: Path, pages: int) -> None:
    assert run(tmp_path, "ok.pdf", text_pdf(pages)).status is TextStatus.OK

"""Detection speed on one core: the prefiltered name scan against the full alternation it
replaced, the whole `evidence` method in pages/s, and `fwcensus inspect --json` against the
2019 pipeline (pdftotext per PDF, then a substring search) on the same PDFs: the command as a
user runs it (start-up and sandboxed worker included), the same work inside this process, and
how much of it is pdfium's own parsing (what no Python change can remove). The run pins itself
and all it starts to one core; every figure is measured in this run, and the ratios are what
the goals speak of.

Pages: the real development papers in ``$FWCENSUS_SHARED/eval/{dev,dev2}`` (default
``<repo>/../shared``; read in place, never copied); without them the run stops (status 2).

    .venv/bin/python bench/detect_speed.py [--repeats 3]

The "before" name scan is the alternation of every catalogue alias run with ``finditer`` over
the whole page (the scan before the prefilter); both scans must find the same mentions on
every page, and the run stops with exit status 1 if they do not. Exit status 2 when pdftotext
is not on PATH (the end-to-end comparison needs it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pypdfium2 as pdfium

from fwcensus.detect import evidence
from fwcensus.detect.mentions import _VERSION as VERSION
from fwcensus.detect.mentions import Scanner, scanner
from fwcensus.extract.pdf_text import extract_pages
from fwcensus.extract.pdfium_page import read_page
from fwcensus.inspection import inspect_text

REPO = Path(__file__).resolve().parent.parent
TERMS = ("pytorch", "tensorflow")  # what the 2019 study searched for


def best(repeats: int, *works: Callable[[], object]) -> list[float]:
    """The fastest of ``repeats`` runs of each work: other work on the machine only adds
    time. The works take turns within each round, so a busy spell slows them alike."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(repeats):
        for work, taken in zip(works, times, strict=True):
            start = time.perf_counter()
            work()
            taken.append(time.perf_counter() - start)
    return [min(taken) for taken in times]


def full_alternation(scan: Scanner, text: str) -> list[tuple[int, str]]:
    """The scan before the prefilter: the whole alternation tried at every character."""
    found = []
    for match in scan.names.finditer(text):
        target = scan.name_targets[int(match.lastgroup[1:])]  # type: ignore[index]
        if target.versioned and VERSION.match(text, match.end()) is None:
            continue
        found.append((match.start(), target.framework))
    return found


def prefiltered(scan: Scanner, text: str) -> list[tuple[int, str]]:
    return [(m.start, m.framework) for m in scan.names_in(1, text)]


def pdf_paths() -> list[Path]:
    shared = Path(os.environ.get("FWCENSUS_SHARED", REPO.parent / "shared"))
    return sorted((shared / "eval" / "dev").glob("*.pdf")) + sorted(
        (shared / "eval" / "dev2").glob("*.pdf")
    )


def pdftotext_pipeline(paths: Sequence[Path]) -> None:
    """The 2019 study's way: pdftotext per PDF, then a case-insensitive substring search."""
    with tempfile.TemporaryDirectory() as folder:
        for index, path in enumerate(paths):
            out = Path(folder) / f"{index}.txt"
            subprocess.run(["pdftotext", str(path), str(out)], check=True, capture_output=True)
            text = out.read_text("utf-8", "replace").lower()
            _ = [term in text for term in TERMS]


def pdfium_only(paths: Sequence[Path]) -> None:
    """What pdfium itself does in extraction (parse each page, its text, its link
    annotations): the part no Python change removes."""
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        try:
            for index in range(len(pdf)):
                read_page(pdf, index)
        finally:
            pdf.close()


def inspect_pipeline(paths: Sequence[Path]) -> None:
    """fwcensus inspect's work per paper, in this process: extract (pdfium, cleaning,
    sections, links), both methods' detection and the own-code link."""
    for path in paths:
        inspect_text(str(path), extract_pages(path))


def command_pipeline(paths: Sequence[Path], folder: Path) -> None:
    """``fwcensus inspect --json --workers 1`` as a user runs it: start-up, the sandboxed
    extraction worker, detection with the library cache, a JSON line per file."""
    command = [sys.executable, "-m", "fwcensus", "inspect", "--json", "--workers", "1"]
    command += ["--db", str(folder / "fwcensus.db"), *map(str, paths)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def one_core() -> str:
    """Pin this process, and so every process it starts, to one core."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    pinned = one_core()
    paths = pdf_paths()
    if not paths:
        print("no development papers found: set FWCENSUS_SHARED", file=sys.stderr)
        return 2
    if shutil.which("pdftotext") is None:
        print("pdftotext is not on PATH (Debian: apt-get install poppler-utils)", file=sys.stderr)
        return 2
    texts = [extract_pages(path) for path in paths]
    pages = [page for text in texts for page in text.pages]
    scan = scanner()
    differing = sum(full_alternation(scan, p) != prefiltered(scan, p) for p in pages)
    if differing:
        print(f"the two name scans differ on {differing} pages", file=sys.stderr)
        return 1
    before, after = best(
        args.repeats,
        lambda: [full_alternation(scan, p) for p in pages],
        lambda: [prefiltered(scan, p) for p in pages],
    )
    (whole,) = best(
        args.repeats,
        lambda: [evidence.detect(list(t.pages), t.sections or None) for t in texts],
    )
    with tempfile.TemporaryDirectory() as folder:
        study, command, ours, parsing = best(
            args.repeats,
            lambda: pdftotext_pipeline(paths),
            lambda: command_pipeline(paths, Path(folder)),
            lambda: inspect_pipeline(paths),
            lambda: pdfium_only(paths),
        )
    print(f"detect speed: {len(paths)} real papers, {len(pages)} pages, one core ({pinned}), "
          f"best of {args.repeats}")  # fmt: skip
    print(f"  name scan: full alternation {len(pages) / before:,.0f} pages/s, prefiltered "
          f"{len(pages) / after:,.0f} pages/s: {before / after:.1f}x (same mentions on every "
          "page)")  # fmt: skip
    print(f"  evidence method (all rules): {len(pages) / whole:,.0f} pages/s")
    print(f"  2019 pipeline, pdftotext per PDF + substring: {study:.2f} s")
    print(f"  fwcensus inspect --json --workers 1 (the command): {command:.2f} s = "
          f"{study / command:.2f}x the 2019 pipeline's speed (goal >= 1.5x)")  # fmt: skip
    print(f"  the same work in this process (no start-up, no worker): {ours:.2f} s = "
          f"{study / ours:.2f}x")  # fmt: skip
    print(f"    of which pdfium (pages, text, link annotations): {parsing:.2f} s, Python "
          f"(cleaning, sections, links, detection): {ours - parsing:.2f} s; pdfium alone would "
          f"be {study / parsing:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One PDF read from an archive, judged as ``fwcensus inspect`` judges a file: the same
extraction in the same sandbox with the same limits, then every detection method of the detect
stage, with the library answers kept beside the store (as ``inspect`` uses them).

Dask workers may run on other machines, so the resolver's answers travel with each task as a
snapshot of ``libraries.sqlite`` (``resolver_snapshot``), opened read-only on the worker.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from fwcensus.detect.library_names import Resolve
from fwcensus.detect.stage import DETECTORS, METHODS
from fwcensus.fetch.pdfcheck import HEADER_WINDOW, PDF_MAGIC
from fwcensus.libraries.cache import CACHE_FILE
from fwcensus.libraries.resolver import cached_resolver
from fwcensus.models import ExtractedText, TextStatus
from fwcensus.store.texts import TextSummary, text_summary
from fwcensus.store.verdicts import MethodVerdicts

Extract = Callable[[bytes], ExtractedText]


@dataclass(frozen=True)
class JudgedPdf:
    pdf_sha256: str
    pdf_bytes: int
    text: TextSummary
    judged: tuple[MethodVerdicts, ...]  # every method's verdicts; empty without usable text


def judge_pdf(data: bytes, extract: Extract, resolve: Resolve) -> JudgedPdf:
    text = extract(data) if PDF_MAGIC in data[:HEADER_WINDOW] else _not_a_pdf(data)
    summary, _ = text_summary(text)
    judged: tuple[MethodVerdicts, ...] = ()
    if text.status is TextStatus.OK:
        judged = tuple(
            MethodVerdicts(method, DETECTORS[method], tuple(detect(text, resolve)))
            for method, detect in METHODS.items()
        )
    return JudgedPdf(hashlib.sha256(data).hexdigest(), len(data), summary, judged)


def _not_a_pdf(data: bytes) -> ExtractedText:
    start = " ".join(data[:40].decode("latin-1").split())
    return ExtractedText(TextStatus.FAILED, error=f"not a PDF: the member starts {start!r}")


def resolver_snapshot(cache_folder: Path) -> bytes | None:
    """The library answers kept in ``cache_folder`` as one database image, or None."""
    path = cache_folder / CACHE_FILE
    if not path.is_file():
        return None
    with closing(sqlite3.connect(path)) as conn:
        return conn.serialize()


@contextmanager
def snapshot_resolver(snapshot: bytes | None) -> Iterator[Resolve]:
    """A resolver answering from ``snapshot`` (the catalogue only without one), never asking
    the network: what ``inspect`` and the detect stage use."""
    if snapshot is None:
        with cached_resolver(None) as resolver:
            yield resolver.answer
        return
    with tempfile.TemporaryDirectory(prefix="fwcensus-libraries-") as folder:
        (Path(folder) / CACHE_FILE).write_bytes(snapshot)
        with cached_resolver(Path(folder)) as resolver:
            yield resolver.answer

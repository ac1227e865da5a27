"""What ``fwcensus text`` prints: a paper's cleaned text as detection saw it, with markers.

A paper id reads the stored text (never extracts again, so what is shown is what detection
read); a file is extracted now, through the same sandboxed pool as the extract stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fwcensus.errors import TextUnavailable
from fwcensus.extract.pool import Limits, extract_many
from fwcensus.models import ExtractedText, TextStatus
from fwcensus.store import Store


def load_text(target: str, db: Path, limits: Limits | None = None) -> ExtractedText:
    """The text of ``target``: a PDF file's path, or the id of a paper in the store at ``db``."""
    path = Path(target)
    if path.is_file():
        return _extract_file(path, limits or Limits(workers=1))
    if not target.isdigit():
        raise TextUnavailable(f"{target}: neither a file nor a paper id")
    if not db.is_file():
        raise TextUnavailable(f"no store at {db}: pass --db")
    with Store(db) as store:
        text_sha, why_not = store.texts.for_paper(int(target))
        if text_sha is None:
            raise TextUnavailable(why_not or f"paper {target} has no text")
        return store.texts.load(text_sha)


def _extract_file(path: Path, limits: Limits) -> ExtractedText:
    ((_, text),) = extract_many([(str(path), path)], limits)
    if text.status is not TextStatus.OK:
        raise TextUnavailable(f"{path}: {text.status.value}: {text.error}")
    return text


def render(text: ExtractedText, sections: bool = False) -> Iterator[str]:
    """Lines of output: page markers, or with ``sections`` a marker where each section span
    starts, then (with ``sections``) the paper's links."""
    by_page: dict[int, list] = {}
    for span in text.sections:
        by_page.setdefault(span.page, []).append(span)
    for number, page in enumerate(text.pages, 1):
        spans = by_page.get(number, []) if sections else []
        if not spans:
            yield f"=== p.{number} ==="
            yield page
            continue
        for span in spans:
            label = f" {span.label}" if span.label else ""
            yield f"=== [{span.kind.value}] p.{number}{label} ==="
            yield page[span.start : span.end].rstrip("\n")
    if sections and text.links:
        yield "=== links ==="
        for link in text.links:
            where = f"p.{link.page}" + (f" [{link.section.value}]" if link.section else "")
            host = f" (code: {link.code_host})" if link.code_host else ""
            yield f"{where} {link.url} <{link.source}>{host}"

"""The texts extracted from fetched PDFs (table ``texts``, one row per PDF hash) and their stored
form: a blob holding pages, sections and links.

Reached as ``store.texts``. The archives group writes text rows for PDFs read inside archives
through ``upsert_text``, in its own transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from fwcensus.models import ExtractedText, Section, SectionKind, Selection, TextLink, TextStatus
from fwcensus.store.tables import Tables, now, selection_sql


@dataclass(frozen=True)
class TextJob:
    """A fetched PDF that has no extracted text yet."""

    sha256: str
    path: Path


@dataclass(frozen=True)
class TextSummary:
    """What the texts table keeps of an extracted text (the text itself is a blob, if kept)."""

    status: TextStatus
    text_sha256: str | None
    pages: int
    chars: int | None
    error: str | None
    sections: int
    links: int
    code_links: int


class TextTables(Tables):
    def jobs(self, selection: Selection, extractor: str | None = None) -> list[TextJob]:
        """Fetched PDFs without text, and (given ``extractor``) those whose text another
        extractor version made."""
        where, params = selection_sql(selection)
        stale = " OR t.extractor != ?" if extractor else ""
        rows = self._conn.execute(
            "SELECT DISTINCT d.sha256 FROM documents d JOIN papers p ON p.id = d.paper_id"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256"
            " WHERE d.status = 'fetched' AND d.archive IS NULL"
            f" AND (t.pdf_sha256 IS NULL{stale}) AND {where}"
            " ORDER BY d.sha256",
            (*([extractor] if extractor else []), *params),
        ).fetchall()
        return [TextJob(sha256=row[0], path=self._store.blobs.path(row[0])) for row in rows]

    def save(self, pdf_sha256: str, text: ExtractedText, extractor: str) -> None:
        summary, blob = text_summary(text)
        if blob is not None:
            self._store.blobs.put_bytes(blob)
        upsert_text(self._conn, pdf_sha256, summary, extractor)

    def load(self, text_sha256: str) -> ExtractedText:
        """The stored text with its sections and links (a text stored before sections were
        kept comes back with none)."""
        return _parse_text_blob(self._store.blobs.read_bytes(text_sha256))

    def for_paper(self, paper_id: int) -> tuple[str | None, str | None]:
        """``(text_sha256, why_not)`` for a paper's stored text: the hash, or why there is none."""
        row = self._conn.execute(
            "SELECT p.id, d.status AS doc_status, d.error AS doc_error, t.status AS text_status,"
            " t.error AS text_error, t.text_sha256, d.final_url, d.archive FROM papers p"
            " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND d.status = 'fetched'"
            " WHERE p.id = ?",
            (paper_id,),
        ).fetchone()
        if row is None:
            return None, f"no paper with id {paper_id} in {self._store.path}"
        if row["archive"]:
            return None, (
                f"paper {paper_id}'s PDF was read inside {row['final_url']} by a bulk run, which"
                " keeps no text: run fwcensus text on that PDF"
            )
        if row["text_sha256"]:
            return row["text_sha256"], None
        if row["text_status"]:
            return None, f"paper {paper_id} has no text: {row['text_status']} ({row['text_error']})"
        if row["doc_status"] != "fetched":
            reason = f": {row['doc_error']}" if row["doc_error"] else ""
            return None, f"paper {paper_id} has no fetched PDF ({row['doc_status']}{reason})"
        return None, f"paper {paper_id} is not extracted yet: run fwcensus extract"


def upsert_text(
    conn: sqlite3.Connection, pdf_sha256: str, text: TextSummary, extractor: str
) -> None:
    conn.execute(
        "INSERT INTO texts (pdf_sha256, status, text_sha256, pages, chars, error, extractor,"
        " extracted_at, sections, links, code_links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (pdf_sha256) DO UPDATE SET status = excluded.status,"
        " text_sha256 = excluded.text_sha256, pages = excluded.pages, chars = excluded.chars,"
        " error = excluded.error, extractor = excluded.extractor,"
        " extracted_at = excluded.extracted_at, sections = excluded.sections,"
        " links = excluded.links, code_links = excluded.code_links",
        (pdf_sha256, text.status.value, text.text_sha256, text.pages, text.chars, text.error,
         extractor, now(), text.sections, text.links, text.code_links),
    )  # fmt: skip


def text_summary(text: ExtractedText) -> tuple[TextSummary, bytes | None]:
    """The row of ``text`` and, for a text with content, the blob it is stored as."""
    blob = _text_blob(text) if text.status is TextStatus.OK else None
    summary = TextSummary(
        status=text.status,
        text_sha256=hashlib.sha256(blob).hexdigest() if blob is not None else None,
        pages=len(text.pages),
        chars=sum(len(page) for page in text.pages) if blob is not None else None,
        error=text.error,
        sections=len(text.sections),
        links=len(text.links),
        code_links=sum(1 for link in text.links if link.code_host),
    )
    return summary, blob


def _text_blob(text: ExtractedText) -> bytes:
    """The stored form of a text: ``{"pages", "sections", "links"}``, sections as
    ``[kind, label, page, start, end]`` rows to keep the blob small."""
    return json.dumps(
        {
            "pages": list(text.pages),
            "sections": [[s.kind.value, s.label, s.page, s.start, s.end] for s in text.sections],
            "links": [
                {
                    "url": link.url,
                    "page": link.page,
                    "source": link.source,
                    "section": link.section.value if link.section else None,
                    "start": link.start,
                    "end": link.end,
                    "code_host": link.code_host,
                }
                for link in text.links
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def _parse_text_blob(data: bytes) -> ExtractedText:
    blob = json.loads(data)
    return ExtractedText(
        TextStatus.OK,
        pages=tuple(blob["pages"]),
        sections=tuple(
            Section(SectionKind(kind), label, page, start, end)
            for kind, label, page, start, end in blob.get("sections", ())
        ),
        links=tuple(
            TextLink(
                url=link["url"],
                page=link["page"],
                source=link["source"],
                section=SectionKind(link["section"]) if link["section"] else None,
                start=link["start"],
                end=link["end"],
                code_host=link["code_host"],
            )
            for link in blob.get("links", ())
        ),
    )

"""The papers the sources listed (tables ``papers`` and ``listings``), and what the status,
export and report read of each paper with its document and text state.

Reached as ``store.papers``. Collecting a paper creates its PDF document in the same
transaction, through the documents group.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fwcensus.models import Paper, Selection
from fwcensus.store.documents import add_pdf, reset_pdf
from fwcensus.store.identity import found_arxiv_id
from fwcensus.store.tables import Tables, now, selection_sql, zero_nulls

_PAPER_FIELDS = (
    "venue", "year", "track", "title", "authors", "page_url", "pdf_url", "arxiv_id", "doi",
    "presentation", "code_urls",
)  # fmt: skip
_ARXIV_ID = _PAPER_FIELDS.index("arxiv_id")


@dataclass(frozen=True)
class UpsertCounts:
    new: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class StatusCount:
    venue: str
    year: int
    listed: int
    pending: int
    fetched: int
    failed: int
    skipped: int
    text_ok: int
    no_text: int
    text_failed: int


class PaperTables(Tables):
    def record_listing(
        self, url: str, source: str, venue: str, year: int, sha256: str, papers: int
    ) -> None:
        self._conn.execute(
            "INSERT INTO listings (url, source, venue, year, sha256, papers, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256,"
            " papers = excluded.papers, fetched_at = excluded.fetched_at",
            (url, source, venue, year, sha256, papers, now()),
        )

    def upsert(self, papers: Iterable[Paper], listing_url: str) -> UpsertCounts:
        """Insert new papers and refresh known ones; each paper gets one PDF document.

        A paper whose PDF URL changed has its document reset to pending, so the new file is
        fetched; an unchanged paper keeps its document state. A paper listed without a PDF
        is kept, its document marked skipped with the reason.
        """
        new = updated = unchanged = 0
        stamp = now()
        with self._store.transaction() as tx:
            for paper in papers:
                values = _paper_values(paper)
                row = tx.execute(
                    f"SELECT id, {', '.join(_PAPER_FIELDS)} FROM papers"
                    " WHERE source = ? AND source_id = ?",
                    (paper.source, paper.source_id),
                ).fetchone()
                if row is None:
                    cur = tx.execute(
                        f"INSERT INTO papers ({', '.join(_PAPER_FIELDS)}, source, source_id,"
                        " listing_url, first_seen, last_seen)"
                        f" VALUES ({', '.join('?' for _ in _PAPER_FIELDS)}, ?, ?, ?, ?, ?)",
                        (*values, paper.source, paper.source_id, listing_url, stamp, stamp),
                    )
                    add_pdf(tx, int(cur.lastrowid or 0), paper.pdf_url, stamp)
                    new += 1
                    continue
                if paper.arxiv_id is None:
                    values = _with_found_arxiv_id(tx, row["id"], values)
                tx.execute(
                    f"UPDATE papers SET {', '.join(f'{f} = ?' for f in _PAPER_FIELDS)},"
                    " listing_url = ?, last_seen = ? WHERE id = ?",
                    (*values, listing_url, stamp, row["id"]),
                )
                if tuple(row[f] for f in _PAPER_FIELDS) == values:
                    unchanged += 1
                    continue
                updated += 1
                if row["pdf_url"] != paper.pdf_url:
                    reset_pdf(tx, row["id"], paper.pdf_url, stamp)
        return UpsertCounts(new=new, updated=updated, unchanged=unchanged)

    def add_missing(self, papers: Iterable[Paper], listing_url: str) -> int:
        """Insert the papers not in the store yet, each with its PDF document; a paper already
        stored is left as it is (its source's metadata is worth more than a placeholder)."""
        added = 0
        stamp = now()
        with self._store.transaction() as tx:
            for paper in papers:
                cur = tx.execute(
                    f"INSERT INTO papers ({', '.join(_PAPER_FIELDS)}, source, source_id,"
                    " listing_url, first_seen, last_seen)"
                    f" VALUES ({', '.join('?' for _ in _PAPER_FIELDS)}, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (source, source_id) DO NOTHING",
                    (*_paper_values(paper), paper.source, paper.source_id, listing_url, stamp,
                     stamp),
                )  # fmt: skip
                if cur.rowcount:
                    add_pdf(tx, int(cur.lastrowid or 0), paper.pdf_url, stamp)
                    added += 1
        return added

    def source_ids(self, source: str) -> set[str]:
        rows = self._conn.execute("SELECT source_id FROM papers WHERE source = ?", (source,))
        return {row[0] for row in rows}

    def source_tracks(self, source: str, size: int) -> Iterator[list[tuple[str, str]]]:
        """``(source_id, track)`` of the source's papers, ``size`` at a time."""
        cursor = self._conn.execute(
            "SELECT source_id, track FROM papers WHERE source = ? ORDER BY id", (source,)
        )
        while rows := cursor.fetchmany(size):
            yield [(row[0], row[1]) for row in rows]

    def counts(self) -> dict[tuple[str, int], int]:
        """Papers per venue and year."""
        rows = self._conn.execute(
            "SELECT venue, year, COUNT(*) FROM papers GROUP BY venue, year"
        ).fetchall()
        return {(row[0], row[1]): row[2] for row in rows}

    def rows(self, selection: Selection) -> list[dict[str, Any]]:
        """Every paper with its document and text state, one flat row each."""
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT p.id AS paper_id, p.source, p.source_id, p.venue, p.year, p.track, p.title,"
            " p.authors, p.page_url, p.pdf_url, p.arxiv_id, p.doi, p.presentation, p.code_urls,"
            " p.work_id, d.status AS doc_status, d.error AS doc_error,"
            " d.last_status AS http_status, d.attempts, d.sha256 AS pdf_sha256,"
            " d.size AS pdf_bytes,"
            " t.status AS text_status, t.error AS text_error, t.pages, t.chars"
            " FROM papers p"
            " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND d.status = 'fetched'"
            f" WHERE {where} ORDER BY p.venue, p.year, p.id",
            params,
        ).fetchall()
        out = []
        for row in rows:
            record = dict(row)
            record["authors"] = json.loads(record["authors"])
            record["code_urls"] = json.loads(record["code_urls"])
            out.append(record)
        return out

    def report_rows(self, selection: Selection) -> list[sqlite3.Row]:
        """What the report reads of each selected paper, as rows read by column name (no copy
        into dicts: the report reads a million of them): ids, venue, title, authors (JSON),
        links, work, document and text state, ordered by id."""
        where, params = selection_sql(selection)
        return self._conn.execute(
            "SELECT p.id AS paper_id, p.source, p.source_id, p.venue, p.year, p.track, p.title,"
            " p.authors, p.page_url, p.pdf_url, p.arxiv_id, p.work_id,"
            " d.status AS doc_status, d.error AS doc_error,"
            " t.status AS text_status, t.error AS text_error"
            " FROM papers p"
            " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND d.status = 'fetched'"
            f" WHERE {where} ORDER BY p.id",
            params,
        ).fetchall()

    def status_counts(self, selection: Selection) -> list[StatusCount]:
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT p.venue, p.year, COUNT(*) AS listed,"
            " SUM(d.status = 'pending') AS pending, SUM(d.status = 'fetched') AS fetched,"
            " SUM(d.status = 'failed') AS failed, SUM(d.status = 'skipped') AS skipped,"
            " SUM(t.status = 'ok') AS text_ok, SUM(t.status = 'no-text') AS no_text,"
            " SUM(t.status = 'failed') AS text_failed"
            " FROM papers p"
            " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND d.status = 'fetched'"
            f" WHERE {where} GROUP BY p.venue, p.year ORDER BY p.venue, p.year",
            params,
        ).fetchall()
        return [StatusCount(**zero_nulls(dict(row))) for row in rows]


def _with_found_arxiv_id(tx: sqlite3.Connection, paper_id: int,
                         values: tuple[Any, ...]) -> tuple[Any, ...]:  # fmt: skip
    """A listing without an arXiv id keeps the one an arXiv search found for the paper: a
    re-collect must not undo ``fwcensus link --arxiv``."""
    found = found_arxiv_id(tx, paper_id)
    if found is None:
        return values
    return (*values[:_ARXIV_ID], found, *values[_ARXIV_ID + 1 :])


def _paper_values(paper: Paper) -> tuple[Any, ...]:
    return (
        paper.venue,
        paper.year,
        paper.track,
        paper.title,
        json.dumps(list(paper.authors), ensure_ascii=False),
        paper.page_url,
        paper.pdf_url,
        paper.arxiv_id,
        paper.doi,
        paper.presentation,
        json.dumps(list(paper.code_urls), ensure_ascii=False),
    )

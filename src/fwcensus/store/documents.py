"""Each paper's PDF (table ``documents``): its URL, fetch state, file hash, and for a PDF a bulk
run read inside an archive, that archive.

Reached as ``store.documents``. The papers and archives groups create and update document rows in
their own transactions through the functions below, so every write to the table is here.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from fwcensus.models import DocStatus, Document, FetchResult, Selection
from fwcensus.store.tables import Tables, now, selection_sql

NO_PDF = "no PDF link in the listing"


@dataclass(frozen=True)
class HostCount:
    host: str
    pending: int
    fetched: int
    failed: int
    skipped: int
    top_error: str | None


class DocumentTables(Tables):
    def with_status(
        self, selection: Selection, statuses: Sequence[DocStatus] = (DocStatus.PENDING,)
    ) -> list[Document]:
        where, params = selection_sql(selection)
        marks = ", ".join("?" for _ in statuses)
        rows = self._conn.execute(
            "SELECT d.* FROM documents d JOIN papers p ON p.id = d.paper_id"
            f" WHERE d.status IN ({marks}) AND {where} ORDER BY d.id",
            (*[s.value for s in statuses], *params),
        ).fetchall()
        return [_document(row) for row in rows]

    def reset_missing_blobs(self) -> int:
        """Documents marked fetched whose blob is gone become pending again."""
        rows = self._conn.execute(
            "SELECT id, sha256 FROM documents WHERE status = 'fetched' AND archive IS NULL"
        ).fetchall()
        lost = [row["id"] for row in rows if not self._store.blobs.exists(row["sha256"])]
        with self._store.transaction() as tx:
            tx.executemany(
                "UPDATE documents SET status = 'pending', sha256 = NULL WHERE id = ?",
                [(doc_id,) for doc_id in lost],
            )
        return len(lost)

    def save_fetch(self, document_id: int, result: FetchResult, status: DocStatus) -> None:
        self._conn.execute(
            "UPDATE documents SET status = ?, sha256 = ?, size = ?, content_type = ?,"
            " final_url = ?, error = ?, attempts = attempts + ?, last_status = ?, updated_at = ?"
            " WHERE id = ?",
            (
                status.value,
                result.sha256,
                result.size,
                result.content_type,
                result.final_url,
                result.error,
                result.attempts,
                result.last_status,
                now(),
                document_id,
            ),
        )

    def host_counts(self, selection: Selection) -> list[HostCount]:
        """Documents per host of their URL, by state, with each host's most frequent failure."""
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT d.url, d.status, d.error FROM documents d JOIN papers p ON p.id = d.paper_id"
            f" WHERE d.url IS NOT NULL AND {where}",
            params,
        ).fetchall()
        states: dict[str, Counter[str]] = defaultdict(Counter)
        errors: dict[str, Counter[str]] = defaultdict(Counter)
        for url, status, error in rows:
            host = urlsplit(url).netloc.lower()
            states[host][status] += 1
            if status in ("failed", "skipped") and error:
                errors[host][error] += 1
        return [
            HostCount(
                host=host,
                pending=counts["pending"],
                fetched=counts["fetched"],
                failed=counts["failed"],
                skipped=counts["skipped"],
                top_error=errors[host].most_common(1)[0][0] if errors[host] else None,
            )
            for host, counts in sorted(states.items())
        ]


def add_pdf(tx: sqlite3.Connection, paper_id: int, pdf_url: str | None, stamp: str) -> None:
    """A new paper's PDF document: pending, or skipped when the listing gives no PDF."""
    tx.execute(
        "INSERT INTO documents (paper_id, kind, url, status, error, updated_at)"
        " VALUES (?, 'pdf', ?, ?, ?, ?)",
        (paper_id, pdf_url, *_first_state(pdf_url), stamp),
    )


def reset_pdf(tx: sqlite3.Connection, paper_id: int, pdf_url: str | None, stamp: str) -> None:
    """A paper's PDF moved: what was fetched from the old URL is forgotten."""
    tx.execute(
        "UPDATE documents SET url = ?, status = ?, error = ?, sha256 = NULL,"
        " size = NULL, content_type = NULL, final_url = NULL, attempts = 0,"
        " last_status = NULL, archive = NULL, updated_at = ?"
        " WHERE paper_id = ? AND kind = 'pdf'",
        (pdf_url, *_first_state(pdf_url), stamp, paper_id),
    )


def mark_read_in_archive(tx: sqlite3.Connection, paper_id: int, sha256: str, size: int,
                         member_url: str, archive: str, stamp: str) -> None:  # fmt: skip
    """A paper's PDF was read inside ``archive``: fetched, though no blob of it is kept."""
    tx.execute(
        "UPDATE documents SET status = 'fetched', sha256 = ?, size = ?,"
        " content_type = 'application/pdf', final_url = ?, archive = ?, error = NULL,"
        " attempts = attempts + 1, last_status = NULL, updated_at = ?"
        " WHERE paper_id = ? AND kind = 'pdf'",
        (sha256, size, member_url, archive, stamp, paper_id),
    )


def _first_state(pdf_url: str | None) -> tuple[str, str | None]:
    if pdf_url is None:
        return DocStatus.SKIPPED.value, NO_PDF
    return DocStatus.PENDING.value, None


def _document(row: sqlite3.Row) -> Document:
    return Document(
        id=row["id"],
        paper_id=row["paper_id"],
        url=row["url"],
        status=DocStatus(row["status"]),
        sha256=row["sha256"],
        size=row["size"],
        content_type=row["content_type"],
        final_url=row["final_url"],
        error=row["error"],
        attempts=row["attempts"],
        last_status=row["last_status"],
    )

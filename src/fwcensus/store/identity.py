"""Which papers are one work (table ``paper_links``, ``papers.work_id``) and the arXiv ids found
for venue papers by title searches (table ``arxiv_lookups``).

Reached as ``store.identity``; written by ``fwcensus link`` (and by collect, which links too).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from fwcensus.models import IdentityRow, Link, Selection
from fwcensus.store.tables import Tables, now, selection_sql


class IdentityTables(Tables):
    def rows(self) -> list[IdentityRow]:
        rows = self._conn.execute(
            "SELECT id, source, arxiv_id, doi, title, json_extract(authors, '$[0]') AS first"
            " FROM papers ORDER BY id"
        ).fetchall()
        return [IdentityRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def replace_links(self, links: Sequence[Link], works: dict[int, int]) -> None:
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM paper_links")
            tx.executemany(
                "INSERT INTO paper_links (paper_id, linked_id, rule) VALUES (?, ?, ?)",
                [(link.paper_id, link.linked_id, link.rule) for link in links],
            )
            tx.executemany(
                "UPDATE papers SET work_id = ? WHERE id = ?",
                [(work, pid) for pid, work in works.items()],
            )

    def shared_works(self) -> dict[int, int]:
        """Works held by more than one paper (a venue paper and its preprint), with the year
        they count in over all venues: their venue version's, else their earliest (as
        ``store.shares.work_year_counts`` places them)."""
        rows = self._conn.execute(
            "SELECT COALESCE(work_id, id),"
            " COALESCE(MIN(CASE WHEN source != 'arxiv' THEN year END), MIN(year))"
            " FROM papers GROUP BY COALESCE(work_id, id) HAVING COUNT(*) > 1"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def arxiv_lookup_jobs(self, selection: Selection, retry_before: str) -> list[IdentityRow]:
        """Selected papers of other sources without an arXiv id, whose work holds no paper
        with one, that were never looked up, failed last time, or had no match when asked
        before ``retry_before`` (an ISO date)."""
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT p.id, p.source, p.arxiv_id, p.doi, p.title,"
            " json_extract(p.authors, '$[0]') FROM papers p"
            " LEFT JOIN arxiv_lookups l ON l.paper_id = p.id"
            " WHERE p.source != 'arxiv' AND p.arxiv_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM papers q WHERE q.arxiv_id IS NOT NULL"
            "   AND q.work_id = COALESCE(p.work_id, p.id))"
            " AND (l.status IS NULL OR l.status = 'failed'"
            "   OR (l.status = 'none' AND l.asked_at < ?))"
            f" AND {where} ORDER BY p.id",
            (retry_before, *params),
        ).fetchall()
        return [IdentityRow(*row) for row in rows]

    def save_arxiv_lookup(
        self,
        paper_id: int,
        url: str,
        status: str,
        *,
        found: tuple[str, str] | None = None,
        body: bytes | None = None,
        detail: str | None = None,
    ) -> None:
        """Keep a paper's latest lookup (``found``: the arXiv id and the rule that matched it)
        with the answer's body as a blob; a found id goes on the paper unless it has one."""
        sha = self._store.blobs.put_bytes(body) if body is not None else None
        arxiv_id, rule = found or (None, None)
        with self._store.transaction() as tx:
            tx.execute(
                "INSERT INTO arxiv_lookups (paper_id, asked_at, status, arxiv_id, rule, url,"
                " body_sha256, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (paper_id) DO UPDATE SET asked_at = excluded.asked_at,"
                " status = excluded.status, arxiv_id = excluded.arxiv_id, rule = excluded.rule,"
                " url = excluded.url, body_sha256 = excluded.body_sha256,"
                " detail = excluded.detail",
                (paper_id, now(), status, arxiv_id, rule, url, sha, detail),
            )
            if arxiv_id:
                tx.execute(
                    "UPDATE papers SET arxiv_id = ? WHERE id = ? AND arxiv_id IS NULL",
                    (arxiv_id, paper_id),
                )

    def arxiv_lookups(self) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT * FROM arxiv_lookups ORDER BY paper_id").fetchall()
        return [dict(row) for row in rows]


def found_arxiv_id(tx: sqlite3.Connection, paper_id: int) -> str | None:
    """The arXiv id a title search found for the paper, if one did."""
    found = tx.execute(
        "SELECT arxiv_id FROM arxiv_lookups WHERE paper_id = ? AND status = 'found'", (paper_id,)
    ).fetchone()
    return None if found is None else str(found[0])

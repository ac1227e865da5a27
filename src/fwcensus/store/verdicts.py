"""What the detect stage judged of each paper's text (tables ``verdicts`` with their
``evidence``, and ``detections``: which text and rules each method last judged a paper by).

Reached as ``store.verdicts``. The archives group replaces a paper's verdicts in its own
transaction through ``replace_verdicts`` and ``clear_verdicts``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fwcensus.models import Selection, Verdict
from fwcensus.store.tables import Tables, now, selection_sql

_EVIDENCE_COLUMNS = ("page", "section", "snippet", "rule", "char_start", "char_end", "via")


@dataclass(frozen=True)
class DetectJob:
    paper_id: int
    text_sha256: str


@dataclass(frozen=True)
class MethodVerdicts:
    method: str
    detector: str  # the version of the method's rules that judged
    verdicts: tuple[Verdict, ...]


class VerdictTables(Tables):
    def jobs(self, selection: Selection, method: str, detector: str) -> list[DetectJob]:
        """Papers with text whose verdicts under ``method`` are missing, from older text or
        from another ``detector`` (an earlier version of the method's rules)."""
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT p.id, t.text_sha256 FROM papers p"
            " JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf' AND d.status = 'fetched'"
            "   AND d.archive IS NULL"
            " JOIN texts t ON t.pdf_sha256 = d.sha256 AND t.status = 'ok'"
            " LEFT JOIN detections x ON x.paper_id = p.id AND x.method = ?"
            " WHERE (x.text_sha256 IS NULL OR x.text_sha256 != t.text_sha256 OR x.detector != ?)"
            f" AND {where} ORDER BY p.id",
            (method, detector, *params),
        ).fetchall()
        return [DetectJob(paper_id=row[0], text_sha256=row[1]) for row in rows]

    def forget(self, paper_id: int, method: str) -> None:
        """Make the detect stage judge the paper again under ``method`` (what it knows changed)."""
        with self._store.transaction() as tx:
            tx.execute(
                "DELETE FROM detections WHERE paper_id = ? AND method = ?", (paper_id, method)
            )

    def save(
        self,
        paper_id: int,
        method: str,
        text_sha256: str,
        verdicts: Sequence[Verdict],
        detector: str = "",
    ) -> None:
        """Replace the paper's verdicts under ``method`` in one transaction (idempotent)."""
        with self._store.transaction() as tx:
            replace_verdicts(tx, paper_id, method, text_sha256, verdicts, detector)

    def rows(self, selection: Selection, method: str | None = None) -> list[dict[str, Any]]:
        """Every verdict with its paper and every piece of evidence behind it."""
        where, params = selection_sql(selection)
        method_sql = " AND v.method = ?" if method else ""
        rows = self._conn.execute(
            "SELECT v.id AS verdict_id, p.id AS paper_id, p.venue, p.year, p.track, p.title,"
            " p.pdf_url,"
            " v.method, v.framework, v.role, v.confidence,"
            " e.page, e.section, e.snippet, e.rule, e.char_start, e.char_end, e.via"
            " FROM verdicts v JOIN papers p ON p.id = v.paper_id"
            " LEFT JOIN evidence e ON e.verdict_id = v.id"
            f" WHERE {where}{method_sql} ORDER BY p.venue, p.year, p.id, v.framework, e.id",
            (*params, *([method] if method else [])),
        ).fetchall()
        verdicts: dict[int, dict[str, Any]] = {}
        for row in rows:
            record = verdicts.get(row["verdict_id"])
            if record is None:
                record = {k: v for k, v in dict(row).items() if k not in _EVIDENCE_COLUMNS}
                record["evidence"] = []
                verdicts[row["verdict_id"]] = record
            if row["page"] is not None:
                record["evidence"].append({k: row[k] for k in _EVIDENCE_COLUMNS})
        return list(verdicts.values())

    def report_rows(self, selection: Selection) -> list[sqlite3.Row]:
        """Every verdict of the selected papers, one row per piece of its evidence (a verdict
        without evidence: one row, page NULL), ordered by paper, method, framework, evidence."""
        where, params = selection_sql(selection)
        return self._conn.execute(
            "SELECT v.paper_id, v.id AS verdict_id, v.method, v.framework, v.role, v.confidence,"
            " e.page, e.section, e.snippet, e.rule"
            " FROM papers p JOIN verdicts v ON v.paper_id = p.id"
            " LEFT JOIN evidence e ON e.verdict_id = v.id"
            f" WHERE {where} ORDER BY v.paper_id, v.method, v.framework, e.id",
            params,
        ).fetchall()


def replace_verdicts(
    tx: sqlite3.Connection,
    paper_id: int,
    method: str,
    text_sha256: str,
    verdicts: Sequence[Verdict],
    detector: str,
) -> None:
    tx.execute("DELETE FROM verdicts WHERE paper_id = ? AND method = ?", (paper_id, method))
    for verdict in verdicts:
        cur = tx.execute(
            "INSERT INTO verdicts (paper_id, method, framework, role, confidence)"
            " VALUES (?, ?, ?, ?, ?)",
            (paper_id, method, verdict.framework, verdict.role.value, verdict.confidence),
        )
        tx.executemany(
            "INSERT INTO evidence (verdict_id, page, char_start, char_end, section,"
            " snippet, rule, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (cur.lastrowid, e.page, e.char_start, e.char_end, e.section, e.snippet, e.rule,
                 e.via)
                for e in verdict.evidence
            ],
        )  # fmt: skip
    tx.execute(
        "INSERT INTO detections (paper_id, method, text_sha256, detected_at, detector)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (paper_id, method) DO UPDATE SET"
        " text_sha256 = excluded.text_sha256, detected_at = excluded.detected_at,"
        " detector = excluded.detector",
        (paper_id, method, text_sha256, now(), detector),
    )


def clear_verdicts(tx: sqlite3.Connection, paper_id: int) -> None:
    """Drop what every method judged of the paper (its text was read again)."""
    tx.execute("DELETE FROM verdicts WHERE paper_id = ?", (paper_id,))
    tx.execute("DELETE FROM detections WHERE paper_id = ?", (paper_id,))

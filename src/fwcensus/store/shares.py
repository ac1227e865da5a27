"""The framework shares (table ``shares``: one row per venue, year, track and method) and the
counts they are computed from, read across papers, documents, texts, verdicts and repositories.

Reached as ``store.shares``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fwcensus.models import Selection, ShareRow
from fwcensus.store.tables import Tables, now, selection_sql, zero_nulls

_COUNT_COLUMNS = (
    "SUM(fetched) AS fetched, SUM(has_text) AS with_text,"
    " SUM(detected AND pt) AS pytorch, SUM(detected AND tf) AS tensorflow,"
    " SUM(detected AND pt AND tf) AS both, SUM(detected AND NOT pt AND NOT tf) AS neither"
)


@dataclass(frozen=True)
class CountedAs:
    """What makes a paper count for PyTorch and for TensorFlow in the shares: the framework ids
    of each family (keras with tensorflow), and whether the paper's own code counts too (the
    ``combined`` source: used when the text or the code says used)."""

    pytorch: tuple[str, ...]
    tensorflow: tuple[str, ...]
    code: bool


class ShareTables(Tables):
    def venue_year_counts(
        self, selection: Selection, method: str, counted: CountedAs
    ) -> list[dict[str, Any]]:
        """Per venue, year and track: papers listed, fetched, with text, and using PyTorch or
        TensorFlow (their families, as ``counted`` says) under ``method``."""
        where, params = selection_sql(selection, alias="pp")
        per_paper, per_paper_params = _per_paper_sql(method, counted)
        rows = self._conn.execute(
            f"WITH pp AS ({per_paper}) SELECT venue, year, track, COUNT(*) AS listed,"
            f" {_COUNT_COLUMNS} FROM pp WHERE {where}"
            " GROUP BY venue, year, track ORDER BY venue, year, track",
            (*per_paper_params, *params),
        ).fetchall()
        return [zero_nulls(dict(row)) for row in rows]

    def work_year_counts(
        self, selection: Selection, method: str, counted: CountedAs
    ) -> list[dict[str, Any]]:
        """Per year, over every selected venue: each work once, however many versions of it
        (venue paper, arXiv preprint) were collected. A work belongs to the year of its venue
        version, or of its preprint when it has no other; it uses a framework when any of its
        versions does."""
        where, params = selection_sql(selection, alias="pp")
        per_paper, per_paper_params = _per_paper_sql(method, counted)
        rows = self._conn.execute(
            f"WITH pp AS ({per_paper}),"
            " works AS (SELECT COALESCE(MIN(CASE WHEN source != 'arxiv' THEN year END),"
            "   MIN(year)) AS year, MAX(fetched) AS fetched, MAX(has_text) AS has_text,"
            "   MAX(detected) AS detected, MAX(detected AND pt) AS pt,"
            "   MAX(detected AND tf) AS tf"
            f"   FROM pp WHERE {where} GROUP BY work)"
            " SELECT year, COUNT(*) AS listed,"
            f" {_COUNT_COLUMNS} FROM works GROUP BY year ORDER BY year",
            (*per_paper_params, *params),
        ).fetchall()
        return [zero_nulls(dict(row)) for row in rows]

    def replace(self, method: str, rows: Sequence[ShareRow]) -> None:
        """Replace every share stored under ``method``."""
        stamp = now()
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM shares WHERE method = ?", (method,))
            tx.executemany(
                "INSERT INTO shares (venue, year, track, method, listed, fetched, with_text,"
                " pytorch, tensorflow, both, neither, share, ci_low, ci_high, computed_at, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.venue,
                        r.year,
                        r.track,
                        r.method,
                        r.listed,
                        r.fetched,
                        r.with_text,
                        r.pytorch,
                        r.tensorflow,
                        r.both,
                        r.neither,
                        r.share,
                        r.ci_low,
                        r.ci_high,
                        stamp,
                        r.source,
                    )
                    for r in rows
                ],
            )

    def rows(self, selection: Selection | None = None) -> list[ShareRow]:
        where, params = selection_sql(selection or Selection(), alias="s")
        rows = self._conn.execute(
            f"SELECT * FROM shares s WHERE {where} ORDER BY s.method, s.venue, s.track, s.year",
            params,
        ).fetchall()
        fields = ShareRow.__dataclass_fields__
        return [ShareRow(**{k: row[k] for k in fields}) for row in rows]


def _per_paper_sql(method: str, counted: CountedAs) -> tuple[str, tuple[Any, ...]]:
    """One row per paper: fetched, has text, judged (text detected, or own code read when the
    code counts), and whether it uses PyTorch (pt) and TensorFlow (tf)."""

    def uses(ids: tuple[str, ...]) -> tuple[str, list[Any]]:
        marks = ", ".join("?" * len(ids))
        sql = (
            "(x.paper_id IS NOT NULL AND EXISTS (SELECT 1 FROM verdicts v WHERE v.paper_id = p.id"
            f" AND v.method = ? AND v.role = 'used' AND v.framework IN ({marks})))"
        )
        values: list[Any] = [method, *ids]
        if counted.code:
            sql += (
                " OR EXISTS (SELECT 1 FROM paper_repos pr JOIN repos r ON r.id = pr.repo_id"
                " AND r.status = 'ok' JOIN repo_verdicts rv ON rv.repo_id = r.id"
                " WHERE pr.paper_id = p.id AND pr.chosen = 1 AND rv.role = 'used'"
                f" AND rv.framework IN ({marks}))"
            )
            values += ids
        return sql, values

    pt, pt_values = uses(counted.pytorch)
    tf, tf_values = uses(counted.tensorflow)
    judged = "x.paper_id IS NOT NULL"
    if counted.code:
        judged += (
            " OR EXISTS (SELECT 1 FROM paper_repos pr JOIN repos r ON r.id = pr.repo_id"
            " AND r.status = 'ok' WHERE pr.paper_id = p.id AND pr.chosen = 1)"
        )
    sql = (
        "SELECT p.id, p.source, p.venue, p.year, p.track, COALESCE(p.work_id, p.id) AS work,"
        " COALESCE(d.status = 'fetched', 0) AS fetched, COALESCE(t.status = 'ok', 0) AS has_text,"
        f" ({judged}) AS detected, ({pt}) AS pt, ({tf}) AS tf"
        " FROM papers p"
        " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
        " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND d.status = 'fetched'"
        " LEFT JOIN detections x ON x.paper_id = p.id AND x.method = ?"
        "   AND x.text_sha256 = t.text_sha256"
    )
    return sql, (*pt_values, *tf_values, method)

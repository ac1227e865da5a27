"""Code repositories (tables ``repos``: one snapshot per commit read, with ``repo_verdicts`` and
``repo_evidence``) and each paper's code links (table ``paper_repos``: role, score, reasons, and
which snapshot the paper's own link was read as).

Reached as ``store.repos``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fwcensus.models import Selection
from fwcensus.store.tables import Tables, now, selection_sql


@dataclass(frozen=True)
class RepoJob:
    paper_id: int
    title: str
    authors: tuple[str, ...]
    code_urls: tuple[str, ...]
    text_sha256: str | None


@dataclass(frozen=True)
class RepoEvidenceRecord:
    kind: str
    file: str
    line: int
    weight: float
    text: str


@dataclass(frozen=True)
class RepoVerdictRecord:
    framework: str
    role: str  # used | minor
    score: float
    evidence: Sequence[RepoEvidenceRecord]


@dataclass(frozen=True)
class RepoSnapshotRecord:
    host: str
    owner: str
    name: str
    commit: str  # "" when the repository could not be read
    status: str  # ok | failed
    repo_key: int | None = None
    default_branch: str | None = None
    error: str | None = None
    http_status: int | None = None
    files_total: int = 0
    files_read: int = 0
    bytes_read: int = 0
    files_skipped: int = 0
    tree_truncated: bool = False
    verdicts: Sequence[RepoVerdictRecord] = ()


@dataclass(frozen=True)
class PaperRepoLink:
    url: str
    host: str
    owner: str
    name: str
    role: str  # own | framework | third-party
    chosen: bool
    score: float
    reasons: Sequence[str]
    source: str
    page: int | None
    section: str | None
    snippet: str | None
    repo_id: int | None
    decision: str | None = None  # why it was taken as the authors' own, or why not


class RepoTables(Tables):
    def jobs(self, selection: Selection) -> list[RepoJob]:
        """Papers whose code links have not been looked at yet, with their text if any."""
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT p.id, p.title, p.authors, p.code_urls, t.text_sha256 FROM papers p"
            " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
            "   AND d.status = 'fetched' AND d.archive IS NULL"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND t.status = 'ok'"
            " LEFT JOIN paper_repos r ON r.paper_id = p.id"
            f" WHERE r.paper_id IS NULL AND {where} ORDER BY p.id",
            params,
        ).fetchall()
        return [
            RepoJob(row[0], row[1], tuple(json.loads(row[2])), tuple(json.loads(row[3])), row[4])
            for row in rows
        ]

    def find(self, host: str, owner: str, name: str) -> int | None:
        """The newest snapshot already read of a repository: one read serves every paper."""
        row = self._conn.execute(
            "SELECT id FROM repos WHERE host = ? AND owner = ? AND name = ? AND status = 'ok'"
            " ORDER BY id DESC LIMIT 1",
            (host, owner, name),
        ).fetchone()
        return None if row is None else int(row[0])

    def save(self, snapshot: RepoSnapshotRecord) -> int:
        """Store a repository snapshot (or the failure to read one) with its verdicts."""
        with self._store.transaction() as tx:
            cur = tx.execute(
                "INSERT INTO repos (host, owner, name, commit_sha, repo_key, default_branch,"
                " status, error, http_status, files_total, files_read, bytes_read, files_skipped,"
                " tree_truncated, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (host, owner, name, commit_sha) DO UPDATE SET"
                " status = excluded.status, error = excluded.error, read_at = excluded.read_at"
                " RETURNING id",
                (snapshot.host, snapshot.owner, snapshot.name, snapshot.commit, snapshot.repo_key,
                 snapshot.default_branch, snapshot.status, snapshot.error, snapshot.http_status,
                 snapshot.files_total, snapshot.files_read, snapshot.bytes_read,
                 snapshot.files_skipped, int(snapshot.tree_truncated), now()),
            )  # fmt: skip
            repo_id = int(cur.fetchone()[0])
            tx.execute("DELETE FROM repo_verdicts WHERE repo_id = ?", (repo_id,))
            tx.execute("DELETE FROM repo_evidence WHERE repo_id = ?", (repo_id,))
            for verdict in snapshot.verdicts:
                tx.execute(
                    "INSERT INTO repo_verdicts (repo_id, framework, role, score)"
                    " VALUES (?, ?, ?, ?)",
                    (repo_id, verdict.framework, verdict.role, verdict.score),
                )
                tx.executemany(
                    "INSERT INTO repo_evidence (repo_id, framework, kind, file, line, weight, text)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(repo_id, verdict.framework, e.kind, e.file, e.line, e.weight, e.text)
                     for e in verdict.evidence],
                )  # fmt: skip
        return repo_id

    def save_links(self, paper_id: int, links: Sequence[PaperRepoLink]) -> None:
        """Replace every code link kept for the paper."""
        with self._store.transaction() as tx:
            tx.execute("DELETE FROM paper_repos WHERE paper_id = ?", (paper_id,))
            tx.executemany(
                "INSERT INTO paper_repos (paper_id, url, host, owner, name, role, chosen, score,"
                " reasons, source, page, section, snippet, repo_id, decision)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(paper_id, k.url, k.host, k.owner, k.name, k.role, int(k.chosen), k.score,
                  json.dumps(list(k.reasons)), k.source, k.page, k.section, k.snippet, k.repo_id,
                  k.decision)
                 for k in links],
            )  # fmt: skip

    def link_rows(self, selection: Selection | None = None) -> dict[int, list[dict[str, Any]]]:
        """Per selected paper, every code link the repos stage looked at, the taken one first,
        then by score, with its reasons and the decision (one query per selection: the report
        reads one venue-year at a time)."""
        where, params = selection_sql(selection or Selection())
        rows = self._conn.execute(
            "SELECT pr.paper_id, pr.url, pr.host, pr.owner, pr.name, pr.role, pr.chosen,"
            " pr.score, pr.reasons, pr.page, pr.section, pr.decision FROM paper_repos pr"
            f" JOIN papers p ON p.id = pr.paper_id WHERE {where}"
            " ORDER BY pr.paper_id, pr.chosen DESC, pr.score DESC, pr.url",
            params,
        ).fetchall()
        by_paper: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_paper[int(row["paper_id"])].append(
                dict(row) | {"reasons": json.loads(row["reasons"])}
            )
        return by_paper

    def verdict_rows(self, selection: Selection | None = None) -> dict[int, list[dict[str, Any]]]:
        """Per selected paper, the verdicts of the repository chosen as its own, with their
        evidence (one query per selection)."""
        where, params = selection_sql(selection or Selection())
        rows = self._conn.execute(
            "SELECT pr.paper_id, r.host, r.owner, r.name, r.commit_sha, v.framework, v.role,"
            " v.score, e.kind, e.file, e.line, e.text FROM paper_repos pr"
            " JOIN papers p ON p.id = pr.paper_id"
            " JOIN repos r ON r.id = pr.repo_id"
            " JOIN repo_verdicts v ON v.repo_id = r.id"
            " LEFT JOIN repo_evidence e ON e.repo_id = r.id AND e.framework = v.framework"
            f" WHERE pr.chosen = 1 AND {where} ORDER BY pr.paper_id, v.framework, e.id",
            params,
        ).fetchall()
        by_paper: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_paper[int(row["paper_id"])].append(dict(row))
        return by_paper

    def paper_code_rows(self, selection: Selection) -> tuple[bool, list[dict[str, Any]]]:
        """Whether the store holds any repository data at all, and per paper whose chosen own
        repository was read (status ok) one row per repository verdict (framework and role
        None for a repository read without any framework evidence)."""
        known = self._conn.execute("SELECT EXISTS (SELECT 1 FROM paper_repos)").fetchone()[0]
        where, params = selection_sql(selection)
        rows = self._conn.execute(
            "SELECT p.id AS paper_id, r.id AS repo_id, v.framework, v.role FROM papers p"
            " JOIN paper_repos pr ON pr.paper_id = p.id AND pr.chosen = 1"
            " JOIN repos r ON r.id = pr.repo_id AND r.status = 'ok'"
            " LEFT JOIN repo_verdicts v ON v.repo_id = r.id"
            f" WHERE {where} ORDER BY p.id, v.framework",
            params,
        ).fetchall()
        return bool(known), [dict(row) for row in rows]

    def frameworks(self) -> dict[str, frozenset[str]]:
        """Every repository read whole (not a folder of one), ``host/owner/name`` in lower case,
        with the frameworks its verdict says it uses (none: an empty set)."""
        rows = self._conn.execute(
            "SELECT r.host, r.owner, r.name, v.framework FROM repos r"
            " LEFT JOIN repo_verdicts v ON v.repo_id = r.id AND v.role = 'used'"
            " WHERE r.status = 'ok' AND instr(r.name, '/') = 0"
        ).fetchall()
        found: dict[str, set[str]] = {}
        for host, owner, name, framework in rows:
            used = found.setdefault(f"{host}/{owner}/{name}".lower(), set())
            if framework is not None:
                used.add(framework)
        return {repo: frozenset(used) for repo, used in found.items()}

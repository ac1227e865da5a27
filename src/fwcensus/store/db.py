"""The store: one SQLite file (WAL, foreign keys) plus a content-addressed blob folder beside it.

This module holds all of the project's SQL. Stages call its methods and never write SQL of
their own, so the schema can evolve behind one interface.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fwcensus import __version__
from fwcensus.errors import StoreError
from fwcensus.models import (
    DocStatus,
    Document,
    ExtractedText,
    FetchResult,
    IdentityRow,
    Link,
    Paper,
    Section,
    SectionKind,
    Selection,
    ShareRow,
    TextLink,
    TextStatus,
    Verdict,
)
from fwcensus.store.blobs import BlobStore
from fwcensus.store.schema import MIGRATIONS, SCHEMA_VERSION
from fwcensus.store.signal_tables import SignalTables

DEFAULT_DB = Path("fwcensus.db")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def blob_dir_for(db_path: Path) -> Path:
    """``./fwcensus.db`` keeps its blobs in ``./fwcensus.blobs/``."""
    return db_path.with_name(db_path.stem + ".blobs")


def cache_dir_for(db_path: Path) -> Path:
    """``./fwcensus.db`` keeps its HTTP cache (listings, API pages) in ``./fwcensus.cache/``."""
    return db_path.with_name(db_path.stem + ".cache")


def bulk_dir_for(db_path: Path) -> Path:
    """``./fwcensus.db`` keeps the Parquet partitions of bulk runs in ``./fwcensus.bulk/``."""
    return db_path.with_name(db_path.stem + ".bulk")


@dataclass(frozen=True)
class UpsertCounts:
    new: int
    updated: int
    unchanged: int


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


def text_summary(text: ExtractedText) -> tuple[TextSummary, bytes | None]:
    """The row of ``text`` and, for a text with content, the blob it is stored as."""
    blob = text_blob(text) if text.status is TextStatus.OK else None
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


@dataclass(frozen=True)
class MethodVerdicts:
    method: str
    detector: str  # the version of the method's rules that judged
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class ArchiveRead:
    """A paper's PDF as a bulk run read and judged it inside an archive."""

    source: str
    source_id: str
    archive: str  # the archive's URL: "s3://arxiv/pdf/arXiv_pdf_1501_002.tar"
    member_url: str  # the PDF inside it: "s3://arxiv/pdf/arXiv_pdf_1501_002.tar#1501/..."
    pdf_sha256: str
    pdf_bytes: int
    extractor: str
    text: TextSummary
    judged: tuple[MethodVerdicts, ...]  # empty when the text is not usable


@dataclass(frozen=True)
class DetectJob:
    paper_id: int
    text_sha256: str


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
    signals: Sequence[RepoEvidenceRecord]


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


@dataclass(frozen=True)
class HostCount:
    host: str
    pending: int
    fetched: int
    failed: int
    skipped: int
    top_error: str | None


class Store:
    def __init__(self, path: Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            # sqlite reads the file only now: "file is not a database" comes from here.
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            # WAL with synchronous=NORMAL never corrupts the file on a crash; at worst the last
            # transactions are lost, and every stage re-does work that was not committed.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self.blobs = BlobStore(blob_dir_for(self.path))
        self.cache_dir = cache_dir_for(self.path)
        self.signals = SignalTables(self)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this fwcensus "
                f"({SCHEMA_VERSION}): upgrade fwcensus"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in _statements(MIGRATIONS[version - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- runs -----------------------------------------------------------------------------------

    def start_run(self, command: str, args: dict[str, Any]) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (command, args, version, started_at) VALUES (?, ?, ?, ?)",
            (command, json.dumps(args, default=str), __version__, now()),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str) -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", (now(), outcome, run_id)
        )

    # -- sources --------------------------------------------------------------------------------

    def record_listing(
        self, url: str, source: str, venue: str, year: int, sha256: str, papers: int
    ) -> None:
        self.conn.execute(
            "INSERT INTO listings (url, source, venue, year, sha256, papers, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256,"
            " papers = excluded.papers, fetched_at = excluded.fetched_at",
            (url, source, venue, year, sha256, papers, now()),
        )

    def upsert_papers(self, papers: Iterable[Paper], listing_url: str) -> UpsertCounts:
        """Insert new papers and refresh known ones; each paper gets one PDF document.

        A paper whose PDF URL changed has its document reset to pending, so the new file is
        fetched; an unchanged paper keeps its document state. A paper listed without a PDF
        is kept, its document marked skipped with the reason.
        """
        new = updated = unchanged = 0
        stamp = now()
        with self.transaction() as tx:
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
                    tx.execute(
                        "INSERT INTO documents (paper_id, kind, url, status, error, updated_at)"
                        " VALUES (?, 'pdf', ?, ?, ?, ?)",
                        (cur.lastrowid, paper.pdf_url, *_document_state(paper), stamp),
                    )
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
                    tx.execute(
                        "UPDATE documents SET url = ?, status = ?, error = ?, sha256 = NULL,"
                        " size = NULL, content_type = NULL, final_url = NULL, attempts = 0,"
                        " last_status = NULL, archive = NULL, updated_at = ?"
                        " WHERE paper_id = ? AND kind = 'pdf'",
                        (paper.pdf_url, *_document_state(paper), stamp, row["id"]),
                    )
        return UpsertCounts(new=new, updated=updated, unchanged=unchanged)

    def add_missing_papers(self, papers: Iterable[Paper], listing_url: str) -> int:
        """Insert the papers not in the store yet, each with its PDF document; a paper already
        stored is left as it is (its source's metadata is worth more than a placeholder)."""
        added = 0
        stamp = now()
        with self.transaction() as tx:
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
                    tx.execute(
                        "INSERT INTO documents (paper_id, kind, url, status, error, updated_at)"
                        " VALUES (?, 'pdf', ?, ?, ?, ?)",
                        (cur.lastrowid, paper.pdf_url, *_document_state(paper), stamp),
                    )
                    added += 1
        return added

    def source_ids(self, source: str) -> set[str]:
        rows = self.conn.execute("SELECT source_id FROM papers WHERE source = ?", (source,))
        return {row[0] for row in rows}

    def source_tracks(self, source: str, size: int) -> Iterator[list[tuple[str, str]]]:
        """``(source_id, track)`` of the source's papers, ``size`` at a time."""
        cursor = self.conn.execute(
            "SELECT source_id, track FROM papers WHERE source = ? ORDER BY id", (source,)
        )
        while rows := cursor.fetchmany(size):
            yield [(row[0], row[1]) for row in rows]

    def archive_members(self, source: str, source_ids: Iterable[str]) -> dict[str, str]:
        """``source_id -> member URL`` of the given papers whose PDF was read in an archive."""
        wanted = list(source_ids)
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _SQL_BATCH):
            batch = wanted[start : start + _SQL_BATCH]
            rows = self.conn.execute(
                "SELECT p.source_id, d.final_url FROM papers p JOIN documents d"
                " ON d.paper_id = p.id AND d.kind = 'pdf' AND d.archive IS NOT NULL"
                f" WHERE p.source = ? AND p.source_id IN ({', '.join('?' * len(batch))})",
                (source, *batch),
            )
            found.update({row[0]: row[1] for row in rows})
        return found

    def save_archive_reads(self, reads: Sequence[ArchiveRead]) -> int:
        """Store papers' PDFs read inside an archive, their texts' rows and their verdicts, in
        one transaction, replacing what was stored for them; papers not in the store are
        left out. Returns how many were stored."""
        stored = 0
        stamp = now()
        with self.transaction() as tx:
            for read in reads:
                row = tx.execute(
                    "SELECT id FROM papers WHERE source = ? AND source_id = ?",
                    (read.source, read.source_id),
                ).fetchone()
                if row is None:
                    continue
                tx.execute(
                    "UPDATE documents SET status = 'fetched', sha256 = ?, size = ?,"
                    " content_type = 'application/pdf', final_url = ?, archive = ?, error = NULL,"
                    " attempts = attempts + 1, last_status = NULL, updated_at = ?"
                    " WHERE paper_id = ? AND kind = 'pdf'",
                    (read.pdf_sha256, read.pdf_bytes, read.member_url, read.archive, stamp,
                     row["id"]),
                )  # fmt: skip
                _upsert_text(tx, read.pdf_sha256, read.text, read.extractor)
                tx.execute("DELETE FROM verdicts WHERE paper_id = ?", (row["id"],))
                tx.execute("DELETE FROM detections WHERE paper_id = ?", (row["id"],))
                for judged in read.judged:
                    assert read.text.text_sha256 is not None, "verdicts need a text"
                    _replace_verdicts(tx, row["id"], judged.method, read.text.text_sha256,
                                      judged.verdicts, judged.detector)  # fmt: skip
                stored += 1
        return stored

    def identity_rows(self) -> list[IdentityRow]:
        rows = self.conn.execute(
            "SELECT id, source, arxiv_id, doi, title, json_extract(authors, '$[0]') AS first"
            " FROM papers ORDER BY id"
        ).fetchall()
        return [IdentityRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def replace_links(self, links: Sequence[Link], works: dict[int, int]) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM paper_links")
            tx.executemany(
                "INSERT INTO paper_links (paper_id, linked_id, rule) VALUES (?, ?, ?)",
                [(link.paper_id, link.linked_id, link.rule) for link in links],
            )
            tx.executemany(
                "UPDATE papers SET work_id = ? WHERE id = ?",
                [(work, pid) for pid, work in works.items()],
            )

    # -- fetch ----------------------------------------------------------------------------------

    def documents(
        self, selection: Selection, statuses: Sequence[DocStatus] = (DocStatus.PENDING,)
    ) -> list[Document]:
        where, params = _selection_sql(selection)
        marks = ", ".join("?" for _ in statuses)
        rows = self.conn.execute(
            "SELECT d.* FROM documents d JOIN papers p ON p.id = d.paper_id"
            f" WHERE d.status IN ({marks}) AND {where} ORDER BY d.id",
            (*[s.value for s in statuses], *params),
        ).fetchall()
        return [_document(row) for row in rows]

    def reset_missing_blobs(self) -> int:
        """Documents marked fetched whose blob is gone become pending again."""
        rows = self.conn.execute(
            "SELECT id, sha256 FROM documents WHERE status = 'fetched' AND archive IS NULL"
        ).fetchall()
        lost = [row["id"] for row in rows if not self.blobs.exists(row["sha256"])]
        with self.transaction() as tx:
            tx.executemany(
                "UPDATE documents SET status = 'pending', sha256 = NULL WHERE id = ?",
                [(doc_id,) for doc_id in lost],
            )
        return len(lost)

    def save_fetch(self, document_id: int, result: FetchResult, status: DocStatus) -> None:
        self.conn.execute(
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

    # -- extract --------------------------------------------------------------------------------

    def text_jobs(self, selection: Selection, extractor: str | None = None) -> list[TextJob]:
        """Fetched PDFs without text, and (given ``extractor``) those whose text another
        extractor version made."""
        where, params = _selection_sql(selection)
        stale = " OR t.extractor != ?" if extractor else ""
        rows = self.conn.execute(
            "SELECT DISTINCT d.sha256 FROM documents d JOIN papers p ON p.id = d.paper_id"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256"
            " WHERE d.status = 'fetched' AND d.archive IS NULL"
            f" AND (t.pdf_sha256 IS NULL{stale}) AND {where}"
            " ORDER BY d.sha256",
            (*([extractor] if extractor else []), *params),
        ).fetchall()
        return [TextJob(sha256=row[0], path=self.blobs.path(row[0])) for row in rows]

    def save_text(self, pdf_sha256: str, text: ExtractedText, extractor: str) -> None:
        summary, blob = text_summary(text)
        if blob is not None:
            self.blobs.put_bytes(blob)
        _upsert_text(self.conn, pdf_sha256, summary, extractor)

    def load_text(self, text_sha256: str) -> ExtractedText:
        """The stored text with its sections and links (a text stored before sections were
        kept comes back with none)."""
        return parse_text_blob(self.blobs.read_bytes(text_sha256))

    def paper_text(self, paper_id: int) -> tuple[str | None, str | None]:
        """``(text_sha256, why_not)`` for a paper's stored text: the hash, or why there is none."""
        row = self.conn.execute(
            "SELECT p.id, d.status AS doc_status, d.error AS doc_error, t.status AS text_status,"
            " t.error AS text_error, t.text_sha256, d.final_url, d.archive FROM papers p"
            " LEFT JOIN documents d ON d.paper_id = p.id AND d.kind = 'pdf'"
            " LEFT JOIN texts t ON t.pdf_sha256 = d.sha256 AND d.status = 'fetched'"
            " WHERE p.id = ?",
            (paper_id,),
        ).fetchone()
        if row is None:
            return None, f"no paper with id {paper_id} in {self.path}"
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

    # -- detect ---------------------------------------------------------------------------------

    def detect_jobs(self, selection: Selection, method: str, detector: str) -> list[DetectJob]:
        """Papers with text whose verdicts under ``method`` are missing, from older text or
        from another ``detector`` (an earlier version of the method's rules)."""
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
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

    def forget_detection(self, paper_id: int, method: str) -> None:
        """Make the detect stage judge the paper again under ``method`` (what it knows changed)."""
        with self.transaction() as tx:
            tx.execute(
                "DELETE FROM detections WHERE paper_id = ? AND method = ?", (paper_id, method)
            )

    def save_verdicts(
        self,
        paper_id: int,
        method: str,
        text_sha256: str,
        verdicts: Sequence[Verdict],
        detector: str = "",
    ) -> None:
        """Replace the paper's verdicts under ``method`` in one transaction (idempotent)."""
        with self.transaction() as tx:
            _replace_verdicts(tx, paper_id, method, text_sha256, verdicts, detector)

    # -- repos --------------------------------------------------------------------------------

    def repo_jobs(self, selection: Selection) -> list[RepoJob]:
        """Papers whose code links have not been looked at yet, with their text if any."""
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
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

    def find_repo(self, host: str, owner: str, name: str) -> int | None:
        """The newest snapshot already read of a repository: one read serves every paper."""
        row = self.conn.execute(
            "SELECT id FROM repos WHERE host = ? AND owner = ? AND name = ? AND status = 'ok'"
            " ORDER BY id DESC LIMIT 1",
            (host, owner, name),
        ).fetchone()
        return None if row is None else int(row[0])

    def save_repo(self, snapshot: RepoSnapshotRecord) -> int:
        """Store a repository snapshot (or the failure to read one) with its verdicts."""
        with self.transaction() as tx:
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
                     for e in verdict.signals],
                )  # fmt: skip
        return repo_id

    def save_paper_repos(self, paper_id: int, links: Sequence[PaperRepoLink]) -> None:
        with self.transaction() as tx:
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

    def paper_link_rows(self) -> dict[int, list[dict[str, Any]]]:
        """Per paper, every code link the repos stage looked at, the taken one first, then by
        score, with its reasons and the decision (one query: the report shows every paper)."""
        rows = self.conn.execute(
            "SELECT paper_id, url, host, owner, name, role, chosen, score, reasons, page, section,"
            " decision FROM paper_repos ORDER BY paper_id, chosen DESC, score DESC, url"
        ).fetchall()
        by_paper: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_paper[int(row["paper_id"])].append(
                dict(row) | {"reasons": json.loads(row["reasons"])}
            )
        return by_paper

    def repo_verdict_rows(self) -> dict[int, list[dict[str, Any]]]:
        """Per paper, the verdicts of the repository chosen as its own, with their evidence
        (one query for all papers: the report needs every one)."""
        rows = self.conn.execute(
            "SELECT pr.paper_id, r.host, r.owner, r.name, r.commit_sha, v.framework, v.role,"
            " v.score, e.kind, e.file, e.line, e.text FROM paper_repos pr"
            " JOIN repos r ON r.id = pr.repo_id"
            " JOIN repo_verdicts v ON v.repo_id = r.id"
            " LEFT JOIN repo_evidence e ON e.repo_id = r.id AND e.framework = v.framework"
            " WHERE pr.chosen = 1 ORDER BY pr.paper_id, v.framework, e.id"
        ).fetchall()
        by_paper: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_paper[int(row["paper_id"])].append(dict(row))
        return by_paper

    def paper_code_rows(self, selection: Selection) -> tuple[bool, list[dict[str, Any]]]:
        """Whether the store holds any repository data at all, and per paper whose chosen own
        repository was read (status ok) one row per repository verdict (framework and role
        None for a repository read without any framework signal)."""
        known = self.conn.execute("SELECT EXISTS (SELECT 1 FROM paper_repos)").fetchone()[0]
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
            "SELECT p.id AS paper_id, r.id AS repo_id, v.framework, v.role FROM papers p"
            " JOIN paper_repos pr ON pr.paper_id = p.id AND pr.chosen = 1"
            " JOIN repos r ON r.id = pr.repo_id AND r.status = 'ok'"
            " LEFT JOIN repo_verdicts v ON v.repo_id = r.id"
            f" WHERE {where} ORDER BY p.id, v.framework",
            params,
        ).fetchall()
        return bool(known), [dict(row) for row in rows]

    # -- aggregate ------------------------------------------------------------------------------

    def venue_year_counts(
        self, selection: Selection, method: str, counted: CountedAs
    ) -> list[dict[str, Any]]:
        """Per venue, year and track: papers listed, fetched, with text, and using PyTorch or
        TensorFlow (their families, as ``counted`` says) under ``method``."""
        where, params = _selection_sql(selection, alias="pp")
        per_paper, per_paper_params = _per_paper_sql(method, counted)
        rows = self.conn.execute(
            f"WITH pp AS ({per_paper}) SELECT venue, year, track, COUNT(*) AS listed,"
            f" {_COUNT_COLUMNS} FROM pp WHERE {where}"
            " GROUP BY venue, year, track ORDER BY venue, year, track",
            (*per_paper_params, *params),
        ).fetchall()
        return [_zero_nulls(dict(row)) for row in rows]

    def work_year_counts(
        self, selection: Selection, method: str, counted: CountedAs
    ) -> list[dict[str, Any]]:
        """Per year, over every selected venue: each work once, however many versions of it
        (venue paper, arXiv preprint) were collected. A work belongs to the year of its venue
        version, or of its preprint when it has no other; it uses a framework when any of its
        versions does."""
        where, params = _selection_sql(selection, alias="pp")
        per_paper, per_paper_params = _per_paper_sql(method, counted)
        rows = self.conn.execute(
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
        return [_zero_nulls(dict(row)) for row in rows]

    def replace_shares(self, method: str, rows: Sequence[ShareRow]) -> None:
        stamp = now()
        with self.transaction() as tx:
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

    def shares(self, selection: Selection | None = None) -> list[ShareRow]:
        where, params = _selection_sql(selection or Selection(), alias="s")
        rows = self.conn.execute(
            f"SELECT * FROM shares s WHERE {where} ORDER BY s.method, s.venue, s.track, s.year",
            params,
        ).fetchall()
        fields = ShareRow.__dataclass_fields__
        return [ShareRow(**{k: row[k] for k in fields}) for row in rows]

    # -- reading for reports and exports --------------------------------------------------------

    def paper_rows(self, selection: Selection) -> list[dict[str, Any]]:
        """Every paper with its document and text state, one flat row each."""
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
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

    def verdict_rows(self, selection: Selection, method: str | None = None) -> list[dict[str, Any]]:
        """Every verdict with its paper and every piece of evidence behind it."""
        where, params = _selection_sql(selection)
        method_sql = " AND v.method = ?" if method else ""
        rows = self.conn.execute(
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

    def status_counts(self, selection: Selection) -> list[StatusCount]:
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
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
        return [StatusCount(**_zero_nulls(dict(row))) for row in rows]

    def host_counts(self, selection: Selection) -> list[HostCount]:
        """Documents per host of their URL, by state, with each host's most frequent failure."""
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
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

    def paper_counts(self) -> dict[tuple[str, int], int]:
        rows = self.conn.execute(
            "SELECT venue, year, COUNT(*) FROM papers GROUP BY venue, year"
        ).fetchall()
        return {(row[0], row[1]): row[2] for row in rows}

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- arxiv lookups --------------------------------------------------------------------------

    def arxiv_lookup_jobs(self, selection: Selection, retry_before: str) -> list[IdentityRow]:
        """Selected papers of other sources without an arXiv id, whose work holds no paper
        with one, that were never looked up, failed last time, or had no match when asked
        before ``retry_before`` (an ISO date)."""
        where, params = _selection_sql(selection)
        rows = self.conn.execute(
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
        sha = self.blobs.put_bytes(body) if body is not None else None
        arxiv_id, rule = found or (None, None)
        with self.transaction() as tx:
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
        rows = self.conn.execute("SELECT * FROM arxiv_lookups ORDER BY paper_id").fetchall()
        return [dict(row) for row in rows]


# One row per paper with its state under a detection method (three ``?``: the method).
@dataclass(frozen=True)
class CountedAs:
    """What makes a paper count for PyTorch and for TensorFlow in the shares: the framework ids
    of each family (keras with tensorflow), and whether the paper's own code counts too (the
    ``combined`` source: used when the text or the code says used)."""

    pytorch: tuple[str, ...]
    tensorflow: tuple[str, ...]
    code: bool


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


_COUNT_COLUMNS = (
    "SUM(fetched) AS fetched, SUM(has_text) AS with_text,"
    " SUM(detected AND pt) AS pytorch, SUM(detected AND tf) AS tensorflow,"
    " SUM(detected AND pt AND tf) AS both, SUM(detected AND NOT pt AND NOT tf) AS neither"
)
_PAPER_FIELDS = (
    "venue", "year", "track", "title", "authors", "page_url", "pdf_url", "arxiv_id", "doi",
    "presentation", "code_urls",
)  # fmt: skip
NO_PDF = "no PDF link in the listing"


_ARXIV_ID = _PAPER_FIELDS.index("arxiv_id")


def _with_found_arxiv_id(tx: sqlite3.Connection, paper_id: int,
                         values: tuple[Any, ...]) -> tuple[Any, ...]:  # fmt: skip
    """A listing without an arXiv id keeps the one an arXiv search found for the paper: a
    re-collect must not undo ``fwcensus link --arxiv``."""
    found = tx.execute(
        "SELECT arxiv_id FROM arxiv_lookups WHERE paper_id = ? AND status = 'found'", (paper_id,)
    ).fetchone()
    if found is None:
        return values
    return (*values[:_ARXIV_ID], found[0], *values[_ARXIV_ID + 1 :])


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


def _document_state(paper: Paper) -> tuple[str, str | None]:
    if paper.pdf_url is None:
        return DocStatus.SKIPPED.value, NO_PDF
    return DocStatus.PENDING.value, None


_EVIDENCE_COLUMNS = ("page", "section", "snippet", "rule", "char_start", "char_end", "via")
_SQL_BATCH = 500  # values bound in one IN (...), well under SQLite's limit


def _upsert_text(
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


def _replace_verdicts(
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


def _selection_sql(selection: Selection, alias: str = "p") -> tuple[str, tuple[Any, ...]]:
    clauses = ["1 = 1"]
    params: list[Any] = []
    if selection.venues:
        clauses.append(f"{alias}.venue IN ({', '.join('?' for _ in selection.venues)})")
        params.extend(selection.venues)
    if selection.years:
        clauses.append(f"{alias}.year IN ({', '.join('?' for _ in selection.years)})")
        params.extend(selection.years)
    return " AND ".join(clauses), tuple(params)


def _zero_nulls(record: dict[str, Any]) -> dict[str, Any]:
    # SUM() over no rows is NULL; a count of nothing is 0.
    return {k: 0 if v is None else v for k, v in record.items()}


def _statements(script: str) -> list[str]:
    # executescript() would commit our open transaction; run statements one by one inside it.
    return [part.strip() for part in script.split(";") if part.strip()]


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


def text_blob(text: ExtractedText) -> bytes:
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


def parse_text_blob(data: bytes) -> ExtractedText:
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

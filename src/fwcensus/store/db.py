"""The store: one SQLite file (WAL, foreign keys) plus a content-addressed blob folder beside it.

``Store`` opens the file, migrates its schema and runs transactions; the SQL lives in its table
groups, one module each, reached as attributes: ``store.papers``, ``store.identity``,
``store.documents``, ``store.texts``, ``store.verdicts``, ``store.repos``, ``store.shares``,
``store.archives``, ``store.runs`` and ``store.signals``. Stages call the groups and never
write SQL of their own, so the schema can evolve behind them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fwcensus.errors import StoreError
from fwcensus.store.archives import ArchiveTables
from fwcensus.store.blobs import BlobStore
from fwcensus.store.documents import DocumentTables
from fwcensus.store.identity import IdentityTables
from fwcensus.store.papers import PaperTables
from fwcensus.store.repos import RepoTables
from fwcensus.store.runs import RunTables
from fwcensus.store.schema import MIGRATIONS, SCHEMA_VERSION
from fwcensus.store.shares import ShareTables
from fwcensus.store.signals import SignalTables
from fwcensus.store.texts import TextTables
from fwcensus.store.verdicts import VerdictTables

DEFAULT_DB = Path("fwcensus.db")


def blob_dir_for(db_path: Path) -> Path:
    """``./fwcensus.db`` keeps its blobs in ``./fwcensus.blobs/``."""
    return db_path.with_name(db_path.stem + ".blobs")


def cache_dir_for(db_path: Path) -> Path:
    """``./fwcensus.db`` keeps its HTTP cache (listings, API pages) in ``./fwcensus.cache/``."""
    return db_path.with_name(db_path.stem + ".cache")


def bulk_dir_for(db_path: Path) -> Path:
    """``./fwcensus.db`` keeps the Parquet partitions of bulk runs in ``./fwcensus.bulk/``."""
    return db_path.with_name(db_path.stem + ".bulk")


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
        self.runs = RunTables(self)
        self.papers = PaperTables(self)
        self.identity = IdentityTables(self)
        self.documents = DocumentTables(self)
        self.texts = TextTables(self)
        self.verdicts = VerdictTables(self)
        self.repos = RepoTables(self)
        self.shares = ShareTables(self)
        self.archives = ArchiveTables(self)
        self.signals = SignalTables(self)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

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


def _statements(script: str) -> list[str]:
    # executescript() would commit our open transaction; run statements one by one inside it.
    return [part.strip() for part in script.split(";") if part.strip()]

"""What every table group shares: the store it works through and the SQL of a selection.

Each group (``store.papers``, ``store.verdicts``, ...) holds the SQL of its own tables and reaches
the connection, the blobs and transactions through the store, so all groups share one connection
and a transaction opened for one group holds every write made inside it. A write that must touch
another group's tables in the same transaction calls that group's module-level function with the
open transaction, so each table's writes stay in one module.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from fwcensus.models import Selection
from fwcensus.store.blobs import BlobStore

SQL_BATCH = 500  # values bound in one IN (...), well under SQLite's limit


class StoreHandle(Protocol):
    """The part of ``Store`` the groups use (a protocol: ``Store`` is built from the groups)."""

    path: Path
    conn: sqlite3.Connection
    blobs: BlobStore

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...


class Tables:
    """A group of tables; subclasses add the methods the stages call."""

    def __init__(self, store: StoreHandle) -> None:
        self._store = store

    @property
    def _conn(self) -> sqlite3.Connection:
        # Read on every use, never kept: the store owns the connection and closes it.
        return self._store.conn


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def selection_sql(selection: Selection, alias: str = "p") -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause (never empty) keeping the selected venues and years of table ``alias``."""
    clauses = ["1 = 1"]
    params: list[Any] = []
    if selection.venues:
        clauses.append(f"{alias}.venue IN ({', '.join('?' for _ in selection.venues)})")
        params.extend(selection.venues)
    if selection.years:
        clauses.append(f"{alias}.year IN ({', '.join('?' for _ in selection.years)})")
        params.extend(selection.years)
    return " AND ".join(clauses), tuple(params)


def zero_nulls(record: dict[str, Any]) -> dict[str, Any]:
    # SUM() over no rows is NULL; a count of nothing is 0.
    return {k: 0 if v is None else v for k, v in record.items()}

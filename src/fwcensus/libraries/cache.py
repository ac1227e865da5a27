"""Answers of the library resolver, kept between runs: ``libraries.sqlite`` in the cache folder
beside the store (``fwcensus.cache/``, next to the HTTP cache), so the repos stage and
``fwcensus inspect --repos`` run from the same folder share them; in memory when there is no
such folder.

Every answer is kept with the time it was asked. One that names a backend is trusted for
``POSITIVE_DAYS``; one that does not (not on PyPI, no framework among its requirements) is asked
again after ``NEGATIVE_DAYS``, as a library may add its requirements or its first release, and
sooner when asked with repository URLs it was not tried with. Failures to ask (PyPI down, a rate
limit) are never kept.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from fwcensus.libraries.backend import Backend

CACHE_FILE = "libraries.sqlite"
DAY = 86_400.0
POSITIVE_DAYS = 180
NEGATIVE_DAYS = 30


class LibraryCache:
    def __init__(self, folder: Path | None) -> None:
        if folder is None:
            self.conn = sqlite3.connect(":memory:")
        else:
            folder.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(folder / CACHE_FILE)
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (library TEXT PRIMARY KEY, framework TEXT,"
            " source TEXT NOT NULL, detail TEXT NOT NULL, urls TEXT NOT NULL,"
            " asked_at REAL NOT NULL)"
        )

    def get(self, library: str, urls: tuple[str, ...], now: float) -> Backend | None:
        """The answer kept for ``library``, unless it is due to be asked again."""
        row = self.conn.execute(
            "SELECT framework, source, detail, urls, asked_at FROM answers WHERE library = ?",
            (library,),
        ).fetchone()
        if row is None:
            return None
        framework, source, detail, tried, asked_at = row
        days = POSITIVE_DAYS if framework else NEGATIVE_DAYS
        if now - asked_at > days * DAY:
            return None
        if framework is None and not set(urls) <= set(json.loads(tried)):
            return None  # a repository it was not tried with may tell
        return Backend(library, framework, source, detail)

    def put(self, backend: Backend, urls: tuple[str, ...], now: float) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (backend.library, backend.framework, backend.source, backend.detail,
                 json.dumps(sorted(urls)), now),
            )  # fmt: skip

    def close(self) -> None:
        self.conn.close()

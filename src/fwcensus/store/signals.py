"""The industry signals (tables ``signals``, ``signal_requests``, ``signal_series``,
``signal_values``, ``signal_runs``): requests (bodies as blobs), series, values, runs, caveats.

Reached as ``store.signals``. Values are keyed by (series, period): a re-run that asks for a
month again (the month not over yet) replaces its value, so nothing is ever counted twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fwcensus.store.tables import Tables, now


@dataclass(frozen=True)
class RequestRow:
    url: str
    status: int
    retrieved_at: str
    body: bytes
    sent: bytes | None = None  # a POST's body


@dataclass(frozen=True)
class ValueRow:
    framework: str
    series: str
    measure: str
    period: str
    value: float
    complete: bool
    counted: bool


class SignalTables(Tables):
    def save_meta(self, name: str, title: str, measures: list[dict[str, str]],
                  caveats: Sequence[str]) -> None:  # fmt: skip
        self._conn.execute(
            "INSERT INTO signals (name, title, measures, caveats, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET title = excluded.title,"
            " measures = excluded.measures, caveats = excluded.caveats,"
            " updated_at = excluded.updated_at",
            (name, title, json.dumps(measures), json.dumps(list(caveats)), now()),
        )

    def meta(self) -> list[dict[str, Any]]:
        # In the order they were first collected: the registry's order.
        rows = self._conn.execute("SELECT * FROM signals ORDER BY rowid").fetchall()
        return [
            {**dict(r), "measures": json.loads(r["measures"]), "caveats": json.loads(r["caveats"])}
            for r in rows
        ]

    def start_run(self, signal: str) -> int:
        cur = self._conn.execute(
            "INSERT INTO signal_runs (signal, started_at) VALUES (?, ?)", (signal, now())
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str, reason: str | None, requests: int,
                   stored: int, problems: Sequence[str]) -> None:  # fmt: skip
        self._conn.execute(
            "UPDATE signal_runs SET finished_at = ?, outcome = ?, reason = ?, requests = ?,"
            " stored = ?, problems = ? WHERE id = ?",
            (now(), outcome, reason, requests, stored, json.dumps(list(problems)), run_id),
        )

    def last_runs(self) -> list[dict[str, Any]]:
        """The latest run of each signal."""
        rows = self._conn.execute(
            "SELECT * FROM signal_runs WHERE id IN (SELECT max(id) FROM signal_runs"
            " GROUP BY signal) ORDER BY signal"
        ).fetchall()
        return [{**dict(r), "problems": json.loads(r["problems"])} for r in rows]

    def counts(self) -> dict[str, tuple[int, str | None]]:
        """Per signal: values stored and the latest month (a yearly signal's latest year)."""
        rows = self._conn.execute(
            "SELECT s.signal, count(*),"
            " max(CASE WHEN length(v.period) IN (4, 7) THEN v.period END)"
            " FROM signal_values v JOIN signal_series s ON s.id = v.series_id GROUP BY s.signal"
        ).fetchall()
        return {r[0]: (int(r[1]), r[2]) for r in rows}

    def save_batch(self, signal: str, requests: Sequence[RequestRow],
                   values: Sequence[ValueRow]) -> int:  # fmt: skip
        """Store a batch's answers and its values in one transaction; the values stored."""
        blobs = self._store.blobs
        shas = [
            (blobs.put_bytes(r.body), blobs.put_bytes(r.sent) if r.sent is not None else None)
            for r in requests
        ]
        with self._store.transaction() as tx:
            ids = [
                self._request_id(tx, signal, r, body, sent)
                for r, (body, sent) in zip(requests, shas, strict=True)
            ]
            retrieved = max((r.retrieved_at for r in requests), default=now())
            for v in values:
                series_id = self._series_id(tx, signal, v)
                tx.execute(
                    "INSERT INTO signal_values (series_id, period, value, complete, request_ids,"
                    " retrieved_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (series_id, period)"
                    " DO UPDATE SET value = excluded.value, complete = excluded.complete,"
                    " request_ids = excluded.request_ids, retrieved_at = excluded.retrieved_at",
                    (series_id, v.period, v.value, int(v.complete), json.dumps(ids), retrieved),
                )
        return len(values)

    @staticmethod
    def _request_id(
        tx: sqlite3.Connection, signal: str, r: RequestRow, sha: str, sent: str | None
    ) -> int:
        """One row per answer: a page whose days fall in two batches' months is stored once."""
        found = tx.execute(
            "SELECT id FROM signal_requests WHERE signal = ? AND url = ? AND retrieved_at = ?"
            " AND body_sha256 = ?",
            (signal, r.url, r.retrieved_at, sha),
        ).fetchone()
        if found:
            return int(found[0])
        cur = tx.execute(
            "INSERT INTO signal_requests (signal, url, status, retrieved_at, body_sha256, bytes,"
            " sent_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (signal, r.url, r.status, r.retrieved_at, sha, len(r.body), sent),
        )
        return int(cur.lastrowid or 0)

    @staticmethod
    def _series_id(tx: sqlite3.Connection, signal: str, v: ValueRow) -> int:
        tx.execute(
            "INSERT INTO signal_series (signal, framework, series, measure, counted)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (signal, framework, series, measure)"
            " DO UPDATE SET counted = excluded.counted",
            (signal, v.framework, v.series, v.measure, int(v.counted)),
        )
        row = tx.execute(
            "SELECT id FROM signal_series WHERE signal = ? AND framework = ? AND series = ?"
            " AND measure = ?",
            (signal, v.framework, v.series, v.measure),
        ).fetchone()
        return int(row[0])

    def last_complete(self, signal: str, framework: str, series: str, measure: str) -> str | None:
        """The latest complete month (or year, for a yearly measure) stored for one series;
        snapshots (YYYY-MM-DD) are neither."""
        row = self._conn.execute(
            "SELECT max(v.period) FROM signal_values v JOIN signal_series s ON s.id = v.series_id"
            " WHERE s.signal = ? AND s.framework = ? AND s.series = ? AND s.measure = ?"
            " AND v.complete = 1 AND length(v.period) IN (4, 7)",
            (signal, framework, series, measure),
        ).fetchone()
        return row[0] if row and row[0] else None

    def latest_request(self, signal: str, url: str) -> RequestRow | None:
        """The latest answer to ``url`` kept for ``signal`` (its body read back from the blobs)."""
        row = self._conn.execute(
            "SELECT url, status, retrieved_at, body_sha256 FROM signal_requests"
            " WHERE signal = ? AND url = ? ORDER BY retrieved_at DESC, id DESC LIMIT 1",
            (signal, url),
        ).fetchone()
        if row is None or not self._store.blobs.exists(row["body_sha256"]):
            return None
        body = self._store.blobs.read_bytes(row["body_sha256"])
        return RequestRow(row["url"], row["status"], row["retrieved_at"], body)

    def value_rows(self, signal: str | None = None) -> Iterator[dict[str, Any]]:
        """Every stored value with its series, the URLs of its requests and its retrieval."""
        urls = {
            int(r["id"]): r["url"]
            for r in self._conn.execute("SELECT id, url FROM signal_requests")
        }
        query = (
            "SELECT s.signal, s.framework, s.series, s.measure, s.counted, v.period, v.value,"
            " v.complete, v.retrieved_at, v.request_ids FROM signal_values v"
            " JOIN signal_series s ON s.id = v.series_id"
        )
        args: tuple[str, ...] = ()
        if signal:
            query, args = query + " WHERE s.signal = ?", (signal,)
        for r in self._conn.execute(query + " ORDER BY 1, 2, 3, 4, 6", args):
            row = dict(r)
            row["requests"] = [urls[i] for i in json.loads(row.pop("request_ids")) if i in urls]
            row["complete"] = bool(row["complete"])
            row["counted"] = bool(row["counted"])
            yield row

"""The run log (table ``runs``): one row per command run, with its arguments and outcome.

Reached as ``store.runs``.
"""

from __future__ import annotations

import json
from typing import Any

from fwcensus import __version__
from fwcensus.store.tables import Tables, now


class RunTables(Tables):
    def start(self, command: str, args: dict[str, Any]) -> int:
        cur = self._conn.execute(
            "INSERT INTO runs (command, args, version, started_at) VALUES (?, ?, ?, ?)",
            (command, json.dumps(args, default=str), __version__, now()),
        )
        return int(cur.lastrowid or 0)

    def finish(self, run_id: int, outcome: str) -> None:
        self._conn.execute(
            "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", (now(), outcome, run_id)
        )

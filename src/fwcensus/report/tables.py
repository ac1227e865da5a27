"""The numbers behind the report's tables as CSV files in ``tables/`` beside index.html, each
linked from its table's caption: raw counts and shares, not the page's rounded text."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import DEFINITION
from fwcensus.bulk.arxiv_months import MonthShare
from fwcensus.models import ShareRow
from fwcensus.report.coverage import Coverage
from fwcensus.report.export import (
    ARXIV_MONTH_COLUMNS,
    FRAMEWORK_COLUMNS,
    GROWTH_COLUMNS,
    SHARE_COLUMNS,
)
from fwcensus.report.landscape import Landscape
from fwcensus.report.study import Difference

TABLES_DIR = "tables"
STUDY_FIELDS = ("listed", "pytorch_only", "tensorflow_only", "share", "ci_low", "ci_high")


class TableFiles:
    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir / TABLES_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        self.names: dict[str, str] = {}  # table -> path relative to index.html
        self.paths: list[Path] = []

    def write(self, name: str, columns: Sequence[str], records: Iterable[dict[str, Any]]) -> None:
        path = self.dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        self.names[name] = f"{TABLES_DIR}/{path.name}"
        self.paths.append(path)

    def shares(self, rows: Sequence[ShareRow]) -> None:
        self.write(
            "shares",
            SHARE_COLUMNS,
            (
                {
                    **asdict(r),
                    "definition": DEFINITION,
                    "pytorch_only": r.pytorch_only,
                    "tensorflow_only": r.tensorflow_only,
                }
                for r in rows
            ),
        )

    def landscape(self, view: Landscape) -> None:
        self.write("frameworks", FRAMEWORK_COLUMNS, (asdict(r) for r in view.rows))

    def growth(self, rows: Sequence[fw.GrowthRow]) -> None:
        self.write("growth", GROWTH_COLUMNS, (asdict(r) for r in rows))

    def study(self, diffs: Sequence[Difference]) -> None:
        methods = sorted({m for d in diffs for m in d.ours})
        columns = [
            "venue",
            "year",
            "study_month",
            "study_papers",
            "study_pytorch_only",
            "study_tensorflow_only",
            "study_share",
            "study_ci_low",
            "study_ci_high",
        ]
        columns += [f"{m}_{name}" for m in methods for name in STUDY_FIELDS]
        columns.append("reasons")
        records = []
        for d in diffs:
            interval = d.study.interval or (None, None)
            record: dict[str, Any] = {
                "venue": d.venue,
                "year": d.year,
                "study_month": d.study.month,
                "study_papers": d.study.papers,
                "study_pytorch_only": d.study.pytorch_only,
                "study_tensorflow_only": d.study.tensorflow_only,
                "study_share": d.study.share,
                "study_ci_low": interval[0],
                "study_ci_high": interval[1],
                "reasons": "; ".join(
                    f"{r.count} {r.text}" if r.count is not None else r.text for r in d.reasons
                ),
            }
            for method, row in d.ours.items():
                for name in STUDY_FIELDS:
                    record[f"{method}_{name}"] = getattr(row, name)
            records.append(record)
        self.write("study2019", columns, records)

    def coverage(self, rows: Sequence[Coverage]) -> None:
        columns = ("venue", "year", "listed", "fetched", "with_text", "judged", "with_code")
        self.write("coverage", columns, (asdict(r) for r in rows))

    def arxiv(self, rows: Sequence[MonthShare]) -> None:
        self.write("arxiv-months", ARXIV_MONTH_COLUMNS, (
            {**asdict(r), "definition": DEFINITION, "pytorch_only": r.pytorch_only,
             "tensorflow_only": r.tensorflow_only} for r in rows
        ))  # fmt: skip

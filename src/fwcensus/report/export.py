"""Exports of the store's tables as CSV, JSON or Parquet; the columns are a documented contract.

Parquet is written with pyarrow (imported only when asked for), every column typed from the
documented order; lists (authors, pages, rules) stay lists, the JSON-only ``evidence`` column is
kept as a JSON string."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import IO, Any

from fwcensus.aggregate.stage import DEFINITION
from fwcensus.errors import ConfigError
from fwcensus.models import Selection
from fwcensus.store import Store

PAPER_COLUMNS = (
    "paper_id", "source", "source_id", "venue", "year", "track", "title", "authors",
    "page_url", "pdf_url", "arxiv_id", "doc_status", "doc_error", "http_status", "attempts",
    "pdf_sha256", "pdf_bytes", "text_status", "text_error", "pages", "chars", "doi",
    "presentation", "code_urls", "work_id",
)  # fmt: skip
VERDICT_COLUMNS = (
    "paper_id", "venue", "year", "title", "method", "framework", "role", "confidence",
    "hits", "pages", "first_page", "first_snippet", "rules",
)  # fmt: skip
SHARE_COLUMNS = (
    "venue", "year", "track", "method", "definition", "listed", "fetched", "with_text", "pytorch",
    "tensorflow", "both", "neither", "pytorch_only", "tensorflow_only", "share", "ci_low",
    "ci_high", "source",
)  # fmt: skip


def paper_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    return [{c: row[c] for c in PAPER_COLUMNS} for row in store.papers.rows(selection)]


def verdict_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    out = []
    for verdict in store.verdicts.rows(selection):
        evidence = verdict["evidence"]
        first = evidence[0] if evidence else {}
        out.append(
            {
                **{c: verdict[c] for c in VERDICT_COLUMNS[:8]},
                "hits": len(evidence),
                "pages": sorted({e["page"] for e in evidence}),
                "first_page": first.get("page"),
                "first_snippet": first.get("snippet"),
                "rules": sorted({e["rule"] for e in evidence}),
                "evidence": evidence,
            }
        )
    return out


def share_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    return [
        {
            **asdict(row),
            "definition": DEFINITION,
            "pytorch_only": row.pytorch_only,
            "tensorflow_only": row.tensorflow_only,
        }
        for row in store.shares.rows(selection)
    ]


FRAMEWORK_COLUMNS = (
    "venue", "year", "method", "framework", "definition", "papers", "base", "with_text",
    "share", "ci_low", "ci_high", "source",
)  # fmt: skip
GROWTH_COLUMNS = (
    "venue", "year", "previous_year", "method", "framework", "papers", "previous_papers",
    "with_text", "previous_with_text", "framework_growth", "growth_low", "growth_high",
    "paper_growth", "relative_growth", "relative_low", "relative_high",
)  # fmt: skip


def _methods(store: Store) -> list[str]:
    return sorted({row.method for row in store.shares.rows()}, key=lambda m: m != "substring-2019")


def framework_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    from fwcensus.aggregate import frameworks as fw  # with the catalogue: only when exported

    papers = fw.paper_facts(store, selection)
    return fw.as_records(fw.framework_rows(papers, _methods(store)))


def growth_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    from fwcensus.aggregate import frameworks as fw

    papers = fw.paper_facts(store, selection)
    return fw.as_records(fw.growth_rows(papers, _methods(store)))


SIGNAL_COLUMNS = (
    "signal", "measure", "unit", "framework", "series", "period", "value", "complete", "counted",
    "retrieved_at", "requests", "query", "caveats",
)  # fmt: skip
SIGNAL_SHARE_COLUMNS = (
    "signal", "measure", "unit", "kind", "framework", "period", "value", "share", "complete",
    "series", "as_of",
)  # fmt: skip


def signal_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    """Every stored signal value with the requests that produced it and the caveats to read it
    with (signals are not per venue: the selection does not apply)."""
    meta = {m["name"]: m for m in store.signals.meta()}
    out = []
    for row in store.signals.value_rows():
        about = meta.get(row["signal"], {})
        measures: list[dict[str, Any]] = about.get("measures", [])
        measure = next((m for m in measures if m["name"] == row["measure"]), {})
        out.append({**row, "unit": measure.get("unit", ""), "query": measure.get("query", ""),
                    "caveats": list(about.get("caveats", []))})  # fmt: skip
    return out


def signal_share_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    from fwcensus.aggregate.signal_series import signal_points

    return [asdict(point) for point in signal_points(store)]


ARXIV_MONTH_COLUMNS = (
    "month", "category", "method", "definition", "papers", "with_text", "pytorch", "tensorflow",
    "both", "neither", "pytorch_only", "tensorflow_only", "share", "ci_low", "ci_high", "source",
)  # fmt: skip


def arxiv_month_records(store: Store, selection: Selection) -> list[dict[str, Any]]:
    """arXiv per month and primary category, from the bulk runs' partitions beside the store
    (every method; none without partitions)."""
    from fwcensus.bulk.arxiv_months import month_shares
    from fwcensus.detect.stage import METHODS
    from fwcensus.sources.arxiv import VENUE
    from fwcensus.store.db import bulk_dir_for

    if selection.venues and VENUE not in selection.venues:
        return []
    years = {str(year) for year in selection.years}
    return [
        {**asdict(row), "definition": DEFINITION, "pytorch_only": row.pytorch_only,
         "tensorflow_only": row.tensorflow_only}
        for method in METHODS
        for row in month_shares(store, bulk_dir_for(store.path), method)
        if not years or row.month[:4] in years
    ]  # fmt: skip


TABLES: dict[str, tuple[Callable[[Store, Selection], list[dict[str, Any]]], tuple[str, ...]]] = {
    "papers": (paper_records, PAPER_COLUMNS),
    "verdicts": (verdict_records, VERDICT_COLUMNS),
    "shares": (share_records, SHARE_COLUMNS),
    "frameworks": (framework_records, FRAMEWORK_COLUMNS),
    "growth": (growth_records, GROWTH_COLUMNS),
    "signals": (signal_records, SIGNAL_COLUMNS),
    "signal-shares": (signal_share_records, SIGNAL_SHARE_COLUMNS),
    "arxiv-months": (arxiv_month_records, ARXIV_MONTH_COLUMNS),
}
FORMATS = ("csv", "json", "parquet")


def check_export(table: str, fmt: str) -> None:
    """Raise ConfigError unless ``table`` and ``fmt`` are known: before an output file is
    opened, so a bad name leaves none behind."""
    if table not in TABLES:
        raise ConfigError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")


def export(store: Store, table: str, fmt: str, out: IO[Any], selection: Selection) -> int:
    """Write ``table`` to ``out`` (text for CSV and JSON, binary for Parquet); returns the
    number of rows. JSON keeps nested values (author lists, every piece of evidence); CSV
    flattens lists with "; "; Parquet keeps lists as lists."""
    check_export(table, fmt)
    records_of, columns = TABLES[table]
    records = records_of(store, selection)
    if fmt == "json":
        json.dump(records, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({c: _cell(record[c]) for c in columns})
    else:
        write_parquet(records, columns, out)
    return len(records)


def write_parquet(records: list[dict[str, Any]], columns: tuple[str, ...], out: IO[bytes]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {c: [r.get(c) for r in records] for c in columns}
    if records and "evidence" in records[0]:
        data["evidence"] = [json.dumps(r["evidence"], ensure_ascii=False) for r in records]
    pq.write_table(pa.table(data), out)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value

"""arXiv at bulk scale: the PyTorch share per month and primary category, computed by DuckDB
over the bulk runs' Parquet partitions (``bulk/partitions.py``), never by loading the verdicts
into Python.

Each paper counts once, at its highest version (the latest tar on a tie), whatever tars it was
read from. Its month is its id's (the month of its first version); its primary category is the
store's (``collect --venue arXiv`` keeps it as the paper's track), ``unknown`` for a paper only
the bucket knows. "Using" rests on the text alone (``source`` ``text``): bulk runs read no code
repositories. The share is the 2019 study's (``aggregate/stage.py``), with its Wilson interval.
``month_papers`` gives the arxiv-mentions signal the ids behind each month's counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from fwcensus.aggregate.intervals import wilson
from fwcensus.aggregate.stage import counted_as
from fwcensus.bulk.partitions import SOURCE, partition_glob
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.models import TwoFrameworkCounts
from fwcensus.sources.arxiv_bulk import month_of
from fwcensus.store import Store

ALL_CATEGORIES = "all"
UNKNOWN = "unknown"
CATEGORY_BATCH = 100_000  # papers' categories handed from SQLite to DuckDB at a time

# Each paper once, at its highest version (the latest tar on a tie).
_LATEST_PAPERS = """
    SELECT arxiv_id, yymm, text_status, verdicts
    FROM read_parquet($glob, hive_partitioning = false)
    QUALIFY row_number() OVER (PARTITION BY arxiv_id ORDER BY version DESC, tar DESC) = 1
"""
_LATEST = f"WITH latest AS ({_LATEST_PAPERS})"

_QUERY = (
    _LATEST
    + """,
used AS (
    SELECT arxiv_id, bool_or(list_contains($pytorch, v.framework)) AS pt,
           bool_or(list_contains($tensorflow, v.framework)) AS tf
    FROM (SELECT arxiv_id, unnest(verdicts) AS v FROM latest)
    WHERE v.method = $method AND v.role = 'used'
    GROUP BY arxiv_id
),
papers AS (
    SELECT l.yymm, COALESCE(c.category, $unknown) AS category, l.text_status = 'ok' AS judged,
           COALESCE(u.pt, false) AS pt, COALESCE(u.tf, false) AS tf
    FROM latest l LEFT JOIN used u USING (arxiv_id) LEFT JOIN categories c USING (arxiv_id)
)
SELECT yymm, COALESCE(category, $all) AS category, count(*) AS papers,
       count(*) FILTER (judged) AS with_text,
       count(*) FILTER (judged AND pt) AS pytorch,
       count(*) FILTER (judged AND tf) AS tensorflow,
       count(*) FILTER (judged AND pt AND tf) AS both,
       count(*) FILTER (judged AND NOT pt AND NOT tf) AS neither
FROM papers GROUP BY GROUPING SETS ((yymm, category), (yymm))
"""
)


@dataclass(frozen=True)
class MonthShare(TwoFrameworkCounts):
    month: str  # "2015-01"
    category: str  # primary category, or "all"
    method: str
    papers: int  # papers read (one per arXiv id)
    with_text: int
    pytorch: int
    tensorflow: int
    both: int
    neither: int
    share: float | None  # PyTorch only / (PyTorch only + TensorFlow only)
    ci_low: float | None
    ci_high: float | None
    source: str = "text"


# The papers behind each month's counts, for the arxiv-mentions signal: ids, not only numbers.
# Both read the table ``latest``, made once from the partitions.
_LATEST_TABLE = f"CREATE TEMP TABLE latest AS {_LATEST_PAPERS}"
_READ_QUERY = """
SELECT yymm, list(arxiv_id ORDER BY arxiv_id) FROM latest WHERE text_status = 'ok' GROUP BY yymm
"""
_USED_QUERY = """
SELECT yymm, v.framework, list(DISTINCT arxiv_id)
FROM (SELECT yymm, arxiv_id, unnest(verdicts) AS v FROM latest WHERE text_status = 'ok')
WHERE v.method = $method AND v.role = 'used'
GROUP BY yymm, v.framework
"""


@dataclass(frozen=True)
class MonthPapers:
    """The arXiv ids of one month the bulk runs read: those with text, and per framework
    family those whose text the method says use it."""

    month: str  # "2015-01"
    with_text: tuple[str, ...]
    using: dict[str, tuple[str, ...]]


def has_partitions(folder: Path) -> bool:
    return any((folder / SOURCE).glob("yymm=*/*.parquet"))


def month_shares(store: Store, folder: Path, method: str) -> list[MonthShare]:
    """Per month: every primary category, then all of them together (``category`` "all")."""
    if not has_partitions(folder):
        return []
    import duckdb

    counted = counted_as(method)
    with duckdb.connect() as db:
        _load_categories(db, store)
        rows = db.execute(
            _QUERY,
            {
                "glob": partition_glob(folder),
                "pytorch": list(counted.pytorch),
                "tensorflow": list(counted.tensorflow),
                "method": method,
                "unknown": UNKNOWN,
                "all": ALL_CATEGORIES,
            },
        ).fetchall()
    shares = [_share(method, *row) for row in rows]
    # "9108" is 1991: months sort as dates, not as YYMM strings
    return sorted(shares, key=lambda s: (s.month, s.category != ALL_CATEGORIES, -s.papers))


def month_papers(folder: Path, method: str) -> list[MonthPapers]:
    """Per month of the arXiv id, the papers the bulk runs read with text and, per framework
    family (Keras counts as TensorFlow), those that use it under ``method``; oldest first."""
    if not has_partitions(folder):
        return []
    import duckdb

    family = load_catalogue().family
    with duckdb.connect() as db:
        db.execute(_LATEST_TABLE, {"glob": partition_glob(folder)})
        read = db.execute(_READ_QUERY).fetchall()
        used = db.execute(_USED_QUERY, {"method": method}).fetchall()
    using: dict[str, dict[str, set[str]]] = {}
    for yymm, framework, ids in used:
        using.setdefault(yymm, {}).setdefault(family(framework), set()).update(ids)
    months = [
        MonthPapers(
            month_of(yymm),
            tuple(ids),
            {f: tuple(sorted(found)) for f, found in sorted(using.get(yymm, {}).items())},
        )
        for yymm, ids in read
    ]
    return sorted(months, key=lambda m: m.month)


def _load_categories(db: Any, store: Store) -> None:
    """The store's arXiv papers and their primary categories, copied into DuckDB a batch at a
    time (SQLite's connection is read here: DuckDB's own threads may not touch it)."""
    db.execute("CREATE TABLE categories (arxiv_id VARCHAR PRIMARY KEY, category VARCHAR)")
    for rows in store.papers.source_tracks(SOURCE, CATEGORY_BATCH):
        ids, tracks = zip(*rows, strict=True)
        batch = pa.table({"arxiv_id": pa.array(ids), "category": pa.array(tracks)})
        db.register("batch", batch)
        db.execute("INSERT INTO categories SELECT arxiv_id, category FROM batch")
        db.unregister("batch")


def _share(
    method: str, yymm: str, category: str, papers: int, with_text: int, pytorch: int,
    tensorflow: int, both: int, neither: int,
) -> MonthShare:  # fmt: skip
    pt_only, tf_only = pytorch - both, tensorflow - both
    interval = wilson(pt_only, pt_only + tf_only)
    return MonthShare(
        month=month_of(yymm),
        category=category,
        method=method,
        papers=papers,
        with_text=with_text,
        pytorch=pytorch,
        tensorflow=tensorflow,
        both=both,
        neither=neither,
        share=pt_only / (pt_only + tf_only) if interval else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
    )

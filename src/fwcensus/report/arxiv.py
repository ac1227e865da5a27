"""arXiv by month and primary category: the PyTorch share per month, one line per category.

The section is drawn from :class:`MonthRow` rows alone. Today they come from the store's own
verdicts (:class:`MonthCounts`, fed by the report's pass); the bulk arXiv aggregates (DuckDB
over Parquet) are meant to yield the same rows, so feeding them in is one function that returns
``list[MonthRow]``. A paper's month is its first version's, read from its arXiv id (``2103.01234``
was submitted in March 2021); its category is its primary one (the paper's track).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.intervals import wilson
from fwcensus.aggregate.shares import SOURCES

NEW_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")  # since April 2007
OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")  # cs/0701001


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM of the first version
    category: str  # primary category, e.g. cs.LG
    method: str
    source: str  # what "using" rests on: text, or combined (text or own code)
    papers: int
    with_text: int
    pytorch_only: int
    tensorflow_only: int
    share: float | None  # pytorch_only / (pytorch_only + tensorflow_only)
    ci_low: float | None
    ci_high: float | None


def month_of(arxiv_id: str | None) -> str | None:
    """YYYY-MM of an arXiv id, or None when it is not one."""
    match = NEW_ID.fullmatch(arxiv_id or "") or OLD_ID.fullmatch(arxiv_id or "")
    if not match:
        return None
    yy, mm = int(match.group(1)), int(match.group(2))
    if not 1 <= mm <= 12:
        return None
    return f"{1900 + yy if yy >= 91 else 2000 + yy}-{mm:02d}"


def source_of(method: str) -> str:
    return SOURCES.get(method, fw.TEXT)


class MonthCounts:
    """Counts per (month, category) of the store's arXiv papers, added one by one."""

    def __init__(self, method: str, source: str) -> None:
        self.method, self.source = method, source
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.undated = 0  # arXiv papers whose id gives no month

    def add(self, paper: Mapping[str, Any], usage: fw.Usage) -> None:
        month = month_of(paper["arxiv_id"] or paper["source_id"])
        if month is None:
            self.undated += 1
            return
        text = usage.used.get((self.method, fw.TEXT), frozenset())
        used = usage.used.get((self.method, self.source), text)
        pt, tf = "pytorch" in used, "tensorflow" in used
        counts = self.counts[(month, paper["track"])]
        counts[0] += 1
        counts[1] += usage.has_text
        counts[2] += pt and not tf
        counts[3] += tf and not pt

    def rows(self) -> list[MonthRow]:
        out = []
        for (month, category), (papers, texts, pt, tf) in sorted(self.counts.items()):
            interval = wilson(pt, pt + tf)
            out.append(
                MonthRow(
                    month=month,
                    category=category,
                    method=self.method,
                    source=self.source,
                    papers=papers,
                    with_text=texts,
                    pytorch_only=pt,
                    tensorflow_only=tf,
                    share=pt / (pt + tf) if interval else None,
                    ci_low=interval[0] if interval else None,
                    ci_high=interval[1] if interval else None,
                )
            )
        return out


def chart(rows: Sequence[MonthRow]) -> alt.LayerChart | None:
    """PyTorch share per month, one line per primary category, its 95% interval as a band."""
    values = [
        {
            "month": f"{r.month}-01",
            "category": r.category,
            "share": r.share,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "pytorch_only": r.pytorch_only,
            "tensorflow_only": r.tensorflow_only,
            "papers": r.papers,
        }
        for r in rows
        if r.share is not None
    ]
    if not values:
        return None
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("month:T", title="Month of first version"),
        color=alt.Color("category:N", title="Primary category"),
    )
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("ci_low:Q", title="PyTorch share of PyTorch + TensorFlow papers"), y2="ci_high:Q"
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("share:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[
            alt.Tooltip("category:N"),
            alt.Tooltip("month:T", format="%Y-%m"),
            alt.Tooltip("share:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% CI low", format=".1%"),
            alt.Tooltip("ci_high:Q", title="95% CI high", format=".1%"),
            alt.Tooltip("pytorch_only:Q", title="PyTorch only"),
            alt.Tooltip("tensorflow_only:Q", title="TensorFlow only"),
            alt.Tooltip("papers:Q", title="papers listed"),
        ],
    )
    return (band + line).properties(
        width=640,
        height=280,
        title="arXiv: PyTorch share per month and primary category",
        description="Line chart: for each primary arXiv category, the PyTorch share of papers "
        "using exactly one of PyTorch and TensorFlow per month of first submission, with 95% "
        "intervals as bands.",
    )

"""arXiv by month and primary category from the store's own arXiv papers, for a store the bulk
runs have not read (their DuckDB aggregates, ``bulk/arxiv_months.py``, come first when
there are any). The rows are the same :class:`MonthShare` rows, so the report's section and the
``arxiv-months`` table read either. A paper's month is its first version's, read from its arXiv
id (``2103.01234`` was submitted in March 2021); its category is its primary one (its track).
"""

from __future__ import annotations

import re
from collections import defaultdict

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.intervals import wilson
from fwcensus.aggregate.stage import SOURCES
from fwcensus.bulk.arxiv_months import ALL_CATEGORIES, MonthShare
from fwcensus.models import Record
from fwcensus.sources.arxiv_bulk import month_of as yymm_month

NEW_ID = re.compile(r"(\d{4})\.\d{4,5}")  # since April 2007
OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/(\d{4})\d{3}")  # cs/0701001


def month_of(arxiv_id: str | None) -> str | None:
    """YYYY-MM of an arXiv id, or None when it is not one."""
    match = NEW_ID.fullmatch(arxiv_id or "") or OLD_ID.fullmatch(arxiv_id or "")
    if not match or not 1 <= int(match.group(1)[2:]) <= 12:
        return None
    return yymm_month(match.group(1))


class MonthCounts:
    """Counts per (month, category) of the store's arXiv papers, added one by one, under the
    headline's method and source (text, or text and own code)."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.source = SOURCES.get(method, fw.TEXT)
        # (month, category) -> papers, with text, pytorch, tensorflow, both, neither
        self.counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 6)
        self.undated = 0  # arXiv papers whose id gives no month
        self.code_known = False  # whether any paper's own code could count (else: the text)

    def add(self, paper: Record, usage: fw.Usage) -> None:
        month = month_of(paper["arxiv_id"] or paper["source_id"])
        if month is None:
            self.undated += 1
            return
        text = usage.used.get((self.method, fw.TEXT), frozenset())
        used = usage.used.get((self.method, self.source), text)
        self.code_known |= (self.method, self.source) in usage.used
        pt, tf = "pytorch" in used, "tensorflow" in used
        judged = usage.sees(self.source)
        for category in (paper["track"], ALL_CATEGORIES):
            counts = self.counts[(month, category)]
            counts[0] += 1
            counts[1] += usage.has_text
            counts[2] += pt
            counts[3] += tf
            counts[4] += pt and tf
            counts[5] += judged and not pt and not tf

    def rows(self) -> list[MonthShare]:
        out = []
        for (month, category), (papers, texts, pt, tf, both, neither) in self.counts.items():
            interval = wilson(pt - both, pt + tf - 2 * both)
            out.append(
                MonthShare(
                    month=month,
                    category=category,
                    method=self.method,
                    papers=papers,
                    with_text=texts,
                    pytorch=pt,
                    tensorflow=tf,
                    both=both,
                    neither=neither,
                    share=(pt - both) / (pt + tf - 2 * both) if interval else None,
                    ci_low=interval[0] if interval else None,
                    ci_high=interval[1] if interval else None,
                    source=self.source if self.code_known else fw.TEXT,
                )
            )
        # As the bulk aggregates sort them: by month, all categories first, then the largest.
        return sorted(out, key=lambda s: (s.month, s.category != ALL_CATEGORIES, -s.papers))

"""What signals read from fwcensus's own store (``LocalData``): arXiv papers by month with their
verdicts, the repositories read, and answers an earlier run kept.

``StoreData.arxiv_months`` is the one place the arxiv-mentions signal's numbers come from: the
bulk arXiv runs' Parquet partitions, read by DuckDB, when there are any (``fwcensus bulk
arxiv``: all of arXiv, as the report's arXiv section reads them); otherwise the store's arXiv
papers (``fwcensus collect --venue arXiv``) and their verdicts.
"""

from __future__ import annotations

from collections import defaultdict

from fwcensus.aggregate.frameworks import paper_facts
from fwcensus.bulk.arxiv_months import month_papers
from fwcensus.models import Selection
from fwcensus.signals.base import Fetched, PaperMonth, arxiv_id_month
from fwcensus.sources.arxiv import VENUE as ARXIV_VENUE
from fwcensus.store import Store
from fwcensus.store.db import bulk_dir_for


def arxiv_paper_months(store: Store, method: str) -> list[PaperMonth]:
    """The store's arXiv papers per month of their identifier: those whose text was read, and
    per framework family those the text says use it under ``method``."""
    selection = Selection(venues=(ARXIV_VENUE,))
    rows = store.papers.rows(selection)
    month_of = {r["paper_id"]: arxiv_id_month(r["arxiv_id"] or r["source_id"]) for r in rows}
    with_text: dict[str, list[int]] = defaultdict(list)
    using: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for paper in paper_facts(store, selection, papers=rows):
        month = month_of.get(paper.paper_id)
        if month is None or not paper.has_text:
            continue
        with_text[month].append(paper.paper_id)
        for family in sorted(paper.used(method)):
            using[month][family].append(paper.paper_id)
    return [
        PaperMonth(
            month,
            tuple(with_text[month]),
            {family: tuple(ids) for family, ids in using[month].items()},
        )
        for month in sorted(with_text)
    ]


class StoreData:
    """``LocalData`` read from a Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def arxiv_months(self, method: str) -> list[PaperMonth]:
        bulk = month_papers(bulk_dir_for(self.store.path), method)
        if bulk:
            return [PaperMonth(m.month, m.with_text, m.using, bulk=True) for m in bulk]
        return arxiv_paper_months(self.store, method)

    def repo_frameworks(self) -> dict[str, frozenset[str]]:
        return self.store.repos.frameworks()

    def stored_answer(self, signal: str, url: str) -> Fetched | None:
        row = self.store.signals.latest_request(signal, url)
        if row is None:
            return None
        return Fetched(row.url, row.status, row.retrieved_at, row.body, asked=False)

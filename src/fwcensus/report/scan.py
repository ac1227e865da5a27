"""One pass over the store for the report, venue-year by venue-year.

Each venue-year's papers, verdicts and repository rows are read, turned into the browser's data
file and tallied (framework counts, the method comparison's differences, reasons papers have
no text, arXiv months), then dropped: the report holds one venue-year in memory, whatever the
size of the store. Works with several versions (a venue paper and its arXiv preprint) are
merged as they come and counted over all venues once the pass is done, in their venue's year.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.detect.methods import EVIDENCE
from fwcensus.detect.substring2019 import METHOD as SUBSTRING
from fwcensus.models import Selection
from fwcensus.report import arxiv
from fwcensus.report.paper_data import DataWriter, paper_records, problem
from fwcensus.store import Store

PAIR = ("pytorch", "tensorflow")
REASONS_PER_VENUE_YEAR = 10  # distinct reasons listed per venue-year; the rest as "other"


@dataclass(frozen=True)
class NoText:
    """Papers of a venue-year without usable text, for one reason."""

    venue: str
    year: int
    reason: str
    papers: int
    listed: bool = True  # False: several rarer reasons summed, not one the browser can list


@dataclass
class Scan:
    tallies: dict[tuple[str, int], fw.Tally]  # per (venue label, year), and All venues
    # Per (venue label, year): what the 2019 method counts and the evidence method does not
    # (``named_not_used:<family>``, ``both_named_one_used``).
    differences: dict[tuple[str, int], Counter[str]]
    reasons: list[NoText]
    arxiv: arxiv.MonthCounts
    code_known: bool = False  # whether the store holds repository data
    problems: int = 0
    labels: set[str] = field(default_factory=set)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The pass makes millions of small dicts and lists that refer to nothing referring back:
    reference counting frees them, and the cyclic collector would only walk them again and
    again to free nothing (a third of the pass's time at 150,000 papers)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scan(store: Store, methods: Sequence[str], method: str, writer: DataWriter) -> Scan:
    """Read every venue-year once: write its data file, tally its counts."""
    with _without_cycle_collection():
        return _scan(store, methods, method, writer)


def _scan(store: Store, methods: Sequence[str], method: str, writer: DataWriter) -> Scan:
    catalogue = load_catalogue()
    shared = store.identity.shared_works()
    pending: dict[int, fw.Usage] = {}
    out = Scan(
        tallies=defaultdict(fw.Tally),
        differences=defaultdict(Counter),
        reasons=[],
        arxiv=arxiv.MonthCounts(method),
    )
    by_year: dict[int, fw.Tally] = defaultdict(fw.Tally)
    for venue, year in sorted(store.papers.counts()):
        selection = Selection((venue,), (year,))
        papers = store.papers.report_rows(selection)
        evidence = store.verdicts.report_rows(selection)
        facts = {
            f.paper_id: f
            for f in fw.paper_facts(store, selection, papers=papers, verdicts=evidence)
        }
        by_label: dict[str, list[Any]] = defaultdict(list)
        reasons: Counter[tuple[str, str]] = Counter()
        for paper in papers:
            fact = facts[paper["paper_id"]]
            usage = fw.Usage.of(fact, methods)
            out.code_known |= usage.has_code is not None
            out.tallies[(fact.label, year)].add(usage)
            differing = differences(usage)
            out.differences[(fact.label, year)].update(differing)
            if fact.work in shared:
                if fact.work in pending:
                    pending[fact.work].merge(usage)
                else:
                    pending[fact.work] = usage
            else:
                by_year[year].add(usage)
                out.differences[(ALL_VENUES, year)].update(differing)
            if fact.source == "arxiv":
                out.arxiv.add(paper, usage)
            reason = problem(paper)
            if reason:
                reasons[(fact.label, reason)] += 1
            by_label[fact.label].append(paper)
        out.reasons += _listed_reasons(year, reasons)
        out.problems += sum(reasons.values())
        repo_rows = store.repos.verdict_rows(selection)
        link_rows = store.repos.link_rows(selection)
        for venue_label, members in sorted(by_label.items()):
            out.labels.add(venue_label)
            ids = {p["paper_id"] for p in members}
            records, details = paper_records(
                members,
                [row for row in evidence if row["paper_id"] in ids],
                facts,
                shared,
                repo_rows,
                link_rows,
                methods,
                catalogue,
            )
            writer.write(venue_label, year, records, details)
    for work, usage in pending.items():
        by_year[shared[work]].add(usage)
        out.differences[(ALL_VENUES, shared[work])].update(differences(usage))
    if len(out.labels) > 1:  # as fw.groups: "All venues" only beside more than one venue
        out.tallies.update({(ALL_VENUES, y): t for y, t in by_year.items()})
    else:
        out.differences = defaultdict(
            Counter, {k: v for k, v in out.differences.items() if k[0] != ALL_VENUES}
        )
    out.tallies = dict(sorted(out.tallies.items(), key=_all_last))
    return out


def _all_last(item: tuple[tuple[str, int], object]) -> tuple[bool, tuple[str, int]]:
    return (item[0][0] == ALL_VENUES, item[0])


def differences(usage: fw.Usage) -> list[str]:
    """What the 2019 method counts of this paper and the evidence method (its text) does not:
    a framework named without being used, and both named where only one is used (the 2019
    study drops such a paper from its share; evidence counts it for the one used)."""
    named = usage.used.get((SUBSTRING, fw.TEXT))
    used = usage.used.get((EVIDENCE, fw.TEXT))
    if named is None or used is None or not usage.has_text:
        return []
    out = [f"named_not_used:{f}" for f in PAIR if f in named and f not in used]
    if all(f in named for f in PAIR) and sum(f in used for f in PAIR) == 1:
        out.append("both_named_one_used")
    return out


def _listed_reasons(year: int, reasons: Counter[tuple[str, str]]) -> list[NoText]:
    """The most frequent reasons of one venue-year, the rest summed as one line: a store where
    every failure has its own message must not grow the page with its papers."""
    per_label: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (venue_label, reason), n in sorted(reasons.items()):
        per_label[venue_label].append((reason, n))
    out = []
    for venue_label, items in sorted(per_label.items()):
        items.sort(key=lambda item: (-item[1], item[0]))
        kept, rest = items[:REASONS_PER_VENUE_YEAR], items[REASONS_PER_VENUE_YEAR:]
        out += [NoText(venue_label, year, reason, n) for reason, n in sorted(kept)]
        if rest:
            others = f"{len(rest)} other reasons"
            out.append(NoText(venue_label, year, others, sum(n for _, n in rest), listed=False))
    return out

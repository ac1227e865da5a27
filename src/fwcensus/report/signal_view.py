"""The report's industry-signals section: per signal a chart of every framework (share and raw
values), its latest snapshot figures, caveats and "as of" date, and one chart setting PyTorch's
share in papers against its share in each signal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt

from fwcensus.aggregate.signal_series import SignalPoint, signal_points
from fwcensus.aggregate.stage import ALL_VENUES
from fwcensus.models import ShareRow
from fwcensus.report import charts
from fwcensus.store import Store

MIN_MONTHS = 6  # a year with fewer complete months is left out of the yearly comparison
PAPERS = "papers (all venues)"
STORE_SOURCE = "fwcensus-store"  # answers a signal read from the store itself


@dataclass
class SignalBlock:
    name: str
    title: str
    caveats: list[str]
    measures: list[dict[str, str]]
    as_of: str
    run: dict[str, Any] | None  # the latest run: outcome, reason, problems
    chart: alt.TopLevelMixin | None
    snapshots: list[SignalPoint] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the hosts its values were read from
    first: str = ""  # the first and last period of its headline measure
    last: str = ""


@dataclass
class SignalSection:
    blocks: list[SignalBlock]
    comparison: alt.TopLevelMixin | None


def main_measure(measures: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The signal's headline: its first monthly (or yearly) measure."""
    return next((m for m in measures if m.get("kind") in ("monthly", "yearly")), None)


def _sources(store: Store) -> dict[str, list[str]]:
    """Per signal, the hosts its stored values were read from (the store's own, for papers)."""
    hosts: dict[str, set[str]] = defaultdict(set)
    for row in store.signals.value_rows():
        for url in row["requests"]:
            scheme, _, rest = url.partition("://")
            hosts[row["signal"]].add(rest.split("/", 1)[0] if rest else scheme.split(":")[0])
    return {name: sorted(found) for name, found in hosts.items()}


def signal_section(store: Store, paper_shares: Sequence[ShareRow]) -> SignalSection:
    points = signal_points(store)
    runs = {r["signal"]: r for r in store.signals.last_runs()}
    sources = _sources(store)
    blocks, yearly = [], []
    for meta in store.signals.meta():
        mine = [p for p in points if p.signal == meta["name"]]
        main = main_measure(meta["measures"])
        monthly = [p for p in mine if main and p.measure == main["name"]]
        chart = None
        if main and monthly:
            of = main.get("share_of")
            share_title = f"Share of {of}" if of else "Share of all frameworks"
            chart = charts.signal_chart(monthly, meta["title"], main["unit"], share_title)
        periods = sorted(p.period for p in monthly)
        blocks.append(
            SignalBlock(
                name=meta["name"],
                title=meta["title"],
                caveats=meta["caveats"],
                measures=meta["measures"],
                as_of=max((p.as_of for p in mine), default=""),
                run=runs.get(meta["name"]),
                chart=chart,
                snapshots=_latest_snapshots(mine),
                sources=sources.get(meta["name"], []),
                first=periods[0] if periods else "",
                last=periods[-1] if periods else "",
            )
        )
        # A survey's year, or a month's count of live postings, stands for its year alone.
        whole_periods = bool(main and (main.get("level") or main.get("kind") == "yearly"))
        yearly += _yearly_pytorch_share(meta["title"], monthly, whole_periods)
    yearly += [
        {"source": PAPERS, "papers": True, "year": r.year, "share": r.share}
        for r in paper_shares
        if r.venue == ALL_VENUES and r.share is not None
    ]
    has_signals = any(not row["papers"] for row in yearly)
    comparison = charts.industry_comparison(yearly) if has_signals else None
    return SignalSection(blocks, comparison)


def _latest_snapshots(points: Sequence[SignalPoint]) -> list[SignalPoint]:
    latest: dict[tuple[str, str], SignalPoint] = {}
    for p in points:
        if p.kind == "snapshot":
            key = (p.measure, p.framework)
            if key not in latest or p.period > latest[key].period:
                latest[key] = p
    return sorted(latest.values(), key=lambda p: (p.measure, -p.value))


def _yearly_pytorch_share(
    title: str, monthly: Sequence[SignalPoint], whole_periods: bool = False
) -> list[dict[str, Any]]:
    """PyTorch / (PyTorch + TensorFlow) per year over complete months, years with enough of
    them; with ``whole_periods`` (a survey year, counts of live postings) any period stands
    for its year, but only where both were measured (the 2017 survey offered no PyTorch)."""
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    months: dict[int, set[str]] = defaultdict(set)
    for p in monthly:
        if p.complete and p.framework in ("pytorch", "tensorflow"):
            year = int(p.period[:4])
            sums[year][p.framework] += p.value
            months[year].add(p.period)
    rows = []
    for year, by in sorted(sums.items()):
        if whole_periods and len(by) < 2:
            continue
        whole = by["pytorch"] + by["tensorflow"]
        if whole and len(months[year]) >= (1 if whole_periods else MIN_MONTHS):
            rows.append({"source": title, "papers": False, "year": year,
                         "share": by["pytorch"] / whole})  # fmt: skip
    return rows


def write_signal_images(section: SignalSection, out_dir: Path) -> list[Path]:
    images = []
    if section.comparison is not None:
        images += charts.write_images(section.comparison, out_dir / "papers-vs-industry")
    for block in section.blocks:
        if block.chart is not None:
            images += charts.write_images(block.chart, out_dir / f"signal-{block.name}")
    return images

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

from fwcensus.aggregate.shares import ALL_VENUES
from fwcensus.aggregate.signal_series import SignalPoint, signal_points
from fwcensus.models import ShareRow
from fwcensus.report import charts
from fwcensus.store import Store

MIN_MONTHS = 6  # a year with fewer complete months is left out of the yearly comparison
PAPERS = "papers (all venues)"


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


@dataclass
class SignalSection:
    blocks: list[SignalBlock]
    comparison: alt.TopLevelMixin | None


def main_measure(measures: Sequence[dict[str, str]]) -> dict[str, str] | None:
    """The signal's headline: its first monthly measure."""
    return next((m for m in measures if m.get("kind") == "monthly"), None)


def signal_section(store: Store, paper_shares: Sequence[ShareRow]) -> SignalSection:
    points = signal_points(store)
    runs = {r["signal"]: r for r in store.signals.last_runs()}
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
            )
        )
        yearly += _yearly_pytorch_share(meta["title"], monthly)
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


def _yearly_pytorch_share(title: str, monthly: Sequence[SignalPoint]) -> list[dict[str, Any]]:
    """PyTorch / (PyTorch + TensorFlow) per year over complete months, years with enough of
    them."""
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    months: dict[int, set[str]] = defaultdict(set)
    for p in monthly:
        if p.complete and p.framework in ("pytorch", "tensorflow"):
            year = int(p.period[:4])
            sums[year][p.framework] += p.value
            months[year].add(p.period)
    rows = []
    for year, by in sorted(sums.items()):
        whole = by["pytorch"] + by["tensorflow"]
        if whole and len(months[year]) >= MIN_MONTHS:
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

"""The framework landscape: every catalogue framework's share per year, over all venues and per
venue (a menu picks the venue), with the table of the numbers behind it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES, COMBINED, SOURCES
from fwcensus.report.charts import framework_colors

DEFINITION = fw.OF_FRAMEWORK_PAPERS
# The browser's measures (browser.js MEASURES) of a framework's papers and of the base, per
# source.
MEASURES = {
    fw.TEXT: ("framework", "any_framework"),
    fw.COMBINED: ("framework_combined", "any_framework_combined"),
}


@dataclass(frozen=True)
class Landscape:
    source: str  # text, or combined (as the headline share counts under a combined method)
    rows: list[fw.FrameworkRow]  # of DEFINITION, that source and the method; every family
    used: list[str]  # families with any paper, catalogue order
    unused: list[str]  # catalogue families no paper used
    venues: list[str]  # All venues first

    @property
    def measures(self) -> tuple[str, str]:
        return MEASURES[self.source]

    def table(self) -> list[tuple[tuple[str, int], dict[str, fw.FrameworkRow]]]:
        """Venue-year rows, a cell per used family."""
        cells: dict[tuple[str, int], dict[str, fw.FrameworkRow]] = defaultdict(dict)
        for r in self.rows:
            if r.framework in self.used:
                cells[(r.venue, r.year)][r.framework] = r
        return sorted(cells.items(), key=lambda item: (item[0][0] != ALL_VENUES, item[0]))


def source_for(method: str, code_known: bool) -> str:
    """The headline's source: combined when the method counts the paper's own code and the
    store has read some; the text otherwise."""
    return COMBINED if SOURCES.get(method) == COMBINED and code_known else fw.TEXT


def landscape(rows: Sequence[fw.FrameworkRow], method: str, code_known: bool) -> Landscape:
    source = source_for(method, code_known)
    chosen = [
        r for r in rows if r.method == method and r.source == source and r.definition == DEFINITION
    ]
    families = fw.frameworks_of(method)
    used = [f for f in families if any(r.papers for r in chosen if r.framework == f)]
    venues = sorted({r.venue for r in chosen}, key=lambda v: (v != ALL_VENUES, v))
    return Landscape(source, chosen, used, [f for f in families if f not in used], venues)


def chart(view: Landscape, names: dict[str, str]) -> alt.LayerChart | None:
    """One line per framework with any paper: its share per year, with the 95% interval as a
    band; a menu under the chart picks the venue (over all venues first)."""
    values: list[dict[str, Any]] = [
        {
            "venue": r.venue,
            "year": r.year,
            "framework": names.get(r.framework, r.framework),
            "share": r.share,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "papers": r.papers,
            "base": r.base,
        }
        for r in view.rows
        if r.framework in view.used and r.share is not None
    ]
    if not values:
        return None
    shown = [names.get(f, f) for f in view.used]
    palette = framework_colors()
    colors = alt.Scale(
        domain=shown, range=[palette.get(f, _spare(i)) for i, f in enumerate(view.used)]
    )
    venue = alt.param(
        name="venue",
        value=view.venues[0],
        bind=alt.binding_select(options=view.venues, name="Venue "),
    )
    base = (
        alt.Chart(alt.Data(values=values))
        .transform_filter(alt.datum.venue == venue)
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            # Opaque swatches: the legend takes its symbols from the first layer, the faint bands.
            color=alt.Color(
                "framework:N",
                title="Framework",
                scale=colors,
                sort=shown,
                legend=alt.Legend(symbolOpacity=1),
            ),
        )
    )
    band = base.mark_area(opacity=0.12).encode(
        y=alt.Y("ci_low:Q", title="Share of papers using any framework"), y2="ci_high:Q"
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("share:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[
            alt.Tooltip("venue:N"),
            alt.Tooltip("year:O"),
            alt.Tooltip("framework:N"),
            alt.Tooltip("share:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% CI low", format=".1%"),
            alt.Tooltip("ci_high:Q", title="95% CI high", format=".1%"),
            alt.Tooltip("papers:Q", title="papers"),
            alt.Tooltip("base:Q", title="of"),
        ],
    )
    return (
        (band + line)
        .add_params(venue)
        .properties(
            width=640,
            height=320,
            title="Every framework: share of the papers that used any framework",
            description="Line chart: for each catalogue framework used by any paper, its share "
            "of the papers that used any catalogue framework, per year, with 95% intervals as "
            "bands; a menu picks all venues or one venue. Papers using several frameworks "
            "count for each.",
        )
    )


# Colours for frameworks the signal charts do not colour, distinct from those they do.
SPARE = ("#17becf", "#bcbd22", "#e377c2", "#8c6d31", "#393b79", "#637939", "#843c39",
         "#7b4173", "#3182bd", "#31a354", "#756bb1", "#636363", "#e6550d")  # fmt: skip


def _spare(i: int) -> str:
    return SPARE[i % len(SPARE)]

"""How much of each venue-year the numbers rest on: papers listed, fetched, with text, with a
verdict and with their own code read, as a chart beside the table of the same numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import altair as alt

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES
from fwcensus.models import ShareRow
from fwcensus.report.summary import judged

STAGES = ("listed", "fetched", "with text", "with a verdict", "with code read")


@dataclass(frozen=True)
class Coverage:
    venue: str
    year: int
    listed: int
    fetched: int
    with_text: int
    judged: int  # with a verdict under the method (text detected, or own code read)
    with_code: int | None  # own repository read; None: the store holds no repository data

    def stages(self) -> list[tuple[str, int | None]]:
        return list(
            zip(
                STAGES,
                (self.listed, self.fetched, self.with_text, self.judged, self.with_code),
                strict=True,
            )
        )


def coverage(
    shares: Sequence[ShareRow], tallies: Mapping[tuple[str, int], fw.Tally]
) -> list[Coverage]:
    """Per venue-year (of the method's share rows; not over all venues, where a work counts
    once and the stages would not add up to the venues')."""
    out = []
    for row in shares:
        if row.venue == ALL_VENUES:
            continue
        tally = tallies.get((row.label, row.year))
        out.append(
            Coverage(
                row.label,
                row.year,
                row.listed,
                row.fetched,
                row.with_text,
                judged(row),
                tally.with_code if tally else None,
            )
        )
    return sorted(out, key=lambda c: (c.venue, c.year))


def chart(rows: Sequence[Coverage]) -> alt.FacetChart | None:
    values = [
        {"venue": c.venue, "year": c.year, "stage": stage, "papers": n, "listed": c.listed}
        for c in rows
        for stage, n in c.stages()
        if n is not None
    ]
    if not values:
        return None
    stages = [s for s in STAGES if any(v["stage"] == s for v in values)]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("stage:N", sort=stages),
            y=alt.Y("papers:Q", title="Papers"),
            color=alt.Color(
                "stage:N",
                title="Papers",
                sort=stages,
                scale=alt.Scale(domain=stages, scheme="blues", reverse=True),
            ),
            tooltip=[
                alt.Tooltip("venue:N"),
                alt.Tooltip("year:O"),
                alt.Tooltip("stage:N"),
                alt.Tooltip("papers:Q"),
                alt.Tooltip("listed:Q", title="of listed"),
            ],
        )
        .properties(width=260, height=150)
        .facet(facet=alt.Facet("venue:N", title=None), columns=3)
        .resolve_scale(y="independent")
        .properties(
            title="Coverage: what each venue-year's numbers rest on",
            description="Bar chart per venue: for each year, papers listed, fetched, with text, "
            "with a verdict under the method and with their own code read.",
        )
    )

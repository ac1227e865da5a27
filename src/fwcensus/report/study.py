"""The 2019 study beside fwcensus: its published per-venue numbers (a fact table in this
package, ``study2019.json``, with its source named) drawn on the same axes as fwcensus's own
counts of the same venue-years, and the differences with their reasons where they are known."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import altair as alt

from fwcensus.aggregate.intervals import wilson
from fwcensus.detect.methods import EVIDENCE
from fwcensus.detect.substring2019 import METHOD as SUBSTRING
from fwcensus.models import ShareRow

FACTS = "study2019.json"
STUDY = "the 2019 study"
SERIES = (STUDY, f"fwcensus {SUBSTRING}", f"fwcensus {EVIDENCE}")
# The counts drawn below the share, by field, with their panels' titles.
MEASURES = {
    "papers": "papers listed",
    "pytorch_only": "PyTorch only",
    "tensorflow_only": "TensorFlow only",
}


@dataclass(frozen=True)
class StudyRow:
    venue: str
    year: int
    month: str  # MM/YY as the study assigned it
    pytorch_only: int
    tensorflow_only: int
    papers: int

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.pytorch_only, self.pytorch_only + self.tensorflow_only)

    @property
    def share(self) -> float | None:
        n = self.pytorch_only + self.tensorflow_only
        return self.pytorch_only / n if n else None


@dataclass(frozen=True)
class Study:
    study: str
    source: str
    url: str
    counted: str
    notes: dict[str, str]  # "ICLR 2021" -> what is known about that list
    rows: list[StudyRow]


def load() -> Study:
    raw = json.loads(resources.files("fwcensus.report").joinpath(FACTS).read_text("utf-8"))
    rows = [
        StudyRow(venue, 2000 + int(month[-2:]), month, pt, tf, papers)
        for venue, month, pt, tf, papers in raw["rows"]
    ]
    return Study(raw["study"], raw["source"], raw["url"], raw["counted"], raw["notes"], rows)


@dataclass(frozen=True)
class Reason:
    text: str
    count: int | None = None  # papers behind it, listed by the browser's measure
    measure: str = ""
    framework: str = ""


@dataclass
class Difference:
    """One venue-year both hold: the study's row, fwcensus's rows per method, and why they
    differ where that is known."""

    study: StudyRow
    ours: dict[str, ShareRow]  # method -> row
    reasons: list[Reason] = field(default_factory=list)

    @property
    def venue(self) -> str:
        return self.study.venue

    @property
    def year(self) -> int:
        return self.study.year


def compare(
    study: Study,
    shares: Sequence[ShareRow],
    differences: Mapping[tuple[str, int], Mapping[str, int]],
) -> list[Difference]:
    """The venue-years of the study that the store holds, with the known reasons: what the
    study's own list holds (its notes), and the papers the study's counting takes differently
    from the evidence method (a framework named without use; both named, one used)."""
    ours: dict[tuple[str, int], dict[str, ShareRow]] = {}
    for row in shares:
        if row.track == "main":
            ours.setdefault((row.venue, row.year), {})[row.method] = row
    out = []
    for theirs in study.rows:
        mine = ours.get((theirs.venue, theirs.year))
        if not mine:
            continue
        diff = Difference(theirs, mine)
        note = study.notes.get(f"{theirs.venue} {theirs.year}")
        if note:
            diff.reasons.append(Reason(note))
        listed = next(iter(mine.values())).listed
        if not note and listed != theirs.papers:
            diff.reasons.append(
                Reason(
                    f"the lists differ ({theirs.papers} papers in the study's, {listed} here); "
                    "no reason is known: see the coverage below"
                )
            )
        counts = differences.get((theirs.venue, theirs.year), {})
        if EVIDENCE in mine and SUBSTRING in mine:
            diff.reasons += _method_reasons(counts)
        out.append(diff)
    return sorted(out, key=lambda d: (d.venue, d.year))


def _method_reasons(counts: Mapping[str, int]) -> list[Reason]:
    out = []
    for family, name in (("pytorch", "PyTorch"), ("tensorflow", "TensorFlow")):
        n = counts.get(f"named_not_used:{family}", 0)
        if n:
            out.append(
                Reason(
                    f"papers name {name} without using it (citations, related work): the "
                    "study counts them as use, evidence does not",
                    n,
                    "named_not_used",
                    family,
                )
            )
    n = counts.get("both_named_one_used", 0)
    if n:
        out.append(
            Reason(
                "papers name both and use one: the study drops them, evidence counts them "
                "for the one used",
                n,
                "both_named_one_used",
            )
        )
    return out


def series_values(diffs: Sequence[Difference]) -> list[dict[str, Any]]:
    """Long rows for the chart: per venue-year and series, the share with its interval and
    the three counts."""
    values = []
    for diff in diffs:
        study = diff.study
        low_high = study.interval
        values.append(
            _value(
                diff,
                STUDY,
                study.pytorch_only,
                study.tensorflow_only,
                study.papers,
                study.share,
                low_high,
            )
        )
        for method, name in ((SUBSTRING, SERIES[1]), (EVIDENCE, SERIES[2])):
            row = diff.ours.get(method)
            if row is not None:
                interval = (row.ci_low, row.ci_high) if row.share is not None else None
                values.append(
                    _value(
                        diff,
                        name,
                        row.pytorch_only,
                        row.tensorflow_only,
                        row.listed,
                        row.share,
                        interval,
                    )
                )
    return values


def _value(
    diff: Difference,
    series: str,
    pt: int,
    tf: int,
    papers: int,
    share: float | None,
    interval: tuple[float | None, float | None] | None,
) -> dict[str, Any]:
    return {
        "venue_year": f"{diff.venue} {diff.year}",
        "series": series,
        "pytorch_only": pt,
        "tensorflow_only": tf,
        "papers": papers,
        "share": share,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
    }


def chart(diffs: Sequence[Difference]) -> alt.VConcatChart | None:
    """The study and fwcensus on the same axes: the PyTorch share with its 95% interval, then
    papers listed, PyTorch-only and TensorFlow-only papers, per venue-year and series."""
    values = series_values(diffs)
    if not values:
        return None
    data = alt.Data(values=values)
    order = [f"{d.venue} {d.year}" for d in diffs]
    x = alt.X("venue_year:N", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    color = alt.Color("series:N", title="Series", scale=alt.Scale(domain=list(SERIES)))
    offset = alt.XOffset("series:N", scale=alt.Scale(domain=list(SERIES)))
    tooltip = [
        alt.Tooltip("series:N"),
        alt.Tooltip("venue_year:N", title="venue and year"),
        alt.Tooltip("share:Q", format=".1%"),
        alt.Tooltip("pytorch_only:Q"),
        alt.Tooltip("tensorflow_only:Q"),
        alt.Tooltip("papers:Q"),
    ]
    base = alt.Chart(data).encode(x=x, xOffset=offset, color=color)
    share = base.transform_filter("datum.share != null")
    points = share.mark_point(filled=True, size=60).encode(
        y=alt.Y(
            "share:Q",
            title="PyTorch share",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        tooltip=tooltip,
    )
    bars = share.mark_errorbar(ticks=True).encode(
        y=alt.Y("ci_low:Q", title="PyTorch share"), y2="ci_high:Q"
    )
    folded = alt.Chart(data).transform_fold(list(MEASURES), as_=["measure", "count"])
    counts = alt.hconcat(
        *(
            folded.transform_filter(alt.datum.measure == measure)
            .mark_bar()
            .encode(
                x=x,
                xOffset=offset,
                color=color,
                y=alt.Y("count:Q", title=title),
                tooltip=[*tooltip, alt.Tooltip("measure:N"), alt.Tooltip("count:Q")],
            )
            .properties(width=200, height=160)
            for measure, title in MEASURES.items()
        )
    )
    # Each panel's own band widths: a shared offset scale would take the widest panel's.
    panels = alt.vconcat((bars + points).properties(width=640, height=220), counts).resolve_scale(
        x="independent", xOffset="independent"
    )
    # The legend above: beside the widest panel it would be off the page.
    return panels.configure_legend(orient="top").properties(
        title="The 2019 study's published numbers beside fwcensus's, same venue-years",
        description="Two panels. Above: the PyTorch share per venue and year, with 95% "
        "intervals, for the 2019 study's published counts and fwcensus's under each method. "
        "Below: papers listed, papers using only PyTorch and only TensorFlow, per series.",
    )

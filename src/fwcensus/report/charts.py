"""Charts as Vega-Lite specs (Altair), rendered offline by vl-convert."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

from fwcensus.aggregate.signal_series import SignalPoint
from fwcensus.aggregate.stage import ALL_VENUES
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.models import ShareRow


def share_chart(rows: Sequence[ShareRow]) -> alt.LayerChart:
    """PyTorch share per venue over the years, one line per venue, as the 2019 study drew it,
    with each point's 95% interval as an error bar."""
    data = alt.Data(
        values=[
            {
                "venue": r.label,
                "over_all_venues": r.venue == ALL_VENUES,
                "year": r.year,
                "share": r.share,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "pytorch_only": r.pytorch_only,
                "tensorflow_only": r.tensorflow_only,
            }
            for r in rows
            if r.share is not None
        ]
    )
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        # Venues of one year sit side by side so their intervals do not hide each other.
        xOffset=alt.XOffset("venue:N"),
        color=alt.Color("venue:N", title="Venue"),
        strokeDash=alt.StrokeDash("over_all_venues:N", legend=None),
    )
    y_title = "PyTorch share of PyTorch + TensorFlow papers"
    line = base.mark_line(point=True).encode(
        y=alt.Y(
            "share:Q", title=y_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
        ),
        tooltip=[
            alt.Tooltip("venue:N"),
            alt.Tooltip("year:O"),
            alt.Tooltip("share:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", title="95% CI low", format=".1%"),
            alt.Tooltip("ci_high:Q", title="95% CI high", format=".1%"),
            alt.Tooltip("pytorch_only:Q", title="PyTorch only"),
            alt.Tooltip("tensorflow_only:Q", title="TensorFlow only"),
        ],
    )
    bars = base.mark_errorbar(ticks=True).encode(y=alt.Y("ci_low:Q", title=y_title), y2="ci_high:Q")
    return (bars + line).properties(
        width=640,
        height=300,
        title="PyTorch share among papers using exactly one of PyTorch and TensorFlow",
        description="Line chart: per venue, the PyTorch share per year with its 95% interval "
        "as an error bar; a dashed line for all venues together.",
    )


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    return chart.to_dict()


def write_images(chart: alt.TopLevelMixin, stem: Path) -> list[Path]:
    """SVG and PNG of a chart, for articles; rendered without a browser or network."""
    vl = spec(chart)
    svg = stem.with_suffix(".svg")
    png = stem.with_suffix(".png")
    svg.write_text(vlc.vegalite_to_svg(vl), encoding="utf-8")
    png.write_bytes(vlc.vegalite_to_png(vl, scale=2))
    return [svg, png]


def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script, so the report needs no CDN."""
    # vl-convert's stub makes snippet required; it defaults to the one that sets the globals.
    return vlc.javascript_bundle()  # type: ignore[call-arg]


GREY = "#9ca3af"  # for a framework the catalogue gives no colour


def framework_colors() -> dict[str, str]:
    """One colour per framework in every signal chart (the catalogue's ``color``), in the
    catalogue's order."""
    return {fw.id: fw.color for fw in load_catalogue().frameworks if fw.color}


def _framework_order(framework: str) -> tuple[int, str]:
    order = list(framework_colors())
    return (order.index(framework) if framework in order else len(order), framework)


def signal_chart(
    points: Sequence[SignalPoint], title: str, unit: str, share_title: str
) -> alt.VConcatChart:
    """One industry signal, every framework: its share of the frameworks' total per month (or
    survey year) above, the raw values below (log scale: frameworks differ by orders of
    magnitude). Months not over yet are left out: a partial month would look like a fall."""
    yearly = any(p.kind == "yearly" for p in points)
    # One point a year, or a series only a few months old (job counts), is a line of few
    # points: mark them, or a single month would draw nothing.
    few = yearly or len({p.period for p in points if p.complete}) < 3
    data = alt.Data(
        values=[
            {
                "framework": p.framework,
                # A year is drawn at its first day, a month at its first day.
                "month": f"{p.period}-01-01" if p.kind == "yearly" else f"{p.period}-01",
                "value": p.value,
                "share": p.share,
            }
            for p in points
            if p.complete and p.kind in ("monthly", "yearly")
        ]
    )
    present = sorted({p.framework for p in points}, key=_framework_order)
    palette = framework_colors()
    colors = alt.Scale(domain=present, range=[palette.get(f, GREY) for f in present])
    base = alt.Chart(data).encode(
        x=alt.X(
            "month:T",
            title="Year" if yearly else "Month",
            axis=alt.Axis(format="%Y", tickCount="year") if yearly else alt.Axis(),
        ),
        color=alt.Color("framework:N", title="Framework", scale=colors),
    )
    per = "year" if yearly else "month"
    tooltip = [
        alt.Tooltip("framework:N"),
        alt.Tooltip("month:T", title=per, format="%Y" if yearly else "%Y-%m"),
        alt.Tooltip("value:Q", title=unit, format=","),
        alt.Tooltip("share:Q", format=".1%"),
    ]
    share = base.mark_line(point=few).encode(
        y=alt.Y("share:Q", title=share_title, axis=alt.Axis(format="%")),
        tooltip=tooltip,
    )
    raw = base.mark_line(point=few).encode(
        y=alt.Y("value:Q", title=f"{unit} per {per}", scale=alt.Scale(type="symlog")),
        tooltip=tooltip,
    )
    return alt.vconcat(
        share.properties(width=640, height=200), raw.properties(width=640, height=200)
    ).properties(title=title)


def industry_comparison(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """PyTorch's share of PyTorch + TensorFlow per year: in papers (all venues) and in each
    industry signal, on one axis. ``rows``: ``{"source", "year", "share"}``."""
    data = alt.Data(values=list(rows))
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "share:Q",
                title="PyTorch share of PyTorch + TensorFlow",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("source:N", title="Source"),
            strokeDash=alt.StrokeDash("papers:N", legend=None),
            tooltip=[
                alt.Tooltip("source:N"),
                alt.Tooltip("year:O"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(width=640, height=320, title="Papers against industry: PyTorch share")
    )


def arxiv_month_chart(rows: Sequence[Any], categories: int = 6) -> alt.Chart:
    """arXiv's PyTorch share per month (bulk runs): all categories together and the
    ``categories`` largest primary categories, each month's 95% interval in the tooltip."""
    papers: dict[str, int] = {}
    for r in rows:
        papers[r.category] = papers.get(r.category, 0) + r.papers
    shown = sorted(papers, key=lambda c: (c != "all", -papers[c]))[: categories + 1]
    data = alt.Data(
        values=[
            {
                "month": f"{r.month}-01",
                "category": r.category,
                "share": r.share,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "papers": r.papers,
            }
            for r in rows
            if r.category in shown and r.share is not None
        ]
    )
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Month of first version"),
            y=alt.Y(
                "share:Q",
                title="PyTorch share of PyTorch + TensorFlow papers",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("category:N", title="Primary category", sort=shown),
            strokeDash=alt.StrokeDash("category:N", legend=None, sort=shown),
            tooltip=[
                alt.Tooltip("category:N"),
                alt.Tooltip("month:T", format="%Y-%m"),
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("ci_low:Q", title="95% CI low", format=".1%"),
                alt.Tooltip("ci_high:Q", title="95% CI high", format=".1%"),
                alt.Tooltip("papers:Q", title="papers read"),
            ],
        )
        .properties(
            width=640,
            height=320,
            title="arXiv: PyTorch share per month",
            description="Line chart: arXiv's PyTorch share per month of first version, all "
            "categories together and the largest primary categories.",
        )
    )

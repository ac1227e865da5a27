"""The HTML report: a page that opens on the answer and stays small at any number of papers.

``index.html`` holds the charts and the tables, whose size depends on the venue-years, not on
the papers; the evidence browser's papers are in ``data/<venue>-<year>.json`` beside it, loaded
when a count, filter or search first needs them (``paper_data``), and inlined in the page for
a small store so ``file://`` works. The numbers behind every table are also CSV files in
``tables/``. Every string from outside is escaped: Jinja autoescapes the HTML, inlined JSON
escapes ``<``, ``>`` and ``&``, and the page's script builds the browser with ``textContent``
only, linking only http(s) URLs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from fwcensus import __version__
from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES, COMBINED, DEFINITION, DEFINITION_TEXT
from fwcensus.aggregate.stage import SOURCES as SHARE_SOURCES
from fwcensus.bulk.arxiv_months import ALL_CATEGORIES, month_shares
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.detect.accuracy import recorded as recorded_accuracy
from fwcensus.detect.stage import DETECTORS
from fwcensus.models import Selection, ShareRow
from fwcensus.report import charts, coverage, landscape, study, summary
from fwcensus.report.paper_data import DataFile, DataWriter, Inline, safe_href
from fwcensus.report.scan import scan
from fwcensus.report.signal_view import (
    MIN_MONTHS,
    SignalSection,
    signal_section,
    write_signal_images,
)
from fwcensus.report.tables import TableFiles
from fwcensus.store import Store
from fwcensus.store.db import bulk_dir_for

FRAMEWORKS = ("pytorch", "tensorflow")
COMPARED = ("substring-2019", "evidence")
# Papers the browser loads at once at most: past it, it asks for a venue or a year first.
MAX_LOAD = 250_000


@dataclass(frozen=True)
class ReportFiles:
    index: Path
    images: list[Path]
    data: list[Path]  # the paper data files and their index
    tables: list[Path]  # the tables' numbers as CSV


def write_report(
    store: Store, out_dir: Path, method: str, inline: Inline = Inline.AUTO
) -> ReportFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    all_shares = store.shares.rows()
    rows = [r for r in all_shares if r.method == method]
    methods = sorted({r.method for r in all_shares} | {method}, key=_method_order)
    writer = DataWriter(out_dir)
    scanned = scan(store, methods, method, writer)
    data = writer.finish(inline)
    framework_rows = fw.rows_of_tallies(scanned.tallies, methods)
    growth = fw.growth_of_tallies(scanned.tallies, [method])
    names = {f.id: f.name for f in load_catalogue().frameworks}
    view = landscape.landscape(framework_rows, method, scanned.code_known)
    facts = study.load()
    differences = study.compare(facts, all_shares, scanned.differences)
    covered = coverage.coverage(rows, scanned.tallies)
    # arXiv by month: the bulk runs' aggregates when there are any, else the store's papers.
    bulk_months = month_shares(store, bulk_dir_for(store.path), method)
    month_rows = bulk_months or scanned.arxiv.rows()
    arxiv_chart = charts.arxiv_month_chart(month_rows) if month_rows else None
    signals = signal_section(store, rows)
    drawn = {
        "chart": ("pytorch-share", charts.share_chart(rows)),
        "landscape-chart": ("landscape", landscape.chart(view, names)),
        "study-chart": ("study2019", study.chart(differences)),
        "coverage-chart": ("coverage", coverage.chart(covered)),
        "arxiv-chart": ("arxiv-months", arxiv_chart),
    }
    images = []
    for stem, chart in drawn.values():
        if chart is not None:
            images += charts.write_images(chart, out_dir / stem)
    images += write_signal_images(signals, out_dir)
    specs = {key: charts.spec(chart) for key, (_, chart) in drawn.items() if chart is not None}
    specs.update(_signal_specs(signals))
    tables = TableFiles(out_dir)
    tables.shares(rows)
    tables.landscape(view)
    tables.study(differences)
    tables.coverage(covered)
    tables.arxiv(month_rows)
    tables.growth(growth)
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
            method=method,
            methods=methods,
            definition=DEFINITION,
            definition_text=DEFINITION_TEXT,
            definitions=fw.DEFINITIONS,
            growth_definition=fw.GROWTH_DEFINITION,
            rows=rows,
            findings=summary.sentences(rows, view.rows, names, view.measures),
            landscape=view,
            study=facts,
            differences=differences,
            study_series=study.SERIES,
            covered=covered,
            arxiv_months=[r for r in month_rows if r.category == ALL_CATEGORIES],
            arxiv_bulk=bool(bulk_months),
            undated_arxiv=scanned.arxiv.undated,
            comparison=_comparison(all_shares, scanned.differences),
            source_table=_source_table(framework_rows, method),
            sources=fw.SOURCES,
            growth=growth,
            names=names,
            specs=_script_json(specs),
            signal_section=signals,
            min_months=MIN_MONTHS,
            vega_bundle=Markup(charts.javascript_bundle()),
            browser_js=Markup(_asset("browser.js")),
            families=fw.families(),
            venues=_venue_counts(data.files),
            inline_files=[
                (name, _script_text(writer.text(name)))
                for f in data.files
                for name in (f.file, f.detail)
            ]
            if data.inline
            else [],
            data=data,
            status=store.papers.status_counts(Selection()),
            reasons=scanned.reasons,
            problems_total=scanned.problems,
            image_names=[p.name for p in images],
            table_files=tables.names,
            config=_script_json(_config(method, methods, data.as_json())),
            all_venues=ALL_VENUES,
            accuracy=[m for m in recorded_accuracy() if m.method == method],
            detector=DETECTORS.get(method, ""),
        )
    )
    index = out_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    data_files = [writer.dir / name for f in data.files for name in (f.file, f.detail)]
    data_files.append(writer.dir / "index.json")
    return ReportFiles(index=index, images=images, data=data_files, tables=tables.paths)


def _config(method: str, methods: list[str], data: dict[str, Any]) -> dict[str, Any]:
    return {
        "allVenues": ALL_VENUES,
        "defaultMethod": method,
        # Methods whose shares count a paper when its text or its own code says used.
        "combinedMethods": [m for m in methods if SHARE_SOURCES.get(m) == COMBINED],
        "data": data,
        "maxLoad": MAX_LOAD,
    }


def _venue_counts(files: list[DataFile]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for f in files:
        counts[f.venue] = counts.get(f.venue, 0) + f.papers
    return sorted(counts.items())


def _signal_specs(section: SignalSection) -> dict[str, Any]:
    """Chart specs by the id of the element each is drawn in."""
    specs = {f"signal-chart-{b.name}": charts.spec(b.chart) for b in section.blocks if b.chart}
    if section.comparison is not None:
        specs["signal-comparison"] = charts.spec(section.comparison)
    return specs


def _method_order(method: str) -> tuple[int, str]:
    return (COMPARED.index(method) if method in COMPARED else len(COMPARED), method)


def _asset(name: str) -> str:
    return resources.files("fwcensus.report").joinpath("templates", name).read_text("utf-8")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("fwcensus.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{100 * v:.1f}%"
    env.filters["ratio"] = lambda v: "n/a" if v is None else f"{v:.2f}"
    env.filters["safe_href"] = safe_href
    env.globals["is_count"] = lambda part: isinstance(part, summary.Count)
    return env


def _script_text(text: str) -> Markup:
    """JSON text for inside a <script> element: "<", ">" and "&" as \\u escapes (valid JSON,
    the same strings: in JSON they can only stand inside strings), so no "</script>" or "<!--"
    in the data can end or change the element."""
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return Markup(text)


def _script_json(value: Any) -> Markup:
    return _script_text(json.dumps(value, ensure_ascii=False))


def _comparison(shares: list[ShareRow], differences: dict[tuple[str, int], Any]) -> list[dict]:
    """Per venue-year, the substring-2019 and evidence rows side by side, with the papers
    that name a framework without using it."""
    by_key: dict[tuple[str, int], dict[str, ShareRow]] = {}
    for row in shares:
        if row.method in COMPARED:
            by_key.setdefault((row.label, row.year), {})[row.method] = row
    out = []
    for (venue, year), methods in sorted(by_key.items(), key=_all_last):
        if len(methods) != len(COMPARED):
            continue
        counts = differences.get((venue, year), {})
        named = {f: counts.get(f"named_not_used:{f}", 0) for f in FRAMEWORKS}
        out.append({"venue": venue, "year": year, "named_not_used": named, **methods})
    return out


def _all_last(item: tuple[tuple[str, int], Any]) -> tuple[bool, tuple[str, int]]:
    return (item[0][0] == ALL_VENUES, item[0])


def _source_table(rows: list[fw.FrameworkRow], method: str) -> dict[str, Any]:
    """Venue x year rows of the papers with code: per framework its share by text, by code and
    combined (``of-papers-with-code``), for ``method``. Empty without repository data."""
    chosen = [r for r in rows if r.method == method and r.definition == fw.OF_PAPERS_WITH_CODE]
    used = [f for f in fw.families() if any(r.papers for r in chosen if r.framework == f)]
    cells: dict[tuple[str, int], dict[str, dict[str, fw.FrameworkRow]]] = {}
    bases: dict[tuple[str, int], int] = {}
    for r in chosen:
        bases[(r.venue, r.year)] = r.base
        if r.framework in used:
            cells.setdefault((r.venue, r.year), {}).setdefault(r.framework, {})[r.source] = r
    keys = sorted(bases, key=lambda k: (k[0] == ALL_VENUES, k))
    return {
        "frameworks": used,
        "sources": list(fw.SOURCES),
        "rows": [(k, bases[k], cells.get(k, {})) for k in keys],
    }

"""The HTML report: one self-contained page that works offline.

Every table and chart is in ``index.html``; so is the evidence browser's data, one
``<script type="application/json">`` block per venue that the page parses only when that venue
is first looked at (``file://`` works: nothing is fetched). Every string from outside is
escaped: Jinja autoescapes the HTML, the JSON blocks escape ``<``, ``>`` and ``&``, and the
page's script builds the browser with ``textContent`` only, linking only http(s) URLs.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from fwcensus import __version__
from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.arxiv_months import ALL_CATEGORIES, month_shares
from fwcensus.aggregate.shares import ALL_VENUES, COMBINED, DEFINITION, DEFINITION_TEXT
from fwcensus.aggregate.shares import SOURCES as SHARE_SOURCES
from fwcensus.detect.accuracy import recorded as recorded_accuracy
from fwcensus.detect.catalogue import load_catalogue
from fwcensus.detect.stage import DETECTORS
from fwcensus.models import Selection, ShareRow
from fwcensus.report import charts
from fwcensus.report.signal_view import (
    MIN_MONTHS,
    SignalSection,
    signal_section,
    write_signal_images,
)
from fwcensus.store import Store
from fwcensus.store.db import bulk_dir_for

FRAMEWORKS = ("pytorch", "tensorflow")
EVIDENCE_PER_VERDICT = 8  # sentences kept per (paper, method, framework) in the browser
REPO_EVIDENCE_PER_VERDICT = 8  # repository files kept per (paper, framework) in the browser
CODE_LINKS_PER_PAPER = 12  # code links (taken and rejected) kept per paper in the browser
PROBLEMS_LISTED = 200
COMPARED = ("substring-2019", "evidence")


@dataclass(frozen=True)
class ReportFiles:
    index: Path
    images: list[Path]


def write_report(store: Store, out_dir: Path, method: str) -> ReportFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    all_shares = store.shares()
    rows = [r for r in all_shares if r.method == method]
    methods = sorted({r.method for r in all_shares} | {method}, key=_method_order)
    papers = store.paper_rows(Selection())
    verdicts = store.verdict_rows(Selection())
    facts = fw.paper_facts(store, papers=papers, verdicts=verdicts)
    framework_rows = fw.framework_rows(facts, methods)
    growth_rows = fw.growth_rows(facts, methods)
    chart = charts.share_chart(rows)
    multiples = charts.framework_multiples(
        [r for r in framework_rows if r.method == method and r.source == fw.TEXT],
        fw.OF_FRAMEWORK_PAPERS,
    )
    images = charts.write_images(chart, out_dir / "pytorch-share")
    images += charts.write_images(multiples, out_dir / "frameworks")
    signals = signal_section(store, [r for r in all_shares if r.method == method])
    images += write_signal_images(signals, out_dir)
    arxiv_months = month_shares(store, bulk_dir_for(store.path), method)
    arxiv_chart = charts.arxiv_month_chart(arxiv_months) if arxiv_months else None
    if arxiv_chart is not None:
        images += charts.write_images(arxiv_chart, out_dir / "arxiv-months")
    catalogue = load_catalogue()
    names = {f.id: f.name for f in catalogue.frameworks}
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
            comparison=_comparison(all_shares, facts),
            framework_table=_framework_table(framework_rows, method),
            source_table=_source_table(framework_rows, method),
            sources=fw.SOURCES,
            growth=[g for g in growth_rows if g.method == method],
            names=names,
            spec_json=_script_json(charts.spec(chart)),
            multiples_json=_script_json(charts.spec(multiples)),
            signal_section=signals,
            signal_specs=_script_json(_signal_specs(signals)),
            arxiv_months=[r for r in arxiv_months if r.category == ALL_CATEGORIES],
            arxiv_spec=_script_json(charts.spec(arxiv_chart) if arxiv_chart else None),
            min_months=MIN_MONTHS,
            vega_bundle=Markup(charts.javascript_bundle()),
            browser_js=Markup(_asset("browser.js")),
            venue_blocks=_venue_blocks(papers, verdicts, facts, store, methods),
            families=fw.families(),
            coverage=store.status_counts(Selection()),
            reasons=_reasons(papers),
            problems=[p for p in papers if _problem(p)][:PROBLEMS_LISTED],
            problems_total=sum(1 for p in papers if _problem(p)),
            image_names=[p.name for p in images],
            all_venues=ALL_VENUES,
            combined_methods=[m for m in methods if SHARE_SOURCES.get(m) == COMBINED],
            accuracy=[m for m in recorded_accuracy() if m.method == method],
            detector=DETECTORS.get(method, ""),
        )
    )
    index = out_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    return ReportFiles(index=index, images=images)


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
    env.globals["problem"] = _problem
    return env


def safe_href(url: str | None, page: int | None = None) -> str | None:
    """A URL fit for an href, or None: only http(s) becomes a link (no javascript:, data:)."""
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return f"{url}#page={page}" if page else url


def _script_json(value: Any) -> Markup:
    """JSON for inside a <script> element: "<", ">" and "&" as \\u escapes (valid JSON, same
    strings), so no "</script>" or "<!--" in the data can end or change the element."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return Markup(text)


def _problem(paper: dict[str, Any]) -> str | None:
    if paper["doc_status"] in ("failed", "skipped"):
        return f"fetch {paper['doc_status']}: {paper['doc_error']}"
    if paper["doc_status"] == "fetched" and paper["text_status"] in ("failed", "no-text"):
        return f"text {paper['text_status']}: {paper['text_error']}"
    return None


def _reasons(papers: list[dict[str, Any]]) -> list[tuple[str, int, str, int]]:
    counts: Counter[tuple[str, int, str]] = Counter()
    for paper in papers:
        reason = _problem(paper)
        if reason:
            counts[(_label(paper), paper["year"], reason)] += 1
    return [(v, y, r, n) for (v, y, r), n in sorted(counts.items())]


def _label(paper: dict[str, Any]) -> str:
    return paper["venue"] if paper["track"] == "main" else f"{paper['venue']} {paper['track']}"


def _comparison(shares: list[ShareRow], facts: list[fw.PaperFacts]) -> list[dict[str, Any]]:
    """Per venue-year, the substring-2019 and evidence rows side by side, with the papers
    that name a framework without using it."""
    named_not_used: dict[tuple[str, int], dict[str, int]] = {}
    for key, members in fw.groups(facts).items():
        named_not_used[key] = {
            f: sum(p.uses(COMPARED[0], f) and not p.uses(COMPARED[1], f) for p in members)
            for f in FRAMEWORKS
        }
    by_key: dict[tuple[str, int], dict[str, ShareRow]] = defaultdict(dict)
    for row in shares:
        if row.method in COMPARED:
            by_key[(row.label, row.year)][row.method] = row
    return [
        {
            "venue": venue,
            "year": year,
            "named_not_used": named_not_used.get((venue, year), {}),
            **methods,
        }
        for (venue, year), methods in sorted(by_key.items(), key=_all_last)
        if len(methods) == len(COMPARED)
    ]


def _all_last(item: tuple[tuple[str, int], Any]) -> tuple[bool, tuple[str, int]]:
    return (item[0][0] == ALL_VENUES, item[0])


def _framework_table(rows: list[fw.FrameworkRow], method: str) -> dict[str, Any]:
    """Venue x year rows, one column per framework with any paper, for ``method``."""
    chosen = [r for r in rows if r.method == method and r.source == fw.TEXT]
    used = [f for f in fw.families() if any(r.papers for r in chosen if r.framework == f)]
    cells: dict[tuple[str, int], dict[str, dict[str, fw.FrameworkRow]]] = defaultdict(dict)
    for r in chosen:
        if r.framework in used:
            cells[(r.venue, r.year)].setdefault(r.framework, {})[r.definition] = r
    keys = sorted(cells, key=lambda k: (k[0] == ALL_VENUES, k))
    return {"frameworks": used, "rows": [(k, cells[k]) for k in keys]}


def _source_table(rows: list[fw.FrameworkRow], method: str) -> dict[str, Any]:
    """Venue x year rows of the papers with code: per framework its share by text, by code and
    combined (``of-papers-with-code``), for ``method``. Empty without repository data."""
    chosen = [r for r in rows if r.method == method and r.definition == fw.OF_PAPERS_WITH_CODE]
    used = [f for f in fw.families() if any(r.papers for r in chosen if r.framework == f)]
    cells: dict[tuple[str, int], dict[str, dict[str, fw.FrameworkRow]]] = defaultdict(dict)
    bases: dict[tuple[str, int], int] = {}
    for r in chosen:
        bases[(r.venue, r.year)] = r.base
        if r.framework in used:
            cells[(r.venue, r.year)].setdefault(r.framework, {})[r.source] = r
    keys = sorted(bases, key=lambda k: (k[0] == ALL_VENUES, k))
    return {
        "frameworks": used,
        "sources": list(fw.SOURCES),
        "rows": [(k, bases[k], cells.get(k, {})) for k in keys],
    }


def _repo_record(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The browser's view of a paper's own repository: its URL and commit, and per framework
    the repository verdict with the files that decided it (file, line, text)."""
    if not rows:
        return None
    first = rows[0]
    verdicts: dict[str, list[Any]] = {}
    for row in rows:
        verdict = verdicts.setdefault(
            row["framework"], [row["framework"], row["role"], round(row["score"], 3), 0, []]
        )
        if row["file"] is None:
            continue
        verdict[3] += 1
        if len(verdict[4]) < REPO_EVIDENCE_PER_VERDICT:
            verdict[4].append([row["file"], row["line"], row["text"], row["kind"]])
    url = f"https://{first['host']}/{first['owner']}/{first['name']}"
    return {"u": safe_href(url), "n": url, "c": first["commit_sha"], "v": list(verdicts.values())}


def _link_records(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The browser's view of the own-link decision: each code link the repos stage looked at,
    the taken one first, as ``[href, url, role, score, taken, why, reasons]``; the link goes to
    the repository the printed URL was parsed as."""
    return [
        [
            safe_href(f"https://{row['host']}/{row['owner']}/{row['name']}"),
            row["url"],
            row["role"],
            round(row["score"], 2),
            bool(row["chosen"]),
            row["decision"] or "",
            row["reasons"],
        ]
        for row in rows[:CODE_LINKS_PER_PAPER]
    ]


def _venue_blocks(
    papers: list[dict[str, Any]],
    verdicts: list[dict[str, Any]],
    facts: list[fw.PaperFacts],
    store: Store,
    methods: list[str],
) -> list[dict[str, Any]]:
    """The evidence browser's data: one JSON block per venue label, papers with every
    verdict (all methods) and their first sentences."""
    catalogue = load_catalogue()
    work_year = {w.work: w.year for w in fw.works(facts)}
    has_text = {f.paper_id: f.has_text for f in facts}
    has_code = {f.paper_id for f in facts if f.has_code}
    # What the source table counts, from the same facts: families used by code and combined.
    code_use = {
        f.paper_id: {
            "code": sorted(f.used(methods[0], fw.CODE)),
            "combined": {m: sorted(f.used(m, fw.COMBINED)) for m in methods},
        }
        for f in facts
        if f.has_code
    }
    records: dict[int, dict[str, Any]] = {}
    by_venue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    repo_rows = store.repo_verdict_rows()
    link_rows = store.paper_link_rows()
    for paper in papers:
        work = paper["work_id"] or paper["paper_id"]
        record = {
            "id": paper["paper_id"],
            "t": paper["title"],
            "a": paper["authors"],
            "v": _label(paper),
            "y": paper["year"],
            "w": work,
            "wy": work_year.get(work, paper["year"]),
            "arx": paper["source"] == "arxiv",
            "u": safe_href(paper["pdf_url"]),
            "pg": safe_href(paper["page_url"]),
            "f": paper["doc_status"] == "fetched",
            "x": has_text[paper["paper_id"]],
            "p": _problem(paper),
            "m": {},
        }
        if paper["paper_id"] in has_code:
            repo = _repo_record(repo_rows.get(paper["paper_id"], []))
            if repo is not None:
                record["r"] = repo
            record["c"] = code_use[paper["paper_id"]]
        links = link_rows.get(paper["paper_id"])
        if links:
            record["k"] = _link_records(links)
            record["kn"] = len(links)
        records[paper["paper_id"]] = record
        by_venue[record["v"]].append(record)
    for verdict in verdicts:
        judged = records.get(verdict["paper_id"])
        if judged is None or not judged["x"]:
            continue
        evidence = verdict["evidence"]
        judged["m"].setdefault(verdict["method"], []).append(
            [
                verdict["framework"],
                catalogue.family(verdict["framework"]),
                verdict["role"],
                round(verdict["confidence"], 3),
                len(evidence),
                [
                    [e["page"], e["section"], e["snippet"], e["rule"]]
                    for e in evidence[:EVIDENCE_PER_VERDICT]
                ],
            ]
        )
    return [
        {
            "venue": venue,
            "count": len(items),
            # The browser offers a venue's years before (without) parsing its block.
            "years": ",".join(str(y) for y in sorted({item["y"] for item in items})),
            "json": _script_json(items),
        }
        for venue, items in sorted(by_venue.items())
    ]

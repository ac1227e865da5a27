"""The HTML report: one self-contained page that works offline."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from fwcensus import __version__
from fwcensus.aggregate.shares import DEFINITION, DEFINITION_TEXT
from fwcensus.models import Selection
from fwcensus.report import charts
from fwcensus.store import Store

FRAMEWORKS = ("pytorch", "tensorflow")


@dataclass(frozen=True)
class ReportFiles:
    index: Path
    images: list[Path]


def write_report(store: Store, out_dir: Path, method: str) -> ReportFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [r for r in store.shares() if r.method == method]
    chart = charts.share_chart(rows)
    images = charts.write_images(chart, out_dir / "pytorch-share")
    papers = store.paper_rows(Selection())
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
            method=method,
            definition=DEFINITION,
            definition_text=DEFINITION_TEXT,
            rows=rows,
            spec_json=_script_json(charts.spec(chart)),
            vega_bundle=Markup(charts.javascript_bundle()),
            evidence=_evidence_by_venue_year(store, method),
            problems=[p for p in papers if _problem(p)],
            image_names=[p.name for p in images],
        )
    )
    index = out_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    return ReportFiles(index=index, images=images)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("fwcensus.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{100 * v:.1f}%"
    env.filters["safe_href"] = safe_href
    env.globals["problem"] = _problem
    return env


def safe_href(url: str | None, page: int | None = None) -> str | None:
    """A URL fit for an href, or None: only http(s) becomes a link (no javascript:, data:)."""
    if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return f"{url}#page={page}" if page else url


def _script_json(value: Any) -> Markup:
    # Inside <script>, "</" would end the element early; JSON allows "<\/" as the same string.
    return Markup(json.dumps(value).replace("</", "<\\/"))


def _problem(paper: dict[str, Any]) -> str | None:
    if paper["doc_status"] in ("failed", "skipped"):
        return f"fetch {paper['doc_status']}: {paper['doc_error']}"
    if paper["text_status"] in ("failed", "no-text"):
        return f"text {paper['text_status']}: {paper['text_error']}"
    return None


def _evidence_by_venue_year(store: Store, method: str) -> dict[tuple[str, int], list[dict]]:
    """Papers naming a framework, grouped per venue (with its track) and year, each with its
    first hit per framework."""
    grouped: dict[tuple[str, int], dict[int, dict[str, Any]]] = defaultdict(dict)
    for verdict in store.verdict_rows(Selection(), method):
        if verdict["framework"] not in FRAMEWORKS:
            continue
        label = verdict["venue"]
        if verdict["track"] != "main":
            label = f"{label} {verdict['track']}"
        papers = grouped[(label, verdict["year"])]
        paper = papers.setdefault(
            verdict["paper_id"],
            {"title": verdict["title"], "pdf_url": verdict["pdf_url"], "hits": {}},
        )
        paper["hits"][verdict["framework"]] = {
            "count": len(verdict["evidence"]),
            "first": verdict["evidence"][0] if verdict["evidence"] else None,
        }
    return {key: list(papers.values()) for key, papers in sorted(grouped.items())}

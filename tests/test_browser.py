"""The demo report in a real browser: headless Debian Chromium driven by Playwright, the page
served by a plain local HTTP server, as a reader would open it."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import aggregate_shares
from fwcensus.demo.run import run_demo
from fwcensus.detect.evidence import METHOD as EVIDENCE
from fwcensus.detect.stage import DETECTORS
from fwcensus.detect.substring2019 import METHOD as SUBSTRING
from fwcensus.models import (
    DocStatus,
    Evidence,
    ExtractedText,
    FetchResult,
    Paper,
    Role,
    Selection,
    TextStatus,
    Verdict,
)
from fwcensus.report.stage import write_report
from fwcensus.store import Store
from fwcensus.store.db import PaperRepoLink

CHROMIUM = os.environ.get("FWCENSUS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
HOSTILE = "<script>alert(1)</script> Hostile title"
HOSTILE_REASON = "<img src=x onerror=alert(3)> owner is author (+2)"
HOSTILE_DECISION = "<script>alert(2)</script> taken as the authors' own"
SENTENCE = "We implement our model in PyTorch 1.7 on one GPU."

from playwright.sync_api import Page, sync_playwright  # noqa: E402

# The README's test command installs Debian's Chromium; a missing browser is a failure.
assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: apt-get install -y chromium"


def add_hostile_paper(store: Store) -> int:
    store.upsert_papers(
        [Paper("cvf", "hostile", "CVPR", 2019, HOSTILE, ("Mallory <m@x>",),
               "https://openaccess.thecvf.com/hostile.pdf")],
        "test",
    )  # fmt: skip
    [doc] = [d for d in store.documents(Selection()) if d.url.endswith("hostile.pdf")]
    sha = store.blobs.put_bytes(b"%PDF-1.4 hostile")
    store.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=16), DocStatus.FETCHED)
    store.save_text(sha, ExtractedText(TextStatus.OK, pages=(SENTENCE,)), "test")
    for method in (SUBSTRING, EVIDENCE):
        [job] = [
            j
            for j in store.detect_jobs(Selection(), method, DETECTORS[method])
            if j.paper_id == doc.paper_id
        ]
        evidence = (Evidence(2, 26, 33, SENTENCE, f"{method}:test", "body"),)
        verdict = Verdict("pytorch", Role.USED, 0.9, evidence)
        store.save_verdicts(job.paper_id, method, job.text_sha256, [verdict], DETECTORS[method])
    store.save_paper_repos(doc.paper_id, [
        PaperRepoLink("https://github.com/mallory/own", "github.com", "mallory", "own", "own",
                      True, 4.0, ("in the abstract (+2)",), "text", 1, "abstract", None, None,
                      HOSTILE_DECISION),
        PaperRepoLink("javascript:alert(4)//github.com/x/y", "github.com", "x", "y",
                      "third-party", False, -5.0, (HOSTILE_REASON,), "text", 9,
                      "references", None, None, "score -5 is below 2"),
    ])  # fmt: skip
    return doc.paper_id


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("browser")
    result = run_demo(out / "demo", lambda _: None)
    with Store(result.db) as store:
        hostile_id = add_hostile_paper(store)
        for method in (SUBSTRING, EVIDENCE):
            aggregate_shares(store, method)
        files = write_report(store, out / "report", SUBSTRING)
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(files.index.parent)
    )
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/index.html", "db": result.db,
           "hostile_id": hostile_id, "shots": out / "screenshots"}  # fmt: skip
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(report: dict[str, Any], browser: Any) -> Iterator[tuple[Page, list[str], list[str]]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(report["url"])
    page.wait_for_selector("#chart svg .mark-line path")
    yield page, errors, dialogs
    context.close()


def shot(page: Page, report: dict[str, Any], name: str, **kw: Any) -> None:
    report["shots"].mkdir(exist_ok=True)
    page.screenshot(path=str(report["shots"] / f"{name}.png"), **kw)
    keep = os.environ.get("FWCENSUS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(report["shots"] / f"{name}.png", Path(keep) / f"{name}.png")


def test_page_loads_without_errors_and_draws_its_charts(page: Any, report: dict) -> None:
    p, errors, dialogs = page
    assert p.locator("#chart svg .mark-line path").count() >= 1  # one line per venue
    assert p.locator("#chart svg .mark-symbol path").count() >= 2  # its points
    p.wait_for_selector("#multiples svg .mark-line path")
    assert p.locator("#multiples svg .mark-line path").count() >= 2
    shot(p, report, "01-headline", full_page=False)
    shot(p, report, "02-full", full_page=True)
    assert errors == [] and dialogs == []


def test_source_table_counts_list_exactly_the_papers_counted(page: Any, report: dict) -> None:
    p, errors, _ = page
    with Store(report["db"]) as store:
        every = fw.paper_facts(store)
    rows = fw.framework_rows(every, [SUBSTRING])
    shown = {r.framework for r in rows if r.definition == fw.OF_PAPERS_WITH_CODE and r.papers}
    facts = [f for f in every if f.venue == "CVPR" and f.year == 2021]
    coded = [f for f in facts if f.has_code]
    assert coded, "the demo reads repositories of CVPR 2021 papers"
    expected = {("with_code", ""): {f.paper_id for f in coded}}
    for source in fw.SOURCES:
        for family in {x for f in coded for x in f.used(SUBSTRING, source)} & shown:
            expected[(f"src_{source}", family)] = {
                f.paper_id for f in coded if family in f.used(SUBSTRING, source)
            }
    cell = '#source-table button[data-venue="CVPR"][data-year="2021"]'
    for (measure, family), ids in expected.items():
        button = p.locator(f'{cell}[data-measure="{measure}"][data-framework="{family}"]')
        assert int(button.inner_text()) == len(ids), (measure, family)
        button.click()
        assert sorted(_listed_ids(p)) == sorted(ids), (measure, family)
    assert any(m == "src_code" for m, _ in expected)
    assert errors == []


def test_no_venue_block_is_parsed_until_papers_are_asked_for(browser: Any, report: dict) -> None:
    context = browser.new_context()
    # Count the parses of the venue blocks (arrays of paper records) the page makes.
    context.add_init_script(
        "window.__blocks = []; const parse = JSON.parse;"
        " JSON.parse = function (text) { const out = parse.apply(this, arguments);"
        " if (Array.isArray(out) && out.length && out[0] && 'wy' in out[0]) {"
        " window.__blocks.push(out[0].v); } return out; };"
    )
    p = context.new_page()
    p.goto(report["url"])
    p.wait_for_selector("#chart svg .mark-line path")
    assert p.evaluate("window.__blocks") == []
    assert p.locator("#results li").count() == 0
    assert "click any count" in p.locator("#summary").inner_text()
    years = p.locator("#f-year option").evaluate_all("os => os.map(o => o.value)")
    assert "2019" in years and "2023" in years  # offered from the blocks' attributes
    p.select_option("#f-venue", "ICCV")
    assert p.evaluate("window.__blocks") == ["ICCV"]
    assert p.locator("#results li").count() > 0
    context.close()


def test_every_industry_signal_draws_its_frameworks(page: Any, report: dict) -> None:
    p, errors, _ = page
    with Store(report["db"]) as store:
        names = [m["name"] for m in store.signals.meta()]
        collected = set(store.signals.counts())
    assert len(names) == 11
    # The demo holds no arXiv papers: arxiv-mentions is listed, with nothing to draw.
    assert set(names) - collected == {"arxiv-mentions"}
    assert p.locator("#signal-chart-arxiv-mentions").count() == 0
    names = [n for n in names if n in collected]
    for name in names:
        chart = f"#signal-chart-{name} svg .mark-line path"
        # A series one month old (the job counts) draws points; its lines have no length.
        p.wait_for_selector(chart, state="attached")
        assert p.locator(chart).count() >= 2 * 2  # share and raw panels, several frameworks
    p.wait_for_selector("#signal-comparison svg .mark-line path")
    # papers plus one line per signal
    assert p.locator("#signal-comparison svg .mark-line path").count() == 1 + len(names)
    p.locator("#signals").scroll_into_view_if_needed()
    shot(p, report, "06-signals", full_page=False)
    assert errors == []


def _listed_ids(p: Page) -> list[int]:
    ids: list[int] = []
    while True:
        ids += [int(x) for x in p.locator("#results li").evaluate_all(
            "els => els.map(e => e.dataset.paperId)")]  # fmt: skip
        if p.locator("#next").is_disabled():
            return ids
        p.click("#next")


def test_clicking_a_count_lists_exactly_the_papers_counted(page: Any, report: dict) -> None:
    p, errors, _ = page
    with Store(report["db"]) as store:
        verdicts = store.verdict_rows(Selection(("CVPR",), (2019,)), SUBSTRING)
        papers = store.paper_rows(Selection(("CVPR",), (2019,)))
        [row] = [r for r in store.shares() if (r.venue, r.year, r.method) == ("CVPR", 2019,
                                                                            SUBSTRING)]  # fmt: skip
    pt = {v["paper_id"] for v in verdicts if v["framework"] == "pytorch" and v["role"] == "used"}
    tf = {v["paper_id"] for v in verdicts if v["framework"] == "tensorflow"}
    cases = {
        "pytorch": pt,
        "tensorflow_only": tf - pt,
        "listed": {r["paper_id"] for r in papers},
        "fetched": {r["paper_id"] for r in papers if r["doc_status"] == "fetched"},
    }
    for measure, expected in cases.items():
        button = p.locator(
            f'#shares button[data-venue="CVPR"][data-year="2019"][data-measure="{measure}"]'
        )
        shown = int(button.inner_text())
        button.click()
        got = _listed_ids(p)
        assert sorted(got) == sorted(expected), measure
        assert shown == len(expected) == getattr(row, measure)
        if measure == "pytorch":
            shot(p, report, "03-count-clicked")
    assert errors == []


def test_a_papers_evidence_shows_its_sentence_and_page_link(page: Any, report: dict) -> None:
    p, errors, _ = page
    p.fill("#f-title", "Hostile")
    p.locator("#results button.paper").first.click()
    detail = p.locator("#detail")
    assert SENTENCE in detail.inner_text()
    link = detail.locator("li.evidence a").first
    assert link.get_attribute("href") == "https://openaccess.thecvf.com/hostile.pdf#page=2"
    shot(p, report, "04-evidence")
    assert errors == []


def test_a_script_in_a_title_is_text_and_runs_nothing(page: Any, report: dict) -> None:
    p, errors, dialogs = page
    p.fill("#f-title", "alert(1)")
    [title] = p.locator("#results button.paper").all_inner_texts()
    assert title == HOSTILE
    p.locator("#results button.paper").first.click()
    assert p.locator("#detail h3").inner_text() == HOSTILE
    assert p.locator("#detail script, #results script").count() == 0
    p.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    # Filtering by venue, year, framework and role narrows the list and keeps it consistent.
    p.click("#f-clear")
    p.select_option("#f-venue", "CVPR")
    p.select_option("#f-year", "2019")
    p.select_option("#f-method", EVIDENCE)
    p.select_option("#f-framework", "pytorch")
    p.select_option("#f-role", "used")
    assert report["hostile_id"] in _listed_ids(p)
    shot(p, report, "05-filters")


def test_a_papers_code_repository_lists_the_files_that_decided(page: Any, report: dict) -> None:
    p, errors, _ = page
    html = p.content()
    blocks = re.findall(r'<script type="application/json" class="venue-data"[^>]*>(.*?)</script>',
                        html, re.S)  # fmt: skip
    papers = [paper for block in blocks for paper in json.loads(block) if paper.get("r")]
    assert papers, "the demo reads the repositories its papers link"
    paper = papers[0]
    p.select_option("#f-venue", paper["v"])
    p.fill("#f-title", paper["t"])
    p.locator("#results button.paper").first.click()
    detail = p.locator("#detail")
    assert detail.locator("h4 a").last.get_attribute("href") == paper["r"]["u"]
    [verdict, *_] = paper["r"]["v"]
    first_file = verdict[4][0]
    assert f"{first_file[0]}:{first_file[1]}" in detail.locator("ul.repo-evidence").inner_text()
    text_used = {v[0] for v in paper["m"].get(EVIDENCE, []) if v[2] == "used"}
    code_used = {v[0] for v in paper["r"]["v"] if v[1] == "used"}
    said = detail.locator("p.agreement, p.conflict").inner_text()
    for framework in text_used & code_used:
        assert f"{framework} both" in said
    for framework in code_used - text_used:
        assert f"{framework} code only" in said
    assert ("they disagree" in said) == bool(text_used and code_used and not text_used & code_used)
    assert p.locator("#source-table").count() == 1
    shot(p, report, "06-repo-evidence")
    assert errors == []


def test_a_papers_code_links_show_which_was_taken_and_why_the_others_were_not(
    page: Any, report: dict
) -> None:
    p, errors, dialogs = page
    with Store(report["db"]) as store:
        decided = {pid: rows for pid, rows in store.paper_link_rows().items() if pid != report[
            "hostile_id"]}  # fmt: skip
        titles = {r["paper_id"]: (r["title"], r["venue"]) for r in store.paper_rows(Selection())}
    paper_id, rows = next((pid, rows) for pid, rows in decided.items() if rows[0]["chosen"])
    title, venue = titles[paper_id]
    p.select_option("#f-venue", venue)
    p.fill("#f-title", title)
    p.locator("#results button.paper").first.click()
    items = p.locator("#detail ul.link-decisions > li")
    assert items.count() == len(rows)
    first = items.first
    assert first.get_attribute("class") == "taken"
    assert rows[0]["decision"] in first.inner_text()
    repo = f"https://{rows[0]['host']}/{rows[0]['owner']}/{rows[0]['name']}"
    assert first.locator("a").get_attribute("href") == repo
    assert "the authors' own is taken" in p.locator("#detail div.code-links h4").inner_text()
    p.locator("#detail div.code-links").scroll_into_view_if_needed()
    shot(p, report, "07-code-links")
    # A hostile decision, reasons and URL are text; the link goes to the repository parsed.
    p.click("#f-clear")
    p.fill("#f-title", "Hostile")
    p.locator("#results button.paper").first.click()
    shown = p.locator("#detail div.code-links").inner_text()
    assert HOSTILE_DECISION in shown and HOSTILE_REASON in shown
    assert p.locator("#detail div.code-links script, #detail div.code-links img").count() == 0
    rejected = p.locator("#detail ul.link-decisions > li.rejected")
    assert rejected.locator("a").get_attribute("href") == "https://github.com/x/y"
    assert "javascript:alert(4)//github.com/x/y" in rejected.inner_text()
    p.wait_for_timeout(300)
    assert dialogs == [] and errors == []

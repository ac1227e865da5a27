"""The demo report in a real browser: headless Debian Chromium driven by Playwright, the page
served by a plain local HTTP server, as a reader would open it."""

from __future__ import annotations

import functools
import http.server
import json
import os
import random
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES, aggregate_shares
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
from fwcensus.report import study
from fwcensus.report.paper_data import Inline
from fwcensus.report.stage import write_report
from fwcensus.store import Store
from fwcensus.store.repos import PaperRepoLink

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
    store.papers.upsert(
        [Paper("cvf", "hostile", "CVPR", 2019, HOSTILE, ("Mallory <m@x>",),
               "https://openaccess.thecvf.com/hostile.pdf")],
        "test",
    )  # fmt: skip
    [doc] = [d for d in store.documents.with_status(Selection()) if d.url.endswith("hostile.pdf")]
    sha = store.blobs.put_bytes(b"%PDF-1.4 hostile")
    store.documents.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=16), DocStatus.FETCHED)
    store.texts.save(sha, ExtractedText(TextStatus.OK, pages=(SENTENCE,)), "test")
    for method in (SUBSTRING, EVIDENCE):
        [job] = [
            j
            for j in store.verdicts.jobs(Selection(), method, DETECTORS[method])
            if j.paper_id == doc.paper_id
        ]
        evidence = (Evidence(2, 26, 33, SENTENCE, f"{method}:test", "body"),)
        verdict = Verdict("pytorch", Role.USED, 0.9, evidence)
        store.verdicts.save(job.paper_id, method, job.text_sha256, [verdict], DETECTORS[method])
    store.repos.save_links(doc.paper_id, [
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
    """The demo's store with a hostile paper, reported twice: under substring-2019 with its
    papers inlined (a small store's default), and under evidence (the default method) with its
    papers only in data files, loaded on demand; one local HTTP server serves both."""
    out = tmp_path_factory.mktemp("browser")
    result = run_demo(out / "demo", lambda _: None)
    with Store(result.db) as store:
        hostile_id = add_hostile_paper(store)
        for method in (SUBSTRING, EVIDENCE):
            aggregate_shares(store, method)
        write_report(store, out / "report", SUBSTRING)
        write_report(store, out / "report-files", EVIDENCE, Inline.NEVER)
    with serving(out) as base:
        yield {"url": f"{base}/report/index.html", "files_url": f"{base}/report-files/index.html",
               "db": result.db, "hostile_id": hostile_id, "out": out,
               "shots": out / "screenshots"}  # fmt: skip


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@contextmanager
def opened(browser: Any, url: str) -> Iterator[tuple[Page, list[str], list[str], list[str]]]:
    """The page at ``url`` once its headline chart is drawn, with the errors and dialogs it
    raises and every URL it requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url)
    page.wait_for_selector("#chart svg .mark-line path")
    try:
        yield page, errors, dialogs, requested
    finally:
        context.close()


@pytest.fixture
def page(report: dict[str, Any], browser: Any) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The report under substring-2019, its papers inlined."""
    with opened(browser, report["url"]) as (page, errors, dialogs, _):
        yield page, errors, dialogs


@pytest.fixture
def files_page(report: dict[str, Any], browser: Any) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The report under evidence, its papers in data files: the page, its errors, the URLs
    it requested."""
    with opened(browser, report["files_url"]) as (page, errors, _, requested):
        yield page, errors, requested


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
    for chart in ("#landscape-chart", "#study-chart", "#coverage-chart"):
        p.wait_for_selector(f"{chart} svg .role-mark path")
    assert p.locator("#landscape-chart svg .mark-line path").count() >= 2
    # The first thing a reader meets is the chart, then what it shows in words.
    headings = p.locator("main h2").all_inner_texts()
    assert headings[0].startswith("The answer: PyTorch's share")
    assert headings[1:4] == ["Every framework", "The 2019 study beside fwcensus", "How sure"]
    assert p.locator("#findings p.finding").count() >= 3
    # Read without seeing it: every table has a caption, every chart a description.
    assert p.locator("table").count() > 8 and p.locator("table:not(:has(> caption))").count() == 0
    for chart in p.locator("div.chart[id]").all():
        described = chart.get_attribute("aria-describedby")
        label = chart.get_attribute("aria-label")
        assert label or p.locator(f"#{described}").inner_text().strip(), chart.get_attribute("id")
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
        " if (Array.isArray(out) && out.length && out[0] && 't' in out[0]) {"
        " window.__blocks.push(out.map(p => p.id)); } return out; };"
    )
    p = context.new_page()
    p.goto(report["url"])
    p.wait_for_selector("#chart svg .mark-line path")
    assert p.evaluate("window.__blocks") == []
    assert p.locator("#results li").count() == 0
    assert "click any count" in p.locator("#summary").inner_text()
    years = p.locator("#f-year option").evaluate_all("os => os.map(o => o.value)")
    assert "2019" in years and "2023" in years  # offered from the data index
    p.select_option("#f-venue", "ICCV")
    ready(p)
    with Store(report["db"]) as store:
        iccv = store.papers.rows(Selection(("ICCV",)))
    blocks = p.evaluate("window.__blocks")
    assert len(blocks) == len({r["year"] for r in iccv})  # one block a year, ICCV's only
    assert sorted(i for block in blocks for i in block) == sorted(r["paper_id"] for r in iccv)
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


def ready(p: Page) -> None:
    """Until the evidence browser has listed what was last asked (its data loaded)."""
    p.wait_for_selector('#browser[data-state="ready"]')


def open_first(p: Page) -> None:
    """Open the first paper listed, once listed, and wait for its detail to load."""
    ready(p)
    p.locator("#results button.paper").first.click()
    p.wait_for_selector('#detail[data-state="ready"]')


def _listed_ids(p: Page) -> list[int]:
    ready(p)
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
        verdicts = store.verdicts.rows(Selection(("CVPR",), (2019,)), SUBSTRING)
        papers = store.papers.rows(Selection(("CVPR",), (2019,)))
        [row] = [r for r in store.shares.rows() if (r.venue, r.year, r.method) == ("CVPR", 2019,
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
    open_first(p)
    detail = p.locator("#detail")
    assert SENTENCE in detail.inner_text()
    link = detail.locator("li.evidence a").first
    assert link.get_attribute("href") == "https://openaccess.thecvf.com/hostile.pdf#page=2"
    shot(p, report, "04-evidence")
    assert errors == []


def test_a_script_in_a_title_is_text_and_runs_nothing(page: Any, report: dict) -> None:
    p, errors, dialogs = page
    p.fill("#f-title", "alert(1)")
    ready(p)
    [title] = p.locator("#results button.paper").all_inner_texts()
    assert title == HOSTILE
    open_first(p)
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
    blocks = dict(re.findall(r'<script type="application/json" class="venue-data" '
                             r'data-file="([^"]+)">(.*?)</script>', html, re.S))  # fmt: skip
    config = json.loads(p.locator("#report-config").text_content() or "{}")
    papers = [
        {**paper, **json.loads(blocks[f["detail"]])[str(paper["id"])], "v": f["venue"]}
        for f in config["data"]["files"]
        for paper in json.loads(blocks[f["file"]])
    ]
    papers = [paper for paper in papers if paper.get("r")]
    assert papers, "the demo reads the repositories its papers link"
    paper = papers[0]
    p.select_option("#f-venue", paper["v"])
    p.fill("#f-title", paper["t"])
    open_first(p)
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
        decided = {pid: rows for pid, rows in store.repos.link_rows().items() if pid != report[
            "hostile_id"]}  # fmt: skip
        titles = {r["paper_id"]: (r["title"], r["venue"]) for r in store.papers.rows(Selection())}
    paper_id, rows = next((pid, rows) for pid, rows in decided.items() if rows[0]["chosen"])
    title, venue = titles[paper_id]
    p.select_option("#f-venue", venue)
    p.fill("#f-title", title)
    open_first(p)
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
    open_first(p)
    shown = p.locator("#detail div.code-links").inner_text()
    assert HOSTILE_DECISION in shown and HOSTILE_REASON in shown
    assert p.locator("#detail div.code-links script, #detail div.code-links img").count() == 0
    rejected = p.locator("#detail ul.link-decisions > li.rejected")
    assert rejected.locator("a").get_attribute("href") == "https://github.com/x/y"
    assert "javascript:alert(4)//github.com/x/y" in rejected.inner_text()
    p.wait_for_timeout(300)
    assert dialogs == [] and errors == []


# -- the answer, the landscape, the 2019 study, how sure, and the data loaded on demand ---------


def _counted(facts: list[fw.PaperFacts], year: int, venue: str, rule: Any) -> set[int]:
    """Ids of the papers of a venue-year (over all venues: of the year) whose families used
    under evidence (text or own code) satisfy ``rule``."""
    return {
        f.paper_id
        for f in facts
        if f.year == year
        and venue in (ALL_VENUES, f.label)
        and (f.has_text or f.has_code)
        and rule(f.used(EVIDENCE, fw.COMBINED))
    }


def test_the_sentences_numbers_are_the_stores(files_page: Any, report: dict) -> None:
    p, errors, _ = files_page
    with Store(report["db"]) as store:
        rows = {(r.label, r.year): r for r in store.shares.rows() if r.method == EVIDENCE}
        facts = fw.paper_facts(store)
    landscape = {
        (r.venue, r.year, r.framework): r
        for r in fw.framework_rows(facts, [EVIDENCE])
        if r.source == fw.COMBINED and r.definition == fw.OF_FRAMEWORK_PAPERS
    }
    of_row = {
        "pytorch_only": lambda r: r.pytorch_only,
        "one_of_two": lambda r: r.pytorch_only + r.tensorflow_only,
        "both": lambda r: r.both,
        "neither": lambda r: r.neither,
        "judged": lambda r: r.pytorch + r.tensorflow - r.both + r.neither,
    }
    buttons = p.locator("#findings button.count").evaluate_all(
        "bs => bs.map(b => [b.dataset.venue, Number(b.dataset.year), b.dataset.measure,"
        " b.dataset.framework, Number(b.textContent)])"
    )
    measures = {b[2] for b in buttons}
    assert {"pytorch_only", "one_of_two", "both", "neither", "judged"} <= measures
    assert "framework_combined" in measures  # the most used other framework, text or code
    for venue, year, measure, framework, shown in buttons:
        if measure in of_row:
            assert shown == of_row[measure](rows[(venue, year)]), (venue, year, measure)
        elif measure == "framework_combined":
            assert shown == landscape[(venue, year, framework)].papers
        else:
            assert measure == "any_framework_combined"
            assert shown == landscape[(venue, year, "pytorch")].base
    first = p.locator("#findings p.finding").first
    row = rows[(first.get_attribute("data-venue"), int(first.get_attribute("data-year") or 0))]
    assert row.share is not None and row.ci_low is not None and row.ci_high is not None
    quoted = f"{100 * row.share:.0f}% [{100 * row.ci_low:.0f}%, {100 * row.ci_high:.0f}%]"
    assert quoted in first.inner_text()
    shot(p, report, "08-answer", full_page=False)
    # A sentence's count lists exactly the papers it counts, loaded on demand.
    button = p.locator('#findings button.count[data-measure="one_of_two"]').first
    venue, year = button.get_attribute("data-venue"), int(button.get_attribute("data-year") or 0)
    button.click()
    expected = _counted(facts, year, venue or "", lambda u: ("pytorch" in u) != ("tensorflow" in u))
    assert sorted(_listed_ids(p)) == sorted(expected)
    assert int(button.inner_text()) == len(expected)
    assert errors == []


def test_the_landscape_draws_every_framework_used_per_venue(files_page: Any, report: dict) -> None:
    p, errors, _ = files_page
    with Store(report["db"]) as store:
        facts = fw.paper_facts(store)
    rows = [
        r
        for r in fw.framework_rows(facts, [EVIDENCE])
        if r.source == fw.COMBINED and r.definition == fw.OF_FRAMEWORK_PAPERS
    ]
    used = {r.framework for r in rows if r.papers}
    assert len(used) > 2, "the demo's papers use more than PyTorch and TensorFlow"
    chart = p.locator("#landscape-chart")
    chart.scroll_into_view_if_needed()
    p.wait_for_selector("#landscape-chart svg .mark-line path")
    assert chart.locator("svg .mark-line path").count() == len(used)  # all venues: one each
    p.select_option("#landscape-chart select", "ICCV")
    p.wait_for_function(
        "() => [...document.querySelectorAll('#landscape-chart svg .mark-symbol.role-mark path')]"
        ".every(e => (e.getAttribute('aria-label') || '').includes('venue: ICCV'))"
    )
    shot(p, report, "09-landscape", full_page=False)
    # The table behind it: a framework's count lists the papers using it, text or code.
    p.locator("#landscape > details > summary").click()
    family = sorted(used - {"pytorch", "tensorflow"})[0]
    cell = p.locator(
        f'#framework-table button[data-venue="{ALL_VENUES}"][data-framework="{family}"]'
    ).last
    year = int(cell.get_attribute("data-year") or 0)
    cell.click()
    expected = _counted(facts, year, ALL_VENUES, lambda u: family in u)
    assert sorted(_listed_ids(p)) == sorted(expected) and int(cell.inner_text()) == len(expected)
    assert errors == []


def _marks(p: Page, chart: str, role: str) -> list[dict[str, str]]:
    """The fields of each mark drawn, from its aria-label ("field: value; ...")."""
    labels = p.locator(f'{chart} svg path[aria-roledescription="{role}"]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    return [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels]


def test_the_study_overlay_draws_the_fact_tables_numbers(files_page: Any, report: dict) -> None:
    p, errors, _ = files_page
    facts = {(r.venue, r.year): r for r in study.load().rows}
    with Store(report["db"]) as store:
        ours = {(r.venue, r.year, r.method): r for r in store.shares.rows() if r.track == "main"}
    both = sorted({(v, y) for v, y, _ in ours} & set(facts))
    assert both, "the demo holds venue-years the study counted"
    p.locator("#study").scroll_into_view_if_needed()
    p.wait_for_selector("#study-chart svg .role-mark path")
    points = _marks(p, "#study-chart", "point")
    assert len(points) == 3 * len(both)  # the study and fwcensus's two methods
    for point in points:
        venue, year = point["venue and year"].rsplit(" ", 1)
        drawn = (int(point["pytorch_only"]), int(point["tensorflow_only"]), int(point["papers"]))
        if point["series"] == study.STUDY:
            fact = facts[(venue, int(year))]
            assert drawn == (fact.pytorch_only, fact.tensorflow_only, fact.papers)
        else:
            row = ours[(venue, int(year), point["series"].removeprefix("fwcensus "))]
            assert drawn == (row.pytorch_only, row.tensorflow_only, row.listed)
    bars = [b for b in _marks(p, "#study-chart", "bar") if b["series"] == study.STUDY]
    assert {(b["venue and year"], b["measure"], int(b["count"])) for b in bars} == {
        (f"{v} {y}", measure, getattr(facts[(v, y)], measure))
        for v, y in both
        for measure in ("papers", "pytorch_only", "tensorflow_only")
    }
    # The table: the study's row as published, and the reasons for the differences.
    for venue, year in both:
        body = p.locator(f'#study-table tbody[data-venue="{venue}"][data-year="{year}"]')
        cells = body.locator(f'tr[data-series="{study.STUDY}"] td').all_inner_texts()
        fact = facts[(venue, year)]
        assert cells[1:4] == [str(fact.papers), str(fact.pytorch_only), str(fact.tensorflow_only)]
        assert "no reason is known" in body.locator("tr.reasons").inner_text()
    shot(p, report, "10-study", full_page=False)
    assert errors == []


def test_a_venue_years_papers_load_on_demand_and_are_the_stores(
    files_page: Any, report: dict
) -> None:
    p, errors, requested = files_page

    def loaded() -> list[str]:
        return [u.rsplit("/", 1)[1] for u in requested if "/data/" in u]

    assert loaded() == [] and p.locator("script.venue-data").count() == 0
    with Store(report["db"]) as store:
        papers = store.papers.rows(Selection(("CVPR",), (2019,)))
        facts = fw.paper_facts(store)
    p.locator('#shares button[data-venue="CVPR"][data-year="2019"][data-measure="listed"]').click()
    assert sorted(_listed_ids(p)) == sorted(r["paper_id"] for r in papers)
    assert loaded() == ["cvpr-2019.json"]
    open_first(p)
    assert loaded() == ["cvpr-2019.json", "cvpr-2019.detail.json"]
    assert p.locator("#detail h3").inner_text() in {r["title"] for r in papers}
    # Over all venues a year's count loads the files holding that year's works.
    count = p.locator(
        f'#shares button[data-venue="{ALL_VENUES}"][data-year="2021"][data-measure="pytorch"]'
    )
    count.click()
    expected = _counted(facts, 2021, ALL_VENUES, lambda u: "pytorch" in u)
    assert sorted(_listed_ids(p)) == sorted(expected) and int(count.inner_text()) == len(expected)
    assert set(loaded()[2:]) == {"cvpr-2021.json", "iccv-2021.json"}
    # The coverage's "with code read" lists the papers whose own repository was read.
    with_code = p.locator('#coverage-table button[data-venue="ICCV"][data-measure="with_code"]')
    first = with_code.first
    first.click()
    year = int(first.get_attribute("data-year") or 0)
    coded = {f.paper_id for f in facts if (f.label, f.year) == ("ICCV", year) and f.has_code}
    assert sorted(_listed_ids(p)) == sorted(coded) and int(first.inner_text()) == len(coded)
    assert errors == []


def test_a_file_url_works_when_inlined_and_says_to_serve_when_not(
    browser: Any, report: dict
) -> None:
    context = browser.new_context()
    p = context.new_page()
    p.goto((report["out"] / "report" / "index.html").as_uri())
    p.locator('#shares button[data-venue="ICCV"][data-year="2021"][data-measure="listed"]').click()
    with Store(report["db"]) as store:
        iccv = {r["paper_id"] for r in store.papers.rows(Selection(("ICCV",), (2021,)))}
    assert sorted(_listed_ids(p)) == sorted(iccv)
    p.goto((report["out"] / "report-files" / "index.html").as_uri())
    p.locator('#shares button[data-venue="ICCV"][data-year="2021"][data-measure="listed"]').click()
    p.wait_for_selector('#browser[data-state="error"]')
    assert "fwcensus report --serve" in p.locator("#summary").inner_text()
    context.close()


def synthetic(store: Store, n: int) -> None:
    """``n`` papers over two venues and two years: fetched with text or failed, named and
    used now and then, as the stages would leave them."""
    rng = random.Random(n)
    for venue, year in (("CVPR", 2021), ("CVPR", 2022), ("ICCV", 2021), ("ICCV", 2022)):
        store.papers.upsert(
            [Paper("cvf", f"{venue}-{year}-{i}", venue, year, f"Paper {i} of {venue} {year}",
                   ("A B", "C D"), f"https://x.org/{venue}/{year}/{i}.pdf")
             for i in range(n // 4)], "L",
        )  # fmt: skip
    for doc in store.documents.with_status(Selection()):
        if rng.random() < 0.05:
            result = FetchResult(ok=False, error="HTTP 404", last_status=404)
            store.documents.save_fetch(doc.id, result, DocStatus.FAILED)
            continue
        sha = store.blobs.put_bytes(f"%PDF {doc.id}".encode())
        store.documents.save_fetch(
            doc.id, FetchResult(ok=True, sha256=sha, size=9), DocStatus.FETCHED
        )
        store.texts.save(sha, ExtractedText(TextStatus.OK, pages=(f"text {doc.id}",)), "test")
    for method in (SUBSTRING, EVIDENCE):
        for job in store.verdicts.jobs(Selection(), method, DETECTORS[method]):
            named = [f for f in ("pytorch", "tensorflow") if rng.random() < 0.3]
            verdicts = [Verdict(f, Role.USED, 1.0, (Evidence(1, 0, 9, f"We use {f}.", "r"),))
                        for f in named]  # fmt: skip
            store.verdicts.save(job.paper_id, method, job.text_sha256, verdicts, DETECTORS[method])
        aggregate_shares(store, method)


def test_the_page_does_not_grow_with_the_store(browser: Any, tmp_path: Path) -> None:
    sizes = {}
    for n in (200, 2000):
        with Store(tmp_path / f"{n}.db") as store:
            synthetic(store, n)
            files = write_report(store, tmp_path / str(n), EVIDENCE, Inline.NEVER)
        sizes[n] = sum(p.stat().st_size for p in files.data)
    assert sizes[2000] > 5 * sizes[200]  # the papers are in the data files
    pages = {}
    with serving(tmp_path) as base:
        for n in sizes:
            with opened(browser, f"{base}/{n}/index.html") as (p, errors, _, requested):
                pages[n] = p.evaluate(
                    "performance.getEntriesByType('navigation')[0].decodedBodySize"
                )
                assert [u for u in requested if "/data/" in u] == [] and errors == []
                p.locator(
                    '#shares button[data-venue="ICCV"][data-year="2022"][data-measure="listed"]'
                ).click()
                assert len(_listed_ids(p)) == n // 4
    assert abs(pages[2000] - pages[200]) < 0.01 * pages[200], pages

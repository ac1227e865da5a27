"""Report at scale: does `fwcensus report` hold up from one venue to all of arXiv?

For each size N it builds a synthetic store through the Store API (papers over 10 venues and
6 years, ~90% fetched with text, ~40% with a PyTorch and/or TensorFlow verdict under
`substring-2019` carrying 1-3 evidence sentences), then measures

* in a fresh process (so ``ru_maxrss`` is the report's own): ``aggregate_shares`` +
  ``write_report`` wall time and peak RSS, then index.html's size and its largest
  ``script.venue-data`` block;
* in headless Chromium (Playwright, /usr/bin/chromium as tests/test_browser.py runs it), the
  page served over local HTTP: navigation until ``#chart svg`` exists; a click on the largest
  venue's biggest ``listed`` count until ``#results li`` appears again (the list is emptied
  first; Playwright's own overhead, tens of ms, is in it); the same for the "All venues" row;
  ``JSON.parse`` of the largest block alone; and
  ``performance.memory.usedJSHeapSize`` (precise, by flag).

Each quantity is printed absolute and as a ratio to the smallest N, beside N's own ratio.

    .venv/bin/python bench/report_scale.py                       # 1,500 / 15,000 / 150,000
    .venv/bin/python bench/report_scale.py --sizes 300,3000      # a smoke test
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import math
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--enable-precise-memory-info"]  # fmt: skip
TIMEOUT_MS = 600_000
# (label, source, weight): arXiv the largest block, as a census of "all of arXiv" would be.
VENUES = (
    ("arXiv", "arxiv", 30), ("NeurIPS", "neurips", 12), ("CVPR", "cvf", 12), ("ICML", "pmlr", 8),
    ("ICLR", "openreview", 8), ("ACL", "acl", 6), ("EMNLP", "acl", 6), ("ICCV", "cvf", 6),
    ("ECCV", "ecva", 6), ("AAAI", "aaai", 6),
)  # fmt: skip
YEARS = range(2017, 2023)
WORDS = (
    "learning", "deep", "neural", "network", "graph", "attention", "robust", "efficient",
    "sparse", "transformer", "vision", "language", "model", "training", "adversarial",
    "generative", "diffusion", "contrastive", "representation", "optimization", "scalable",
    "federated", "reinforcement", "policy", "data",
)  # fmt: skip
SENTENCES = (
    "We implement our model in {fw} and train it on 8 GPUs for 100 epochs.",
    "All experiments use {fw} 1.{minor} with mixed precision and a batch size of 256.",
    "Our code, written in {fw}, is available at the project page together with the weights.",
    "Baselines were re-implemented in {fw} following the authors' released configurations.",
)
FRAMEWORK_NAMES = {"pytorch": "PyTorch", "tensorflow": "TensorFlow"}


@dataclass(frozen=True)
class ReportRun:
    build_s: float
    report_s: float
    rss_before_mb: float
    rss_peak_mb: float
    html_mb: float
    block_mb: float
    block_venue: str


@dataclass(frozen=True)
class BrowserRun:
    load_s: float
    click_s: float
    click_all_s: float
    parse_block_s: float
    heap_mb: float
    listed: int


# -- the synthetic store (child process) ---------------------------------------------------------


def _papers(n: int, rng: random.Random) -> list[Any]:
    from fwcensus.models import Paper

    labels = [v for v in VENUES for _ in range(v[2])]
    papers = []
    for i in range(n):
        venue, source, _ = rng.choice(labels)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
        authors = tuple(f"Author{rng.randint(1, 99999)} Name" for _ in range(rng.randint(2, 6)))
        url = f"https://papers.example.org/{venue.lower()}/{i}"
        papers.append(
            Paper(
                source, f"{venue}-{i}", venue, rng.choice(YEARS), title, authors, f"{url}.pdf", url
            )
        )
    return papers


def _verdicts(year: int, rng: random.Random) -> list[Any]:
    """None for ~60% of papers; else PyTorch and/or TensorFlow, PyTorch rising with the year."""
    from fwcensus.detect.substring2019 import METHOD
    from fwcensus.models import Evidence, Role, Verdict

    if rng.random() >= 0.4:
        return []
    pytorch_odds = 0.2 + 0.13 * (year - YEARS.start)
    names = ["pytorch" if rng.random() < pytorch_odds else "tensorflow"]
    if rng.random() < 0.1:
        names = ["pytorch", "tensorflow"]
    verdicts = []
    for name in names:
        evidence = tuple(
            Evidence(page, 100, 160, rng.choice(SENTENCES).format(
                fw=FRAMEWORK_NAMES[name], minor=rng.randint(0, 13)), f"{METHOD}:{name}", "body")
            for page in rng.sample(range(1, 12), rng.randint(1, 3))
        )  # fmt: skip
        role = Role.USED if rng.random() < 0.85 else Role.MENTIONED
        verdicts.append(Verdict(name, role, 1.0, evidence))
    return verdicts


def build_store(db: Path, n: int, seed: int) -> None:
    """Papers -> documents (fetched, failed or pending) -> texts -> verdicts, as the stages
    would leave them; PDF hashes are made up (the report never reads a PDF) and every text is
    the same small blob, so the build costs database rows, not disk."""
    from fwcensus.detect.substring2019 import METHOD
    from fwcensus.models import DocStatus, ExtractedText, FetchResult, Selection, TextStatus
    from fwcensus.store import Store

    rng = random.Random(seed)
    text = ExtractedText(TextStatus.OK, pages=("x",))
    with Store(db) as store:
        papers = _papers(n, rng)
        store.upsert_papers(papers, "bench")
        for doc in store.documents(Selection()):
            draw = rng.random()
            if draw < 0.05:
                result = FetchResult(ok=False, error="HTTP 404", last_status=404)
                store.save_fetch(doc.id, result, DocStatus.FAILED)
                continue
            if draw < 0.08:
                continue  # still pending
            sha = hashlib.sha256(doc.url.encode()).hexdigest()
            store.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=1), DocStatus.FETCHED)
            store.save_text(sha, text, "bench")
        ids = {row["paper_id"]: row["year"] for row in store.paper_rows(Selection())}
        for job in store.detect_jobs(Selection(), METHOD):
            verdicts = _verdicts(ids[job.paper_id], rng)
            store.save_verdicts(job.paper_id, METHOD, job.text_sha256, verdicts)


def run_report(db: Path, out: Path) -> dict[str, float]:
    from fwcensus.aggregate.stage import aggregate_shares
    from fwcensus.detect.substring2019 import METHOD
    from fwcensus.report.stage import write_report
    from fwcensus.store import Store

    before = _rss_mb()
    start = time.perf_counter()
    with Store(db) as store:
        aggregate_shares(store, METHOD)
        write_report(store, out, METHOD)
    return {"seconds": time.perf_counter() - start, "rss_before": before, "rss_peak": _rss_mb()}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(argv: list[str]) -> None:
    mode, db, arg = argv
    if mode == "build":
        start = time.perf_counter()
        build_store(Path(db), int(arg), seed=2019)
        print(json.dumps({"seconds": time.perf_counter() - start}))
    else:
        print(json.dumps(run_report(Path(db), Path(arg))))


def _in_child(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- measuring one size (parent) -----------------------------------------------------------------


def largest_block(html: str) -> tuple[str, int]:
    blocks = re.findall(r'<script type="application/json" class="venue-data" '
                        r'data-venue="([^"]*)"[^>]*>(.*?)</script>', html, re.S)  # fmt: skip
    venue, body = max(blocks, key=lambda b: len(b[1]))
    return venue, len(body.encode())


def measure_report(work: Path, n: int) -> ReportRun:
    db, out = work / "store.db", work / "report"
    built = _in_child("build", str(db), str(n))
    report = _in_child("report", str(db), str(out))
    html = (out / "index.html").read_text("utf-8")
    venue, block = largest_block(html)
    return ReportRun(
        build_s=built["seconds"],
        report_s=report["seconds"],
        rss_before_mb=report["rss_before"],
        rss_peak_mb=report["rss_peak"],
        html_mb=len(html.encode()) / 1e6,
        block_mb=block / 1e6,
        block_venue=venue,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/index.html"
    finally:
        server.shutdown()
        server.server_close()


PARSE_JS = """(venue) => {
  const b = [...document.querySelectorAll("script.venue-data")]
    .find(x => x.dataset.venue === venue);
  const t = performance.now();
  JSON.parse(b.textContent);
  return performance.now() - t;
}"""


def biggest_count(page: Any, venue: str) -> str:
    """Selector of the venue's ``listed`` button with the highest count."""
    base = f'#shares button.count[data-venue="{venue}"][data-measure="listed"]'
    buttons = page.locator(base)
    counts = [(int(buttons.nth(i).inner_text()), buttons.nth(i).get_attribute("data-year"))
              for i in range(buttons.count())]  # fmt: skip
    return f'{base}[data-year="{max(counts)[1]}"]'


def timed_click(page: Any, selector: str) -> tuple[float, int]:
    """Wall time from the click to ``#results li`` existing, as Playwright sees it."""
    page.evaluate('document.getElementById("results").replaceChildren()')
    button = page.locator(selector)
    button.scroll_into_view_if_needed()
    start = time.perf_counter()
    button.click()
    page.wait_for_selector("#results li", timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    return seconds, page.locator("#results li").count()


def measure_browser(browser: Any, report_dir: Path, venue: str) -> BrowserRun:
    from fwcensus.aggregate.stage import ALL_VENUES

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    with serving(report_dir) as url:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_selector("#chart svg", timeout=TIMEOUT_MS)
        load = time.perf_counter() - start
        page.wait_for_load_state("load", timeout=TIMEOUT_MS)
        click, listed = timed_click(page, biggest_count(page, venue))
        click_all, _ = timed_click(page, biggest_count(page, ALL_VENUES))
        parse = page.evaluate(PARSE_JS, venue) / 1000
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : -1")
    context.close()
    if errors:
        raise SystemExit(f"page errors: {errors[:3]}")
    return BrowserRun(load, click, click_all, parse, heap / 1e6, listed)


# -- the report ----------------------------------------------------------------------------------

QUANTITIES: dict[str, tuple[str, str]] = {
    "report_s": ("aggregate_shares + write_report", "s"),
    "rss_peak_mb": ("peak RSS of the report process", "MB"),
    "html_mb": ("index.html size", "MB"),
    "block_mb": ("largest venue JSON block", "MB"),
    "load_s": ("page load until #chart svg", "s"),
    "click_s": ("click largest venue count -> #results li", "s"),
    "click_all_s": ("click All venues count -> #results li", "s"),
    "parse_block_s": ("JSON.parse of the largest block", "s"),
    "heap_mb": ("JS heap used (performance.memory)", "MB"),
}


def _growth(ratio: float, factor: float) -> str:
    exponent = math.log(ratio) / math.log(factor) if ratio > 0 and factor > 1 else 0.0
    if exponent < 0.8:
        return "sublinear"
    return "linear" if exponent <= 1.2 else f"worse than linear, ~N^{exponent:.1f}"


def render(sizes: list[int], rows: list[dict[str, float]], say: Callable[[str], None]) -> None:
    base_n, base = sizes[0], rows[0]
    head = f"{'quantity':44} " + " ".join(f"{f'N={n:,}':>20}" for n in sizes)
    say(head)
    say(f"{'(N ratio)':44} " + " ".join(f"{f'{n / base_n:.0f}x':>20}" for n in sizes))
    for key, (label, unit) in QUANTITIES.items():
        cells = [f"{r[key]:.4g} {unit} ({r[key] / base[key]:.1f}x)" for r in rows]
        say(f"{label:44} " + " ".join(f"{c:>20}" for c in cells))
    say("")
    for key, (label, _) in QUANTITIES.items():
        factor = sizes[-1] / base_n
        ratio = rows[-1][key] / base[key]
        last = ""
        if len(sizes) > 2:
            step_n = sizes[-1] / sizes[-2]
            step = rows[-1][key] / rows[-2][key]
            last = f"; last step {step:.1f}x for {step_n:.0f}x ({_growth(step, step_n)})"
        say(f"{label} grows {ratio:.1f}x for {factor:.0f}x papers ({_growth(ratio, factor)}){last}")


def _missing(what: str) -> NoReturn:
    print(f"report_scale: {what}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1500,15000,150000")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _missing(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    began = time.perf_counter()
    rows: list[dict[str, float]] = []
    work_root = Path(tempfile.mkdtemp(prefix="fwcensus-report-scale-"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for n in sizes:
                work = work_root / str(n)
                work.mkdir()
                report = measure_report(work, n)
                page = measure_browser(browser, work / "report", report.block_venue)
                rows.append({**asdict(report), **asdict(page)})
                print(f"N={n:,}: store built in {report.build_s:.1f} s; largest block "
                      f"{report.block_venue!r}; click listed {page.listed} papers; RSS before "
                      f"the report {report.rss_before_mb:.0f} MB", flush=True)  # fmt: skip
                shutil.rmtree(work)
            browser.close()
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    print()
    render(sizes, rows, print)
    print(f"\nwhole bench: {time.perf_counter() - began:.0f} s wall")


if __name__ == "__main__":
    main()

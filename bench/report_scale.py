"""Report at scale: does `fwcensus report` hold up from one venue to a million papers?

For each size N it builds a synthetic store through the Store API (papers over 10 venues and
6 years, arXiv split into five primary categories, ~90% fetched with text; under
`substring-2019` ~40% name PyTorch and/or TensorFlow with 1-3 evidence sentences, and under
`evidence` most of those are used, the rest mentioned or cited, a few papers use JAX, MXNet and
others), then measures

* in fresh processes (so ``ru_maxrss`` is each one's own): ``aggregate_shares`` of both
  methods, then ``write_report`` under ``evidence`` (the default; its papers go to data files
  once past the inline limit): wall time and peak RSS; the size of index.html, of all data
  files, and of the largest list and detail file;
* in headless Chromium (Playwright, /usr/bin/chromium as tests/test_browser.py runs it), the
  report served over local HTTP: navigation until the headline chart is drawn (its image,
  shown with the page) and until it is interactive (Vega's ``svg``); a click
  on the largest venue-year's ``listed`` count until the browser has loaded and listed its
  papers (Playwright's own overhead, tens of ms, is in it); the same for the largest year of
  "All venues" (every venue's files of that year); opening the first paper listed until its
  detail is shown; an in-page fetch and parse of the largest list file; and
  ``performance.memory.usedJSHeapSize`` (precise, by flag).

Each quantity is printed absolute and as a ratio to the smallest N, beside N's own ratio.

    .venv/bin/python bench/report_scale.py                       # 1,500 / 150,000 / 1,000,000
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
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
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
# (label, source, weight): arXiv the largest venue, as a census of "all of arXiv" would be.
VENUES = (
    ("arXiv", "arxiv", 30), ("NeurIPS", "neurips", 12), ("CVPR", "cvf", 12), ("ICML", "pmlr", 8),
    ("ICLR", "openreview", 8), ("ACL", "acl", 6), ("EMNLP", "acl", 6), ("ICCV", "cvf", 6),
    ("ECCV", "ecva", 6), ("AAAI", "aaai", 6),
)  # fmt: skip
# arXiv papers' primary categories (their track) and weights.
CATEGORIES = (("cs.LG", 35), ("cs.CV", 30), ("cs.CL", 20), ("cs.AI", 10), ("stat.ML", 5))
# Frameworks an evidence verdict uses now and then beside PyTorch and TensorFlow.
OTHERS = ("jax", "mxnet", "paddlepaddle", "caffe", "theano", "chainer", "keras")
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
    aggregate_s: float
    aggregate_rss_mb: float
    report_s: float
    rss_before_mb: float
    rss_peak_mb: float
    html_mb: float
    data_mb: float
    list_mb: float  # the largest list file
    detail_mb: float  # the largest detail file
    inline: bool


@dataclass(frozen=True)
class BrowserRun:
    load_s: float
    interactive_s: float
    click_s: float
    click_all_s: float
    open_s: float
    fetch_list_s: float
    heap_mb: float
    listed: int
    listed_all: int


# -- the synthetic store (child process) ---------------------------------------------------------


def _draws(n: int, rng: random.Random) -> dict[tuple[str, str, int, str], list[int]]:
    """Paper numbers per (venue, source, year, track): the store is built group by group."""
    labels = [v for v in VENUES for _ in range(v[2])]
    categories = [c for c, weight in CATEGORIES for _ in range(weight)]
    groups: dict[tuple[str, str, int, str], list[int]] = defaultdict(list)
    for i in range(n):
        venue, source, _ = rng.choice(labels)
        track = rng.choice(categories) if source == "arxiv" else "main"
        groups[(venue, source, rng.choice(YEARS), track)].append(i)
    return groups


def _papers(key: tuple[str, str, int, str], numbers: list[int], rng: random.Random) -> list[Any]:
    from fwcensus.models import Paper

    venue, source, year, track = key
    papers = []
    for i in numbers:
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
        authors = tuple(f"Author{rng.randint(1, 99999)} Name" for _ in range(rng.randint(2, 6)))
        url = f"https://papers.example.org/{venue.lower()}/{i}"
        # arXiv ids carry the month of the first version, as real ones do (YYMM.NNNNN).
        arxiv_id = f"{year % 100:02d}{rng.randint(1, 12):02d}.{i % 100000:05d}"
        if source != "arxiv":
            arxiv_id = None
        source_id = arxiv_id or f"{venue}-{i}"
        pdf = f"{url}.pdf"
        papers.append(
            Paper(source, source_id, venue, year, title, authors, pdf, url, arxiv_id, track=track)
        )
    return papers


def _verdict(name: str, role: Any, method: str, rng: random.Random) -> Any:
    from fwcensus.models import Evidence, Verdict

    label = FRAMEWORK_NAMES.get(name, name)
    evidence = tuple(
        Evidence(page, 100, 160, rng.choice(SENTENCES).format(fw=label, minor=rng.randint(0, 13)),
                 f"{method}:{name}", "body")
        for page in rng.sample(range(1, 12), rng.randint(1, 3))
    )  # fmt: skip
    return Verdict(name, role, 1.0, evidence)


def _verdicts(year: int, rng: random.Random) -> dict[str, list[Any]]:
    """Per method. ``substring-2019``: none for ~60% of papers, else PyTorch and/or TensorFlow
    (PyTorch rising with the year). ``evidence``: of those named, most used, the rest
    mentioned or cited; now and then another framework used."""
    from fwcensus.detect.evidence import METHOD as EVIDENCE
    from fwcensus.detect.substring2019 import METHOD as SUBSTRING
    from fwcensus.models import Role

    names: list[str] = []
    if rng.random() < 0.4:
        pytorch_odds = 0.2 + 0.13 * (year - YEARS.start)
        names = ["pytorch" if rng.random() < pytorch_odds else "tensorflow"]
        if rng.random() < 0.1:
            names = ["pytorch", "tensorflow"]
    roles = [Role.USED] * 15 + [Role.MENTIONED] * 3 + [Role.CITED] * 2
    evidence = [_verdict(name, rng.choice(roles), EVIDENCE, rng) for name in names]
    if rng.random() < 0.04:
        evidence.append(_verdict(rng.choice(OTHERS), Role.USED, EVIDENCE, rng))
    return {
        SUBSTRING: [_verdict(name, Role.USED, SUBSTRING, rng) for name in names],
        EVIDENCE: evidence,
    }


def build_store(db: Path, n: int, seed: int) -> None:
    """Papers -> documents (fetched, failed or pending) -> texts -> verdicts, as the stages
    would leave them, one venue-year at a time; PDF hashes are made up (the report never reads
    a PDF) and every text is the same small blob, so the build costs database rows, not disk."""
    from fwcensus.detect.stage import DETECTORS
    from fwcensus.models import DocStatus, ExtractedText, FetchResult, Selection, TextStatus
    from fwcensus.store import Store

    rng = random.Random(seed)
    text = ExtractedText(TextStatus.OK, pages=("x",))
    with Store(db) as store:
        for key, numbers in sorted(_draws(n, rng).items()):
            venue, _, year, _ = key
            store.papers.upsert(_papers(key, numbers, rng), "bench")
            selection = Selection((venue,), (year,))
            for doc in store.documents.with_status(selection):
                draw = rng.random()
                if draw < 0.05:
                    result = FetchResult(ok=False, error="HTTP 404", last_status=404)
                    store.documents.save_fetch(doc.id, result, DocStatus.FAILED)
                    continue
                if draw < 0.08:
                    continue  # still pending
                sha = hashlib.sha256(doc.url.encode()).hexdigest()
                result = FetchResult(ok=True, sha256=sha, size=1)
                store.documents.save_fetch(doc.id, result, DocStatus.FETCHED)
                store.texts.save(sha, text, "bench")
            jobs = {m: store.verdicts.jobs(selection, m, d) for m, d in DETECTORS.items()}
            for job in jobs[next(iter(jobs))]:
                for method, verdicts in _verdicts(year, rng).items():
                    store.verdicts.save(job.paper_id, method, job.text_sha256, verdicts,
                                        DETECTORS[method])  # fmt: skip


def run_aggregate(db: Path) -> dict[str, float]:
    from fwcensus.aggregate.stage import aggregate_shares
    from fwcensus.detect.stage import DETECTORS
    from fwcensus.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        for method in DETECTORS:
            aggregate_shares(store, method)
    return {"seconds": time.perf_counter() - start, "rss_peak": _rss_mb()}


def run_report(db: Path, out: Path) -> dict[str, float]:
    from fwcensus.detect.evidence import METHOD
    from fwcensus.report.stage import write_report
    from fwcensus.store import Store

    before = _rss_mb()
    start = time.perf_counter()
    with Store(db) as store:
        write_report(store, out, METHOD)
    return {"seconds": time.perf_counter() - start, "rss_before": before, "rss_peak": _rss_mb()}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(argv: list[str]) -> None:
    mode, db, *arg = argv
    if mode == "build":
        start = time.perf_counter()
        build_store(Path(db), int(arg[0]), seed=2019)
        print(json.dumps({"seconds": time.perf_counter() - start}))
    elif mode == "aggregate":
        print(json.dumps(run_aggregate(Path(db))))
    else:
        print(json.dumps(run_report(Path(db), Path(arg[0]))))


def _in_child(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- measuring one size (parent) -----------------------------------------------------------------


def measure_report(work: Path, n: int) -> ReportRun:
    db, out = work / "store.db", work / "report"
    built = _in_child("build", str(db), str(n))
    aggregated = _in_child("aggregate", str(db))
    report = _in_child("report", str(db), str(out))
    index = json.loads((out / "data" / "index.json").read_text("utf-8"))
    sizes = {f.name: f.stat().st_size for f in (out / "data").glob("*.json")}
    lists = [sizes[f["file"]] for f in index["files"]]
    details = [sizes[f["detail"]] for f in index["files"]]
    return ReportRun(
        build_s=built["seconds"],
        aggregate_s=aggregated["seconds"],
        aggregate_rss_mb=aggregated["rss_peak"],
        report_s=report["seconds"],
        rss_before_mb=report["rss_before"],
        rss_peak_mb=report["rss_peak"],
        html_mb=(out / "index.html").stat().st_size / 1e6,
        data_mb=sum(sizes.values()) / 1e6,
        list_mb=max(lists) / 1e6,
        detail_mb=max(details) / 1e6,
        inline=index["inline"],
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


FETCH_JS = """async (name) => {
  const t = performance.now();
  await (await fetch("data/" + name + "?again")).json();
  return performance.now() - t;
}"""
# The headline drawn: its image shown (it is in the page) or the interactive chart.
DRAWN = """() => { const img = document.querySelector("#chart img");
  return (img && img.complete && img.naturalWidth > 0)
    || !!document.querySelector("#chart svg"); }"""
LISTED = """() => document.getElementById("browser").dataset.state === "ready"
  && document.querySelectorAll("#results li").length > 0"""


def biggest_count(page: Any, over_all: bool) -> str:
    """Selector of the ``listed`` button with the highest count: of a venue-year, or of a
    year over all venues."""
    from fwcensus.aggregate.stage import ALL_VENUES

    buttons = page.locator('#shares button.count[data-measure="listed"]')
    found = buttons.evaluate_all(
        "bs => bs.map(b => [Number(b.textContent), b.dataset.venue, b.dataset.year])"
    )
    _, venue, year = max(f for f in found if (f[1] == ALL_VENUES) == over_all)
    return f'#shares button.count[data-measure="listed"][data-venue="{venue}"][data-year="{year}"]'


def timed_click(page: Any, selector: str) -> tuple[float, int]:
    """Wall time from the click until the browser has loaded and listed the count's papers
    (it empties the list at once, so an earlier list cannot be taken for this one)."""
    button = page.locator(selector)
    button.scroll_into_view_if_needed()
    start = time.perf_counter()
    button.click()
    page.wait_for_function(LISTED, timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    total = int(page.locator("#summary").inner_text().split()[0])
    return seconds, total


def timed_open(page: Any) -> float:
    start = time.perf_counter()
    page.locator("#results button.paper").first.click()
    page.wait_for_selector('#detail[data-state="ready"]', timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def measure_browser(browser: Any, report_dir: Path) -> BrowserRun:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    index = json.loads((report_dir / "data" / "index.json").read_text("utf-8"))
    largest = max(index["files"], key=lambda f: f["papers"])["file"]
    with serving(report_dir) as url:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
        load = time.perf_counter() - start
        page.wait_for_selector("#chart svg", timeout=TIMEOUT_MS)
        interactive = time.perf_counter() - start
        page.wait_for_load_state("load", timeout=TIMEOUT_MS)
        click, listed = timed_click(page, biggest_count(page, over_all=False))
        opened = timed_open(page)
        click_all, listed_all = timed_click(page, biggest_count(page, over_all=True))
        fetched = page.evaluate(FETCH_JS, largest) / 1000
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : -1")
    context.close()
    if errors:
        raise SystemExit(f"page errors: {errors[:3]}")
    return BrowserRun(
        load, interactive, click, click_all, opened, fetched, heap / 1e6, listed, listed_all
    )


# -- the report ----------------------------------------------------------------------------------

QUANTITIES: dict[str, tuple[str, str]] = {
    "aggregate_s": ("aggregate_shares, both methods", "s"),
    "report_s": ("write_report (evidence)", "s"),
    "rss_peak_mb": ("peak RSS of the report process", "MB"),
    "html_mb": ("index.html size", "MB"),
    "data_mb": ("data files, all", "MB"),
    "list_mb": ("largest list file", "MB"),
    "detail_mb": ("largest detail file", "MB"),
    "load_s": ("page load until the headline is drawn", "s"),
    "interactive_s": ("page load until the headline is interactive", "s"),
    "click_s": ("click largest venue-year count -> listed", "s"),
    "open_s": ("open a paper -> its detail shown", "s"),
    "click_all_s": ("click largest All venues count -> listed", "s"),
    "fetch_list_s": ("fetch + parse of the largest list file", "s"),
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
            last = f"; last step {step:.1f}x for {step_n:.1f}x ({_growth(step, step_n)})"
        say(f"{label} grows {ratio:.1f}x for {factor:.0f}x papers ({_growth(ratio, factor)}){last}")


def _missing(what: str) -> NoReturn:
    print(f"report_scale: {what}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1500,150000,1000000")
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
                page = measure_browser(browser, work / "report")
                rows.append({**asdict(report), **asdict(page)})
                print(f"N={n:,}: store built in {report.build_s:.0f} s; papers "
                      f"{'inlined' if report.inline else 'in data files'}; largest venue-year "
                      f"count listed {page.listed} papers, All venues {page.listed_all}; RSS "
                      f"before the report {report.rss_before_mb:.0f} MB, of aggregate "
                      f"{report.aggregate_rss_mb:.0f} MB", flush=True)  # fmt: skip
                shutil.rmtree(work)
            browser.close()
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    print()
    render(sizes, rows, print)
    print(f"\nwhole bench: {time.perf_counter() - began:.0f} s wall")


if __name__ == "__main__":
    main()

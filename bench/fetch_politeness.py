"""P1.3 benchmark: polite, concurrent PDF fetching against hosts that enforce their rate.

Against the mirror with ``--hosts`` hosts (default 8), each limited to 2 requests/s and
answering with 150 ms latency, fetch ``--papers`` small PDFs (default 2000) through the library's
fetch stage (``pipeline.fetch_selection``), then fetch again, and report:

* achieved requests/s per host and overall as a fraction of the budget (goal >= 0.95), each
  host's rate taken over the span from its first to its last request;
* the most requests any host got in any 1 s window, from the server's log (goal <= its budget);
* requests the server refused with 429 for coming too soon (goal 0);
* requests and PDF bytes of the second run (goal 0: nothing is downloaded twice);
* peak RSS of this process, and its ratio to the RSS measured just before fetching.

The mirror server runs in this process, in its own threads, so the RSS covers both sides.

    .venv/bin/python bench/fetch_politeness.py [--papers 2000] [--hosts 8]

Exit status 2 when the fetch API it drives is missing; otherwise 0, whatever the numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from fpdf import FPDF

from fwcensus.mirror.server import LogEntry, MirrorServer
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.models import DocStatus, Paper, Selection
from fwcensus.store import Store

ROBOTS = "User-agent: *\nAllow: /\n"
LISTING_URL = "https://bench.example/papers"
WINDOW_SECONDS = 1.0
GOAL_FRACTION = 0.95
# Passed only if FetchSettings has them, so the benchmark also runs against the older client.
CONCURRENCY = {"max_connections": 16, "per_host": 2}
# A fixed date keeps each PDF's bytes (and fpdf2's file id) reproducible.
CREATION_DATE = datetime(2024, 1, 1, tzinfo=UTC)
PDF_LINES = 12


class MissingApi(Exception):
    """The fetch API this benchmark drives is not in this fwcensus."""


@dataclass(frozen=True)
class FetchApi:
    fetch_selection: Callable[..., None]
    settings_type: type[Any]
    setting_names: frozenset[str]


@dataclass(frozen=True)
class Bench:
    papers: int
    hosts: int
    rate: float  # requests per second each host allows
    latency: float  # seconds each answer takes

    @property
    def host_names(self) -> list[str]:
        return [f"h{i}.bench.example" for i in range(self.hosts)]

    def pdf_url(self, n: int) -> str:
        return f"https://h{n % self.hosts}.bench.example/papers/{n}.pdf"


@dataclass(frozen=True)
class FetchRun:
    log: tuple[LogEntry, ...]
    violations: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class HostStats:
    host: str
    accepted: int
    refused: int
    span: float  # seconds from the first to the last accepted request
    max_window: int  # most requests, refused ones included, in any 1 s window

    @property
    def intervals(self) -> int:
        return max(0, self.accepted - 1)


def parse_args(argv: Sequence[str]) -> Bench:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--papers", type=int, default=2000, help="PDFs to fetch (default 2000)")
    parser.add_argument("--hosts", type=int, default=8, help="hosts to spread them on (default 8)")
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= args.papers:
        parser.error("need 1 <= --hosts <= --papers: a host without papers has no rate to measure")
    return Bench(papers=args.papers, hosts=args.hosts, rate=2.0, latency=0.15)


def load_fetch_api() -> FetchApi:
    try:
        from fwcensus import pipeline
        from fwcensus.fetch.client import FetchSettings
    except ImportError as exc:
        raise MissingApi(f"cannot import the fetch API: {exc}") from exc
    fetch_selection = getattr(pipeline, "fetch_selection", None)
    if not callable(fetch_selection):
        raise MissingApi("fwcensus.pipeline has no fetch_selection")
    try:
        inspect.signature(fetch_selection).bind(None, None, None, say=print, retry_failed=False)
    except TypeError as exc:
        raise MissingApi(f"pipeline.fetch_selection has another signature: {exc}") from exc
    if not dataclasses.is_dataclass(FetchSettings):
        raise MissingApi("fwcensus.fetch.client.FetchSettings is not a dataclass")
    names = frozenset(f.name for f in dataclasses.fields(FetchSettings))
    missing = {"mirror", "rate", "host_rates"} - names
    if missing:
        raise MissingApi(f"FetchSettings lacks {', '.join(sorted(missing))}")
    return FetchApi(fetch_selection, FetchSettings, names)


def tiny_pdf(n: int) -> bytes:
    """A valid one-page PDF of about 1 KB whose text (and so bytes) is paper ``n``'s own."""
    pdf = FPDF(unit="mm", format="letter")
    pdf.set_creation_date(CREATION_DATE)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in range(PDF_LINES):
        text = f"Benchmark paper {n}, line {line}: polite fetching, checksum {n * 7919 + line}"
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build_mirror(root: Path, bench: Bench) -> None:
    for host in bench.host_names:
        write_mirror_file(root, f"https://{host}/robots.txt", ROBOTS)
    for n in range(bench.papers):
        write_mirror_file(root, bench.pdf_url(n), tiny_pdf(n))


def bench_papers(bench: Bench) -> list[Paper]:
    return [
        Paper(
            source="bench",
            source_id=str(n),
            venue="BENCH",
            year=2024,
            title=f"Benchmark paper {n}",
            authors=("A. Author", "B. Author"),
            pdf_url=bench.pdf_url(n),
        )
        for n in range(bench.papers)
    ]


def run_fetch(api: FetchApi, store: Store, root: Path, bench: Bench) -> FetchRun:
    """One fetch over a fresh server, so each run's log and limits start clean.

    The mirror runs in a process of its own, as a real host does: in the fetcher's process its
    threads would wait for the interpreter lock behind the fetcher and log arrivals late."""
    rates = dict.fromkeys(bench.host_names, bench.rate)
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(
        target=_serve, args=(root, rates, bench.latency, child), daemon=True
    )
    process.start()
    url = parent.recv()
    try:
        extra = {k: v for k, v in CONCURRENCY.items() if k in api.setting_names}
        settings = api.settings_type(mirror=url, rate=bench.rate, host_rates={}, **extra)
        started = time.monotonic()
        api.fetch_selection(store, settings, Selection(), say=print, retry_failed=False)
        seconds = time.monotonic() - started
    finally:
        parent.send("stop")
        log, violations = parent.recv()
        process.join()
    return FetchRun(tuple(log), violations, seconds)


def _serve(root: Path, rates: dict[str, float], latency: float, conn: Connection) -> None:
    server = MirrorServer(root, host_rates=rates, latency=latency).start()
    conn.send(server.url)
    conn.recv()
    server.stop()  # waits for answers in flight, so the log is complete
    # time.monotonic() is the system's monotonic clock: comparable across the two processes.
    conn.send((list(server.log), dict(server.violations)))


def max_in_window(times: Sequence[float], width: float = WINDOW_SECONDS) -> int:
    """Most of ``times`` inside any half-open window ``[t, t + width)``."""
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


def host_stats(log: Sequence[LogEntry], host: str) -> HostStats:
    entries = [e for e in log if e.host == host]
    accepted = [e.time for e in entries if e.status != 429]
    span = max(accepted) - min(accepted) if accepted else 0.0
    return HostStats(
        host=host,
        accepted=len(accepted),
        refused=len(entries) - len(accepted),
        span=span,
        max_window=max_in_window([e.time for e in entries]),
    )


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


def rate_fraction(intervals: int, span: float, budget: float) -> float | None:
    return intervals / span / budget if span > 0 else None


def fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def report_first_run(bench: Bench, run: FetchRun, counts: dict[DocStatus, int]) -> list[str]:
    stats = [host_stats(run.log, host) for host in bench.host_names]
    budget = bench.rate * bench.hosts
    window_budget = bench.rate * WINDOW_SECONDS
    lines = [
        f"run 1: {len(run.log)} requests in {run.seconds:.1f} s; documents "
        + ", ".join(f"{status.value} {n}" for status, n in counts.items()),
        f"{'host':<20} {'accepted':>8} {'429s':>5} {'span s':>8} {'req/s':>7}"
        f" {'of budget':>9} {'max in 1 s':>10}",
    ]
    for s in stats:
        fraction = rate_fraction(s.intervals, s.span, bench.rate)
        rate = None if fraction is None else fraction * bench.rate
        lines.append(
            f"{s.host:<20} {s.accepted:>8} {s.refused:>5} {s.span:>8.1f} {fmt(rate, '.3f'):>7}"
            f" {fmt(fraction, '.3f'):>9} {s.max_window:>10}"
        )
    # Each host's rate over its own span, summed: hosts that start or finish apart from the
    # others (robots.txt first, a short queue) do not count as idle budget.
    fractions = [rate_fraction(s.intervals, s.span, bench.rate) or 0.0 for s in stats]
    overall = sum(fractions) * bench.rate / budget
    accepted = [e.time for e in run.log if e.status != 429]
    span = max(accepted) - min(accepted) if accepted else 0.0
    max_window = max(s.max_window for s in stats)
    refused = sum(run.violations.values())
    lines += [
        f"{'overall':<20} {len(accepted):>8} {refused:>5} {span:>8.1f}"
        f" {overall * budget:>7.2f} {overall:>9.3f} {max_window:>10}",
        f"achieved rate: {overall:.3f} of the {budget:g} req/s budget overall, lowest host"
        f" {min(fractions):.3f} (goal >= {GOAL_FRACTION})  {verdict(overall >= GOAL_FRACTION)}",
        f"busiest 1 s window of any host: {max_window} requests = {max_window / window_budget:.2f}"
        f" of its {window_budget:g} (goal <= 1.00)  {verdict(max_window <= window_budget)}",
        f"429 for requests too soon: {refused} (goal 0)  {verdict(refused == 0)}",
    ]
    return lines


def report_second_run(run: FetchRun) -> list[str]:
    pdfs = [e for e in run.log if e.target.partition("?")[0].endswith(".pdf")]
    pdf_bytes = sum(e.body_bytes for e in pdfs)
    return [
        f"run 2: {len(run.log)} requests ({len(pdfs)} for PDFs) in {run.seconds:.1f} s;"
        f" PDF body bytes re-downloaded: {pdf_bytes} (goal 0)  {verdict(pdf_bytes == 0)}"
    ]


def document_counts(store: Store) -> dict[DocStatus, int]:
    return {
        status: len(store.documents.with_status(Selection(), (status,))) for status in DocStatus
    }


def main(argv: Sequence[str] | None = None) -> int:
    bench = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        api = load_fetch_api()
    except MissingApi as exc:
        print(f"fetch_politeness: the fetch API is missing: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="fwcensus-bench-") as tmp:
        root = Path(tmp, "mirror")
        root.mkdir()
        build_mirror(root, bench)
        with Store(Path(tmp, "bench.db")) as store:
            store.papers.upsert(bench_papers(bench), LISTING_URL)
            baseline = peak_rss_mb()
            first = run_fetch(api, store, root, bench)
            counts = document_counts(store)
            second = run_fetch(api, store, root, bench)
            peak = peak_rss_mb()
    lines = [
        f"fetch politeness: {bench.papers} PDFs on {bench.hosts} hosts, {bench.rate:g} req/s"
        f" each (budget {bench.rate * bench.hosts:g} req/s), {bench.latency * 1000:.0f} ms"
        " latency",
        *report_first_run(bench, first, counts),
        *report_second_run(second),
        f"peak RSS: {peak:.1f} MB; {baseline:.1f} MB before fetching: ratio {peak / baseline:.2f}",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

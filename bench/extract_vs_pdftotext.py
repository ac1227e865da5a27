"""P1.4 benchmark: fwcensus extraction against pdftotext, pages/s per core and peak RSS.

On the same PDFs, in the same kind of run, compare

* fwcensus: the extract stage's real path, ``extract_many(items, Limits(workers=N))`` over
  ``(key, path)`` pairs, which runs ``extract_pages`` (whatever it does at run time: text,
  cleaning, sections, links) in sandboxed worker processes and sends each result back to the
  parent;
* pdftotext (poppler, the 2019 study's extractor) as the study ran it, one process per PDF,
  ``pdftotext file.pdf out.txt``, started by N runners at once, so both use N cores.

Inputs: the real development papers, read in place from ``$FWCENSUS_SHARED/eval/dev/*.pdf``
(default ``<repo>/../shared``; never copied), and the demo sample's PDFs
(``fwcensus.demo.sample.build_sample``; its deliberately broken files are left out and counted).
Pages are counted once per PDF with pypdfium2 and used for both tools.

Each set runs at 1x, 4x and 16x (the list repeated), both tools with N workers, and at 1x
also with one worker against one pdftotext at a time. Every run is its own Python process,
so its numbers are its own: seconds from the first job to the last result, peak RSS of that
process (``RUSAGE_SELF``: the fwcensus parent) and the largest RSS of any child it reaped
(``RUSAGE_CHILDREN``: a fwcensus worker, or one pdftotext). Each configuration runs
``--repeats`` times per tool (default 3), the tools alternating; the table shows each tool's
fastest run (other work on the machine only adds time) and the largest RSS of all its runs.
Goals: fwcensus >= 1.5x pdftotext's pages/s per core; RSS at 16x within 10% of 1x. CPU
seconds (fwcensus: parent and workers; pdftotext: its processes) are reported too: pages per
CPU second is what pages/s per core would be on an otherwise idle machine.

    .venv/bin/python bench/extract_vs_pdftotext.py [--workers N] [--scales 1,4,16] [--repeats 3]

Exit status 2 with a one-line message when pdftotext is not on PATH or the extraction API it
drives is missing; otherwise 0, whatever the numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

GOAL_RATIO = 1.5
FLAT_GROWTH = 1.10  # RSS at the largest scale over RSS at 1x: at most this is "flat"
REPO = Path(__file__).resolve().parent.parent
TOOLS = ("fwcensus", "pdftotext")


class MissingTool(Exception):
    """pdftotext or the fwcensus extraction API is not there."""


@dataclass(frozen=True)
class InputSet:
    name: str
    pdfs: tuple[Path, ...]
    pages: dict[Path, int]
    note: str

    def total_pages(self, scale: int) -> int:
        return scale * sum(self.pages[pdf] for pdf in self.pdfs)


@dataclass(frozen=True)
class Run:
    tool: str
    workers: int
    seconds: float
    parent_rss_mb: float  # peak RSS of the process that drove the run
    child_rss_mb: float  # largest peak RSS of any single child (worker or pdftotext)
    # CPU (user + system) of the extraction: for fwcensus the parent's and its workers', for
    # pdftotext its processes' (not the runner's). Unlike seconds, not inflated by other load.
    cpu_seconds: float
    outcome: str  # statuses of the results, to see that the work was done


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=int, default=cores, help=f"parallel workers (default {cores}: cores)"
    )
    parser.add_argument(
        "--scales", default="1,4,16", help="repeat each set this many times (default 1,4,16)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per tool and configuration (default 3)"
    )
    # Internal: one measured run in its own process, its result printed as JSON.
    parser.add_argument("--measure", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.scales = sorted({int(s) for s in args.scales.split(",")})
    except ValueError:
        parser.error("--scales takes whole numbers separated by commas, e.g. 1,4,16")
    if min(args.workers, args.repeats, args.scales[0]) < 1:
        parser.error("--workers, --repeats and every scale must be at least 1")
    return args


def check_tools() -> tuple[str, str]:
    """The extractor version fwcensus will run and pdftotext's version line."""
    if shutil.which("pdftotext") is None:
        raise MissingTool("pdftotext is not on PATH (Debian: apt-get install -y poppler-utils)")
    try:
        from fwcensus.extract.pdf_text import EXTRACTOR
        from fwcensus.extract.pool import Limits, extract_many  # noqa: F401
    except ImportError as exc:
        raise MissingTool(f"cannot import the extraction API: {exc}") from exc
    version = subprocess.run(
        ["pdftotext", "-v"], capture_output=True, text=True, check=False
    ).stderr.partition("\n")[0]
    return EXTRACTOR, version.strip() or "pdftotext (version unknown)"


def rss_mb(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# --- one measured run, inside its own process -------------------------------------------


def measure_fwcensus(paths: list[Path], workers: int) -> tuple[float, str]:
    from fwcensus.extract.pool import Limits, extract_many

    counts: dict[str, int] = {}
    pages = sections = links = 0
    started = time.perf_counter()
    items = ((str(n), path) for n, path in enumerate(paths))
    for _key, text in extract_many(items, Limits(workers=workers)):
        counts[text.status.value] = counts.get(text.status.value, 0) + 1
        pages += len(text.pages)
        # Older ExtractedText has neither: the counts then show that none were made.
        sections += len(getattr(text, "sections", ()))
        links += len(getattr(text, "links", ()))
    seconds = time.perf_counter() - started
    statuses = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
    return seconds, f"{statuses}; pages {pages}, sections {sections}, links {links}"


def measure_pdftotext(paths: list[Path], workers: int) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="fwcensus-bench-txt-") as out:

        def one(job: tuple[int, Path]) -> int:
            n, path = job
            out_txt = Path(out, f"{n}.txt")
            return subprocess.run(
                ["pdftotext", str(path), str(out_txt)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            ).returncode

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            codes = list(pool.map(one, enumerate(paths)))
        seconds = time.perf_counter() - started
    failed = sum(1 for code in codes if code != 0)
    return seconds, f"exit 0: {len(codes) - failed}, other: {failed}"


def measure(tool: str, list_file: Path, workers: int) -> int:
    paths = [Path(line) for line in list_file.read_text("utf-8").splitlines() if line]
    self_before = cpu_seconds(resource.RUSAGE_SELF)
    children_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    run = measure_fwcensus if tool == "fwcensus" else measure_pdftotext
    seconds, outcome = run(paths, workers)
    result = Run(
        tool=tool,
        workers=workers,
        seconds=seconds,
        parent_rss_mb=rss_mb(resource.RUSAGE_SELF),
        child_rss_mb=rss_mb(resource.RUSAGE_CHILDREN),
        cpu_seconds=cpu_seconds(resource.RUSAGE_CHILDREN)
        - children_before
        + (cpu_seconds(resource.RUSAGE_SELF) - self_before if tool == "fwcensus" else 0.0),
        outcome=outcome,
    )
    print(json.dumps(result.__dict__))
    return 0


def run_measured(tool: str, paths: list[Path], workers: int, tmp: Path) -> Run:
    list_file = tmp / "pdfs.txt"
    list_file.write_text("".join(f"{path}\n" for path in paths), "utf-8")
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", tool]
    command += ["--list", str(list_file), "--workers", str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


# --- inputs ------------------------------------------------------------------------------


def count_pages(pdfs: Sequence[Path]) -> dict[Path, int]:
    import pypdfium2 as pdfium

    pages = {}
    for pdf in pdfs:
        doc = pdfium.PdfDocument(pdf)
        try:
            pages[pdf] = len(doc)
        finally:
            doc.close()
    return pages


def real_set() -> InputSet | str:
    shared = Path(os.environ.get("FWCENSUS_SHARED") or REPO.parent / "shared")
    folder = shared / "eval" / "dev"
    pdfs = tuple(sorted(folder.glob("*.pdf")))
    if not pdfs:
        return f"real papers skipped: no PDFs in {folder} (set FWCENSUS_SHARED)"
    return InputSet("real", pdfs, count_pages(pdfs), f"read in place from {folder}")


def demo_set(out_dir: Path) -> InputSet:
    from fwcensus.demo.sample import build_sample
    from fwcensus.mirror.urls import file_for_url

    sample = build_sample(out_dir)
    good = tuple(file_for_url(sample.mirror_dir, p.pdf_url) for p in sample.papers if not p.broken)
    broken = sorted(p.broken for p in sample.papers if p.broken)
    note = f"build_sample(seed 2019); {len(broken)} broken left out ({', '.join(broken)})"
    return InputSet("demo", good, count_pages(good), note)


# --- the report --------------------------------------------------------------------------


def per_core(pages: int, run: Run, cores: int) -> float:
    return pages / run.seconds / min(run.workers, cores)


def verdict(met: bool) -> str:
    return "ok" if met else "MISSED"


HEADER = (
    f"{'set':<5} {'x':>3} {'cores':>5} {'PDFs':>5} {'pages':>6} |"
    f" {'fwcensus s':>10} {'pages/s':>8} {'/core':>7} |"
    f" {'pdftotext s':>11} {'pages/s':>8} {'/core':>7} |"
    f" {'ratio':>5} {'goal':<6} | {'fw parent':>9} {'fw worker':>9} {'pdftotext':>9}"
)


def speed_line(
    inputs: InputSet, scale: int, cores: int, fw: Run, baseline: Run, machine_cores: int
) -> str:
    pages = inputs.total_pages(scale)
    fw_core = per_core(pages, fw, machine_cores)
    pt_core = per_core(pages, baseline, machine_cores)
    ratio = fw_core / pt_core
    return (
        f"{inputs.name:<5} {scale:>3} {cores:>5} {scale * len(inputs.pdfs):>5} {pages:>6} |"
        f" {fw.seconds:>10.2f} {pages / fw.seconds:>8.1f} {fw_core:>7.1f} |"
        f" {baseline.seconds:>11.2f} {pages / baseline.seconds:>8.1f} {pt_core:>7.1f} |"
        f" {ratio:>5.2f} {verdict(ratio >= GOAL_RATIO):<6} |"
        f" {fw.parent_rss_mb:>6.1f} MB {fw.child_rss_mb:>6.1f} MB {baseline.child_rss_mb:>6.1f} MB"
    )


def detail_lines(pages: int, fw: Run, baseline: Run) -> list[str]:
    fw_cpu = pages / fw.cpu_seconds
    pt_cpu = pages / baseline.cpu_seconds
    indent = " " * 16
    return [
        f"{indent}fwcensus: {fw.outcome}",
        f"{indent}pdftotext: {baseline.outcome}",
        f"{indent}CPU: fwcensus {fw.cpu_seconds:.1f} s = {fw_cpu:.1f} pages/CPU s, pdftotext"
        f" {baseline.cpu_seconds:.1f} s = {pt_cpu:.1f} pages/CPU s; ratio {fw_cpu / pt_cpu:.2f}",
    ]


def flat_line(inputs: InputSet, runs: dict[int, Run]) -> str:
    small, large = min(runs), max(runs)
    parent = runs[large].parent_rss_mb / runs[small].parent_rss_mb
    worker = runs[large].child_rss_mb / runs[small].child_rss_mb
    met = parent <= FLAT_GROWTH and worker <= FLAT_GROWTH
    top = runs[large]
    whole = top.parent_rss_mb + top.workers * top.child_rss_mb
    return (
        f"{inputs.name}: fwcensus RSS at {large}x over {small}x ({scale_pdfs(inputs, large)} vs"
        f" {scale_pdfs(inputs, small)} PDFs): parent {parent:.2f}, worker {worker:.2f}"
        f" (goal <= {FLAT_GROWTH:.2f})  {verdict(met)}; whole run at {large}x at most"
        f" parent + {top.workers} workers = {whole:.0f} MB"
    )


def scale_pdfs(inputs: InputSet, scale: int) -> int:
    return scale * len(inputs.pdfs)


def measure_config(paths: list[Path], workers: int, repeats: int, tmp: Path) -> list[Run]:
    """Each tool ``repeats`` times, alternating, so a change in the machine's load hits both;
    per tool its fastest run (other work on the machine only ever adds time) and the largest
    RSS of all its runs."""
    runs: dict[str, list[Run]] = {tool: [] for tool in TOOLS}
    for _ in range(repeats):
        for tool in TOOLS:
            runs[tool].append(run_measured(tool, paths, workers, tmp))
    return [summarise(runs[tool]) for tool in TOOLS]


def summarise(runs: list[Run]) -> Run:
    best = min(runs, key=lambda run: run.seconds)
    slowest = max(run.seconds for run in runs)
    spread = f"best of {len(runs)}, slowest {slowest:.2f} s" if len(runs) > 1 else "one run"
    return dataclasses.replace(
        best,
        parent_rss_mb=max(run.parent_rss_mb for run in runs),
        child_rss_mb=max(run.child_rss_mb for run in runs),
        outcome=f"{best.outcome}, {spread}",
    )


def bench_set(
    inputs: InputSet, scales: list[int], workers: int, repeats: int, tmp: Path
) -> list[str]:
    machine_cores = os.cpu_count() or 1
    lines: list[str] = []
    at_scale: dict[int, Run] = {}
    configs = [(1, 1)] if workers > 1 else []
    configs += [(scale, workers) for scale in scales]
    for scale, n in configs:
        fw, baseline = measure_config(list(inputs.pdfs) * scale, n, repeats, tmp)
        if n == workers:
            at_scale[scale] = fw
        lines.append(speed_line(inputs, scale, n, fw, baseline, machine_cores))
        lines += detail_lines(inputs.total_pages(scale), fw, baseline)
    return [*lines, flat_line(inputs, at_scale)] if len(at_scale) > 1 else lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.measure:
        return measure(args.measure, args.list, args.workers)
    try:
        extractor, pdftotext_version = check_tools()
    except MissingTool as exc:
        print(f"extract_vs_pdftotext: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    load_before = load_average()
    machine_cores = os.cpu_count() or 1
    lines = [
        f"fwcensus extraction ({extractor}) vs {pdftotext_version}, one process per PDF;"
        f" {machine_cores} cores, {args.workers} workers",
    ]
    with tempfile.TemporaryDirectory(prefix="fwcensus-bench-") as tmp_name:
        tmp = Path(tmp_name)
        sets: list[InputSet] = []
        real = real_set()
        if isinstance(real, str):
            lines.append(real)
        else:
            sets.append(real)
        sets.append(demo_set(tmp / "demo"))
        for inputs in sets:
            lines.append(
                f"{inputs.name}: {len(inputs.pdfs)} PDFs, {inputs.total_pages(1)} pages"
                f" (pypdfium2), {inputs.note}"
            )
        lines.append(HEADER)
        for inputs in sets:
            lines += bench_set(inputs, args.scales, args.workers, args.repeats, tmp)
    lines += [
        "pages/s per core = pages / seconds / min(workers, cores); ratio = fwcensus's over"
        f" pdftotext's (goal >= {GOAL_RATIO}); RSS: fwcensus parent peak, largest fwcensus"
        " worker, largest single pdftotext",
        f"whole bench: {time.perf_counter() - started:.0f} s; load average (1 min) {load_before}"
        f" before, {load_average()} after",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

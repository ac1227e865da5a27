"""``fwcensus bulk arxiv``: arXiv's PDFs from its requester-pays bucket, one tar per Dask task.

1. Read the manifest and keep the tars of the chosen months.
2. Decide which papers each tar is asked for: the arXiv papers in the store whose ids fall in
   the tar's ``first_item .. last_item`` (a tar holding none is not read at all), or every PDF
   (``every_pdf``, ``--all``).
3. Leave out the tars already done (``partitions.is_done``).
4. Run the rest on the cluster (``tars.process_tar``); as each tar comes back, store its papers
   (placeholders first for papers the store lacks, with ``--all``), then write its partition,
   which marks it done. A tar whose bytes do not match the manifest's md5, or whose task
   failed, is reported and left for the next run.

The store is written by this process only, one transaction per tar; a paper already read from
another tar at a higher version keeps that version, and a tar that ran twice (its worker died
after finishing) is stored twice the same way: nothing is counted twice.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fwcensus import __version__
from fwcensus.bulk.judge import resolver_snapshot
from fwcensus.bulk.partitions import SOURCE, archive_reads, is_done, write_partition
from fwcensus.bulk.tars import TarResult, TarTask, process_tar
from fwcensus.detect.stage import DETECTORS
from fwcensus.engine.dask_cluster import check_workers, dask_cluster, run_tasks
from fwcensus.errors import ConfigError
from fwcensus.extract.pdf_text import EXTRACTOR
from fwcensus.extract.pool import Limits
from fwcensus.fetch.s3 import S3Reader, S3Settings
from fwcensus.models import Paper
from fwcensus.progress import BulkProgress
from fwcensus.sources.arxiv import ABS_URL, PDF_URL, VENUE
from fwcensus.sources.arxiv_bulk import (
    MANIFEST_KEY,
    TarEntry,
    id_month,
    member_id,
    month_of,
    parse_manifest,
    select_tars,
)
from fwcensus.store import Store
from fwcensus.store.archives import ArchiveRead

Say = Callable[[str], None]
# The primary category of a paper known only from the bucket, until collect fills it in.
UNKNOWN_CATEGORY = "unknown"


@dataclass(frozen=True)
class BulkOptions:
    s3: S3Settings
    out: Path  # where the partitions go
    months: tuple[str, ...] = ()  # YYMM; empty: every month of the manifest
    every_pdf: bool = False  # --all: every PDF, not only the papers in the store
    limits: Limits = field(default_factory=Limits)
    scheduler: str | None = None  # an existing cluster; None: a LocalCluster
    workers: int = 1  # of the LocalCluster


@dataclass(frozen=True)
class TarPlan:
    tar: TarEntry
    asked: frozenset[str] | None  # None: every PDF


@dataclass
class BulkSummary:
    tars: int  # tars of the chosen months
    done_before: int = 0
    without_papers: int = 0  # holding none of the store's papers: not read
    processed: int = 0
    failed: list[str] = field(default_factory=list)  # "tar: reason"
    papers: int = 0  # papers judged in the tars processed
    papers_failed: int = 0  # of them, without usable text (not a PDF, time limit, cut off)
    stored: int = 0
    not_found: int = 0  # papers asked of a tar that were not in it
    skipped: int = 0  # members passed over: papers not asked for, older versions, not PDFs
    bytes_read: int = 0
    task_seconds: float = 0.0  # spent inside the tasks that finished, summed over workers
    problems: list[str] = field(default_factory=list)  # "tar: what was odd"


def run_bulk_arxiv(store: Store, options: BulkOptions, say: Say) -> BulkSummary:
    reader = S3Reader(options.s3)
    tars = select_tars(
        parse_manifest(reader.read(MANIFEST_KEY), reader.url(MANIFEST_KEY)), options.months
    )
    if not tars:
        raise ConfigError(f"{reader.url(MANIFEST_KEY)} lists no tar of months {options.months}")
    wanted = None if options.every_pdf else store.papers.source_ids(SOURCE)
    if wanted is not None and not wanted:
        raise ConfigError(
            f"no arXiv papers in {store.path}: run fwcensus collect --venue arXiv first, or"
            " pass --all for every PDF"
        )
    plans = plan_tars(tars, wanted)
    todo = [plan for plan in plans if not is_done(options.out, plan.tar, plan.asked)]
    summary = BulkSummary(
        tars=len(tars), done_before=len(plans) - len(todo), without_papers=len(tars) - len(plans)
    )
    say(
        f"bulk arxiv: {len(tars)} tars in {reader.url(MANIFEST_KEY)} for the months chosen;"
        f" {summary.done_before} done before, {summary.without_papers} hold none of the papers"
        f" wanted, {len(todo)} to read"
    )
    if todo:
        _process(store, options, todo, summary, say)
    _report(summary, say)
    return summary


def plan_tars(tars: Sequence[TarEntry], wanted: set[str] | None) -> list[TarPlan]:
    """The tars worth reading and the papers each is asked for: the wanted ids of its month
    between its first and last item (the manifest's items are ids without the slash)."""
    if wanted is None:
        return [TarPlan(tar, None) for tar in tars]
    by_month: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for arxiv_id in wanted:
        by_month[id_month(arxiv_id)].append((arxiv_id.replace("/", ""), arxiv_id))
    for items in by_month.values():
        items.sort()
    plans = []
    for tar in tars:
        items = by_month.get(tar.yymm, [])
        low = bisect.bisect_left(items, (tar.first_item, ""))
        high = bisect.bisect_right(items, (tar.last_item, "\uffff"))
        asked = frozenset(arxiv_id for _, arxiv_id in items[low:high])
        if asked:
            plans.append(TarPlan(tar, asked))
    return plans


def worker_facts() -> dict[str, Any]:
    """What must be the same on every worker as here for their verdicts to be this run's."""
    return {"fwcensus": __version__, "extractor": EXTRACTOR, "detectors": dict(DETECTORS)}


def _process(
    store: Store, options: BulkOptions, todo: list[TarPlan], summary: BulkSummary, say: Say
) -> None:
    snapshot = resolver_snapshot(store.cache_dir)
    tasks = [TarTask(plan.tar, options.s3, plan.asked, options.limits, snapshot) for plan in todo]
    keys = [f"arxiv-{plan.tar.stem}-{plan.tar.md5sum[:8]}" for plan in todo]
    expected = sum(len(p.asked) if p.asked is not None else p.tar.num_items for p in todo)
    with dask_cluster(options.scheduler, options.workers) as cluster:
        where = "LocalCluster" if cluster.local else "Dask cluster"
        say(f"bulk arxiv: {where} at {cluster.scheduler}, {cluster.workers} workers")
        say(f"bulk arxiv: dashboard {cluster.dashboard or '(not served: install bokeh)'}")
        check_workers(cluster, worker_facts)
        with BulkProgress(len(tasks), expected) as progress:
            for key, task, outcome in run_tasks(cluster, process_tar, tasks, keys, progress.papers):
                note = _take(store, options, task, outcome, summary)
                rows = 0 if isinstance(outcome, BaseException) else outcome.table.num_rows
                progress.tar_done(key, rows, note)


def _report(summary: BulkSummary, say: Say) -> None:
    per_paper = f"{summary.task_seconds / summary.papers:.2f}" if summary.papers else "-"
    say(
        f"bulk arxiv: {summary.processed} tars processed, {len(summary.failed)} failed;"
        f" {summary.papers} papers judged ({summary.papers_failed} without usable text),"
        f" {summary.stored} stored; {summary.bytes_read / 1e6:.1f} MB read;"
        f" {per_paper} s per paper in a worker; {summary.skipped} members passed over (papers"
        " not asked for, older versions, no paper's PDF)"
    )
    if summary.not_found:
        say(f"bulk arxiv: {summary.not_found} papers asked for were not in their tar")
    for line in summary.problems:
        say(f"bulk arxiv: {line}")
    for line in summary.failed:
        say(f"bulk arxiv: failed: {line}")


def _take(
    store: Store,
    options: BulkOptions,
    task: TarTask,
    outcome: TarResult | BaseException,
    summary: BulkSummary,
) -> str:
    """Keep one tar's outcome; returns the note shown beside the progress bar."""
    name = task.tar.filename
    if isinstance(outcome, BaseException):
        summary.failed.append(f"{name}: {type(outcome).__name__}: {_one_line(outcome)}")
        return f"{task.tar.stem} failed"
    summary.bytes_read += outcome.bytes_read
    summary.task_seconds += outcome.seconds
    summary.skipped += outcome.skipped
    if not outcome.md5_matches:
        summary.failed.append(
            f"{name}: the md5 of the bytes read is {outcome.md5_read}, the manifest says"
            f" {task.tar.md5sum}: nothing kept, read again once they agree"
        )
        return f"{task.tar.stem} md5 differs"
    reads = archive_reads(outcome.table, options.s3.bucket)
    if options.every_pdf:
        store.papers.add_missing(
            [_placeholder(read.source_id) for read in reads], f"s3://{options.s3.bucket}/{name}"
        )
    summary.stored += store.archives.save_reads(_not_older(store, reads))
    write_partition(options.out, task.tar, outcome.table, task.wanted)
    summary.processed += 1
    summary.papers += outcome.table.num_rows
    summary.papers_failed += outcome.failed
    if task.wanted is not None:
        summary.not_found += len(task.wanted) - outcome.table.num_rows
    summary.problems += [f"{name}: {problem}" for problem in outcome.problems]
    return f"{task.tar.stem}: {outcome.table.num_rows} papers"


def _not_older(store: Store, reads: list[ArchiveRead]) -> list[ArchiveRead]:
    """The reads that are not older versions of papers stored from another tar."""
    stored = store.archives.members(SOURCE, [read.source_id for read in reads])
    kept = []
    for read in reads:
        earlier = stored.get(read.source_id)
        if earlier is None or _version(earlier) <= _version(read.member_url):
            kept.append(read)
    return kept


def _version(member_url: str) -> int:
    found = member_id(member_url.rpartition("#")[2])
    return found.version if found else 0


def _placeholder(arxiv_id: str) -> Paper:
    """A paper known only by its id: collect --venue arXiv fills in the rest later."""
    return Paper(
        source=SOURCE,
        source_id=arxiv_id,
        venue=VENUE,
        year=int(month_of(id_month(arxiv_id))[:4]),
        title="",
        authors=(),
        pdf_url=f"{PDF_URL}{arxiv_id}",
        page_url=f"{ABS_URL}{arxiv_id}",
        arxiv_id=arxiv_id,
        track=UNKNOWN_CATEGORY,
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]

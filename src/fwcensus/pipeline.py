"""The library API behind the CLI: each stage as a function over the store, and ``run`` chaining
them. Every stage reads its input from the store and writes its output back, so any stage can
be re-run alone and a killed run resumes where it stopped."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from fwcensus.aggregate.stage import aggregate_shares
from fwcensus.collect.arxiv_search import lookup_arxiv_ids
from fwcensus.collect.identity import LinkSummary, link_works
from fwcensus.collect.stage import CollectSummary, collect
from fwcensus.detect.methods import EVIDENCE
from fwcensus.detect.stage import METHODS, detect_papers
from fwcensus.errors import ConfigError
from fwcensus.extract.pool import Limits
from fwcensus.extract.stage import extract_texts
from fwcensus.fetch.api import ApiClient
from fwcensus.fetch.client import FetchSettings, HttpClient
from fwcensus.fetch.stage import fetch_documents
from fwcensus.libraries.resolver import cached_resolver
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings, request_headers
from fwcensus.report.paper_data import Inline
from fwcensus.report.stage import ReportFiles, write_report
from fwcensus.repos.stage import read_repos
from fwcensus.signals import registry as signal_registry
from fwcensus.signals.stage import DEFAULT_SINCE, SignalSummary, collect_signals
from fwcensus.sources.registry import venue_years
from fwcensus.store import Store

Say = Callable[[str], None]

log = logging.getLogger(__name__)


@contextmanager
def _stage(name: str) -> Iterator[None]:
    """Log a stage's start and end (or failure) with its time: ``-v`` shows where a run is."""
    log.info("%s: started", name)
    start = time.monotonic()
    try:
        yield
    except BaseException as exc:
        log.info("%s: stopped after %.1fs by %s", name, time.monotonic() - start,
                 type(exc).__name__)  # fmt: skip
        raise
    log.info("%s: done in %.1fs", name, time.monotonic() - start)


@dataclass(frozen=True)
class RunOptions:
    selection: Selection
    fetch: FetchSettings = field(default_factory=fetch_settings)
    limits: Limits = field(default_factory=Limits)
    methods: tuple[str, ...] = tuple(METHODS)  # detection methods run and aggregated
    method: str = EVIDENCE  # the one the report shows
    report_dir: Path = Path("report")
    retry_failed: bool = False
    repos: bool = True  # read the papers' own code repositories
    signals: bool = False  # collect the industry signals too (they are not per venue)
    signals_since: str = DEFAULT_SINCE
    signals_env: Mapping[str, str] | None = None  # API keys (None: the process environment)


@_stage("collect")
def collect_selection(
    store: Store, settings: FetchSettings, selection: Selection, say: Say
) -> list[CollectSummary]:
    targets = venue_years(selection.venues, selection.years)
    if not targets:
        raise ConfigError(
            f"no supported venue-year matches venues {list(selection.venues) or 'all'}"
            f" and years {list(selection.years) or 'all'}"
        )
    log.info("collect: %d venue-years to list", len(targets))
    summaries = []
    with HttpClient(_cached(store, settings)) as client:
        for target in targets:
            summary = collect(store, client, target.venue, target.year)
            say(
                f"collect {summary.venue} {summary.year}: {summary.papers} papers from"
                f" {summary.pages} listing page(s) ({summary.new} new, {summary.updated} updated)"
            )
            summaries.append(summary)
    _link(store, say)
    return summaries


@_stage("link")
def link_selection(
    store: Store, settings: FetchSettings, selection: Selection, arxiv: bool, say: Say
) -> LinkSummary:
    """Link versions of one work across every collected source; with ``arxiv``, first ask
    arXiv for the preprints of the selected venue papers that have no arXiv id."""
    if arxiv:
        with HttpClient(_cached(store, settings)) as client:
            searched = lookup_arxiv_ids(store, client, selection)
        say(
            f"arxiv search: {searched.asked} papers asked, {searched.found} found,"
            f" {searched.none} without a match, {searched.failed} failed"
            + (f"; stopped, {searched.left} left for a later run" if searched.left else "")
        )
    return _link(store, say)


def _link(store: Store, say: Say) -> LinkSummary:
    linked = link_works(store)
    say(
        f"link: {linked.papers} papers are {linked.works} works ({linked.links} cross-source links)"
    )
    return linked


def _cached(store: Store, settings: FetchSettings) -> FetchSettings:
    """Listings and API pages go through the HTTP cache beside the store: a re-run revalidates
    them instead of downloading them again."""
    if settings.cache_dir is not None:
        return settings
    return replace(settings, cache_dir=str(store.cache_dir))


@_stage("fetch")
def fetch_selection(
    store: Store, settings: FetchSettings, selection: Selection, say: Say, retry_failed: bool
) -> None:
    summary = fetch_documents(store, settings, selection, retry_failed=retry_failed)
    say(
        f"fetch: {summary.fetched} fetched ({summary.bytes / 1e6:.1f} MB), {summary.failed}"
        f" failed, {summary.skipped} skipped, {summary.already} already fetched before"
    )
    if summary.left_pending:
        say(
            f"fetch: {summary.left_pending} documents left pending (their host kept failing or"
            " its robots.txt could not be read); run fetch again later"
        )


@_stage("extract")
def extract_selection(store: Store, selection: Selection, limits: Limits, say: Say) -> None:
    summary = extract_texts(store, selection, limits)
    say(
        f"extract: {summary.ok} with text, {summary.no_text} without text layer,"
        f" {summary.failed} failed"
    )


@_stage("repos")
def repos_selection(store: Store, settings: FetchSettings, selection: Selection, say: Say) -> None:
    summary = read_repos(store, _cached(store, settings), selection)
    say(
        f"repos: {summary.papers} papers looked at, {summary.with_own_repo} with their own code;"
        f" {summary.read} repositories read, {summary.reused} reused, {summary.failed} unreadable,"
        f" {summary.unsupported} on hosts not read yet"
    )
    if summary.postponed:
        say(f"repos: rate limit: {summary.postponed} papers left for the next run")


def detect_selection(store: Store, selection: Selection, method: str, say: Say) -> None:
    with _stage(f"detect ({method})"):
        with cached_resolver(store.cache_dir) as resolver:
            summary = detect_papers(store, selection, method, resolver.answer)
        say(
            f"detect ({summary.method}): {summary.papers} papers judged,"
            f" {summary.with_verdicts} name a framework"
        )


def aggregate(store: Store, method: str, say: Say) -> None:
    with _stage(f"aggregate ({method})"):
        rows = aggregate_shares(store, method)
        say(f"aggregate ({method}): {len(rows)} venue-years")


@_stage("report")
def report(
    store: Store, out_dir: Path, method: str, say: Say, inline: Inline = Inline.AUTO
) -> ReportFiles:
    files = write_report(store, out_dir, method, inline)
    say(f"report: {files.index}")
    return files


@_stage("signals")
def signals(
    store: Store,
    settings: FetchSettings,
    only: Sequence[str],
    since: str,
    say: Say,
    today: date | None = None,
    env: Mapping[str, str] | None = None,
) -> list[SignalSummary]:
    """Collect the industry signals (all, or those in ``only``) from ``since`` (YYYY-MM) on;
    months already stored complete are not asked for again. ``env`` holds the API keys
    (default: the process environment)."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", since):
        raise ConfigError(f"since must be a month as YYYY-MM, not {since!r}")
    chosen = signal_registry.chosen(only)
    with ApiClient(_cached(store, settings), request_headers(env)) as api:
        return collect_signals(store, api, chosen, since, today, say, env)


def run(store: Store, options: RunOptions, say: Say) -> ReportFiles:
    """collect -> fetch -> extract -> repos -> detect -> aggregate -> (signals) -> report for
    one selection; every detection method runs and is aggregated, side by side."""
    collect_selection(store, options.fetch, options.selection, say)
    fetch_selection(store, options.fetch, options.selection, say, options.retry_failed)
    extract_selection(store, options.selection, options.limits, say)
    if options.repos:
        repos_selection(store, options.fetch, options.selection, say)
    for method in options.methods:
        detect_selection(store, options.selection, method, say)
        aggregate(store, method, say)
    if options.signals:
        signals(store, options.fetch, (), options.signals_since, say, env=options.signals_env)
    return report(store, options.report_dir, options.method, say)

"""The repos stage: find each paper's own code, read it once, and store what it uses.

A repository linked by several papers is read once (the store keeps every snapshot by host,
owner, name and commit); a paper whose links were looked at is not looked at again, so the stage
resumes where it stopped. A rate limit that would need too long a wait stops the stage cleanly:
the papers not reached are taken by the next run. Readers come from the host registry
(``repos.hosts``); a repository on a host without a reader is stored as failed with the reason,
and counted apart (``unsupported``). A renamed or transferred repository is stored under the
name its host answers with now (the paper's link keeps the name it was linked by); a folder of
a monorepo is a snapshot of its own (``store_key``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fwcensus.detect.library_names import library_names
from fwcensus.detect.methods import EVIDENCE
from fwcensus.fetch.api import RateLimited
from fwcensus.fetch.policy import FetchSettings
from fwcensus.libraries.resolver import LibraryResolver
from fwcensus.models import ExtractedText, SectionKind, Selection
from fwcensus.progress import progress_bar
from fwcensus.repos.backends import network_resolver
from fwcensus.repos.dependencies import code_evidence
from fwcensus.repos.github import Caps, HostNotRead, RepoUnavailable, Snapshot
from fwcensus.repos.hosts import RepoReader, RepoReaders
from fwcensus.repos.links import CodeLink, RepoRef
from fwcensus.repos.own_link import OwnDecision, own_link
from fwcensus.repos.verdict import repo_verdicts
from fwcensus.store import Store
from fwcensus.store.repos import (
    PaperRepoLink,
    RepoEvidenceRecord,
    RepoSnapshotRecord,
    RepoVerdictRecord,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RepoSummary:
    papers: int
    with_own_repo: int
    read: int  # repositories read in this run
    reused: int  # papers whose repository was already read (in this run or before)
    failed: int  # papers whose own repository could not be read
    postponed: int  # papers left for a later run (rate limit)
    unsupported: int  # own repositories on hosts without a reader (unlisted self-hosted)


def read_repos(
    store: Store,
    settings: FetchSettings,
    selection: Selection,
    caps: Caps | None = None,
    transport: httpx.BaseTransport | None = None,
    known: Mapping[str, str] | None = None,
) -> RepoSummary:
    """Read each selected paper's own repository; ``known`` forges as ``links.forges()`` gives
    them (the environment's by default). The libraries its manifests name are resolved to
    their backend, the answers kept beside the HTTP cache (``settings.cache_dir``)."""
    jobs = store.repos.jobs(selection)
    log.info("repos: %d papers to look at", len(jobs))
    seen = _Seen()
    postponed = 0
    cache_folder = Path(settings.cache_dir) if settings.cache_dir else None
    with (
        RepoReaders(settings, caps, known, transport=transport) as readers,
        network_resolver(settings, readers, cache_folder, transport) as resolver,
        progress_bar("repos", total=len(jobs), unit="papers") as advance,
    ):
        for index, job in enumerate(jobs):
            text = store.texts.load(job.text_sha256) if job.text_sha256 else None
            decision = own_link(job.code_urls, text, job.authors, job.title, readers.known)
            own = decision.taken
            if own is None:
                log.debug("paper %d: no own repository among %d links", job.paper_id,
                          len(decision.links))  # fmt: skip
            repo_id = None
            if own is not None:
                seen.counts["own"] += 1
                try:
                    repo_id = _repo_id(store, _Reading(readers, resolver), own.repo, seen)
                except RateLimited as exc:
                    postponed = len(jobs) - index
                    log.info("repos: %s; %d papers left for a later run", exc, postponed)
                    break
            if text is not None and _look_up_tools(text, resolver):
                # The paper names a tool now known to run on a framework: judge it again.
                store.verdicts.forget(job.paper_id, EVIDENCE)
            records = [_record(link, decision, repo_id) for link in decision.links]
            store.repos.save_links(job.paper_id, records)
            advance(own.repo.url if own else "")
    counts = seen.counts
    return RepoSummary(
        papers=len(jobs),
        with_own_repo=counts["own"],
        read=counts["read"],
        reused=counts["reused"],
        failed=counts["failed"],
        postponed=postponed,
        unsupported=counts["unsupported"],
    )


@dataclass(frozen=True)
class _Reading:
    """What reads a repository: the host's reader, and the resolver of its libraries."""

    reader: RepoReader
    resolver: LibraryResolver


@dataclass
class _Seen:
    """This run's repositories: their store ids, why the unreadable ones were not read (the
    counter each paper linking them adds to), and the counters."""

    ids: dict[RepoRef, int] = field(default_factory=dict)
    unreadable: dict[RepoRef, str] = field(default_factory=dict)  # -> "failed" | "unsupported"
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("own", "read", "reused", "failed", "unsupported"), 0)
    )


def _look_up_tools(text: ExtractedText, resolver: LibraryResolver) -> bool:
    """Ask the resolver about the tools the paper names that the catalogue does not know, so
    the detect stage (which never goes to the network) finds the answers in its cache; whether
    any of them runs on a framework."""
    found = False
    for section in text.sections:
        if section.kind in (SectionKind.REFERENCES, SectionKind.TITLE):
            continue
        page = text.pages[section.page - 1]
        for name in library_names(page, section.start, section.end):
            # A failure to ask is not cached: the next run asks again.
            found |= resolver.resolve(name.name).framework is not None
    return found


def store_key(repo: RepoRef) -> tuple[str, str, str]:
    """``(host, owner, name)`` a repository is stored under. A folder of a monorepo is named by
    its path on the forge (``name/tree/HEAD/folder``), so each project linked from a monorepo
    is read and judged apart, and the URL made of the key leads to the folder."""
    name = f"{repo.name}/tree/HEAD/{repo.path}" if repo.path else repo.name
    return repo.host, repo.owner, name


def _repo_id(store: Store, reading: _Reading, repo: RepoRef, seen: _Seen) -> int:
    if repo not in seen.ids:
        stored = store.repos.find(*store_key(repo))
        if stored is None:
            record = _read(reading, repo, seen)
            # A repository that could not be read is not asked for again in this run; the
            # paper still points at the record that says why.
            seen.ids[repo] = store.repos.save(record)
            return seen.ids[repo]
        seen.ids[repo] = stored
    seen.counts[seen.unreadable.get(repo, "reused")] += 1
    return seen.ids[repo]


def _read(reading: _Reading, repo: RepoRef, seen: _Seen) -> RepoSnapshotRecord:
    try:
        snapshot = reading.reader.read(repo)
    except RepoUnavailable as exc:
        outcome = "unsupported" if isinstance(exc, HostNotRead) else "failed"
        log.info("%s (%s)", exc, outcome)
        seen.unreadable[repo] = outcome
        seen.counts[outcome] += 1
        return RepoSnapshotRecord(
            *store_key(repo), "", "failed", error=exc.reason, http_status=exc.status
        )
    seen.counts["read"] += 1
    log.debug("%s: %d of %d files read at %s%s", repo.url, len(snapshot.files),
              snapshot.files_total, snapshot.commit[:12],
              ", the tree truncated" if snapshot.tree_truncated else "")  # fmt: skip
    if snapshot.skipped:
        log.info("%s: %d files left out by the caps", repo.url, snapshot.skipped)
    return _snapshot_record(snapshot, reading.resolver)


def _snapshot_record(snapshot: Snapshot, resolver: LibraryResolver) -> RepoSnapshotRecord:
    verdicts = [
        RepoVerdictRecord(
            v.framework,
            v.role,
            v.score,
            tuple(RepoEvidenceRecord(s.kind, s.file, s.line, s.weight, s.text) for s in v.evidence),
        )
        for v in repo_verdicts(code_evidence(snapshot, resolver))
    ]
    return RepoSnapshotRecord(
        *store_key(snapshot.repo),
        snapshot.commit,
        "ok",
        repo_key=snapshot.repo_id,
        default_branch=snapshot.default_branch,
        files_total=snapshot.files_total,
        files_read=len(snapshot.files),
        bytes_read=snapshot.bytes_read,
        files_skipped=snapshot.skipped,
        tree_truncated=snapshot.tree_truncated,
        verdicts=verdicts,
    )


def _record(link: CodeLink, decision: OwnDecision, repo_id: int | None) -> PaperRepoLink:
    chosen = link is decision.taken
    host, owner, name = store_key(link.repo)
    return PaperRepoLink(
        url=link.url,
        host=host,
        owner=owner,
        name=name,
        role=link.role,
        chosen=chosen,
        score=link.score,
        reasons=link.reasons,
        source=link.source,
        page=link.page,
        section=link.section,
        snippet=link.snippet,
        repo_id=repo_id if chosen else None,
        decision=decision.why_of(link),
    )

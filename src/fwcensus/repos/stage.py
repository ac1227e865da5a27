"""The repos stage: find each paper's own code, read it once, and store what it uses.

A repository linked by several papers is read once (the store keeps every snapshot by host,
owner, name and commit); a paper whose links were looked at is not looked at again, so the stage
resumes where it stopped. A rate limit that would need too long a wait stops the stage cleanly:
the papers not reached are taken by the next run. Readers come from the host registry
(``repos.hosts``); a repository on a host without a reader is stored as failed with the reason,
and counted apart (``unsupported``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from fwcensus.fetch.api import RateLimited
from fwcensus.fetch.policy import FetchSettings
from fwcensus.models import Selection
from fwcensus.progress import progress_bar
from fwcensus.repos.github import Caps, HostNotRead, RepoUnavailable, Snapshot
from fwcensus.repos.hosts import RepoReader, RepoReaders
from fwcensus.repos.links import CodeLink, RepoRef
from fwcensus.repos.own_link import OwnDecision, own_link
from fwcensus.repos.verdict import repo_verdicts
from fwcensus.store import Store
from fwcensus.store.db import (
    PaperRepoLink,
    RepoEvidenceRecord,
    RepoJob,
    RepoSnapshotRecord,
    RepoVerdictRecord,
)


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
    them (the environment's by default)."""
    jobs = store.repo_jobs(selection)
    seen = _Seen()
    postponed = 0
    with (
        RepoReaders(settings, caps, known, transport=transport) as readers,
        progress_bar("repos", total=len(jobs), unit="papers") as advance,
    ):
        for index, job in enumerate(jobs):
            decision = _decide(store, job, readers.known)
            own = decision.taken
            repo_id = None
            if own is not None:
                seen.counts["own"] += 1
                try:
                    repo_id = _repo_id(store, readers, own.repo, seen)
                except RateLimited:
                    postponed = len(jobs) - index
                    break
            records = [_record(link, decision, repo_id) for link in decision.links]
            store.save_paper_repos(job.paper_id, records)
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


@dataclass
class _Seen:
    """This run's repositories: their store ids, why the unreadable ones were not read (the
    counter each paper linking them adds to), and the counters."""

    ids: dict[RepoRef, int] = field(default_factory=dict)
    unreadable: dict[RepoRef, str] = field(default_factory=dict)  # -> "failed" | "unsupported"
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("own", "read", "reused", "failed", "unsupported"), 0)
    )


def _decide(store: Store, job: RepoJob, known: Mapping[str, str]) -> OwnDecision:
    """The paper's own repository, decided as ``inspect --repos`` decides it."""
    text = store.load_text(job.text_sha256) if job.text_sha256 else None
    return own_link(job.code_urls, text, job.authors, job.title, known)


def _repo_id(store: Store, reader: RepoReader, repo: RepoRef, seen: _Seen) -> int:
    if repo not in seen.ids:
        stored = store.find_repo(repo.host, repo.owner, repo.name)
        if stored is None:
            record = _read(reader, repo, seen)
            # A repository that could not be read is not asked for again in this run; the
            # paper still points at the record that says why.
            seen.ids[repo] = store.save_repo(record)
            return seen.ids[repo]
        seen.ids[repo] = stored
    seen.counts[seen.unreadable.get(repo, "reused")] += 1
    return seen.ids[repo]


def _read(reader: RepoReader, repo: RepoRef, seen: _Seen) -> RepoSnapshotRecord:
    try:
        snapshot = reader.read(repo)
    except RepoUnavailable as exc:
        outcome = "unsupported" if isinstance(exc, HostNotRead) else "failed"
        seen.unreadable[repo] = outcome
        seen.counts[outcome] += 1
        return RepoSnapshotRecord(
            repo.host, repo.owner, repo.name, "", "failed", error=exc.reason,
            http_status=exc.status,
        )  # fmt: skip
    seen.counts["read"] += 1
    return _snapshot_record(snapshot)


def _snapshot_record(snapshot: Snapshot) -> RepoSnapshotRecord:
    verdicts = [
        RepoVerdictRecord(
            v.framework,
            v.role,
            v.score,
            tuple(RepoEvidenceRecord(s.kind, s.file, s.line, s.weight, s.text) for s in v.signals),
        )
        for v in repo_verdicts(snapshot.signals())
    ]
    repo = snapshot.repo
    return RepoSnapshotRecord(
        repo.host,
        repo.owner,
        repo.name,
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
    return PaperRepoLink(
        url=link.url,
        host=link.repo.host,
        owner=link.repo.owner,
        name=link.repo.name,
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

"""The repos stage: find each paper's own code, read it once, and store what it uses.

A repository linked by several papers is read once (the store keeps every snapshot by host,
owner, name and commit); a paper whose links were looked at is not looked at again, so the stage
resumes where it stopped. A rate limit that would need too long a wait stops the stage cleanly:
the papers not reached are taken by the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from fwcensus.fetch.api import RateLimited
from fwcensus.fetch.policy import FetchSettings
from fwcensus.models import Selection
from fwcensus.progress import progress_bar
from fwcensus.repos.github import Caps, GitHubReader, RepoUnavailable, Snapshot
from fwcensus.repos.gitlab import GitLabReader
from fwcensus.repos.links import CodeLink, RepoRef, find_code_links, own_repository
from fwcensus.repos.signals import signals_from_file
from fwcensus.repos.verdict import repo_verdicts
from fwcensus.store import Store
from fwcensus.store.db import (
    PaperRepoLink,
    RepoEvidenceRecord,
    RepoJob,
    RepoSnapshotRecord,
    RepoVerdictRecord,
)

READABLE_HOSTS = frozenset({"github.com", "gitlab.com"})


class RepoReader(Protocol):
    def read(self, repo: RepoRef) -> Snapshot: ...


@dataclass(frozen=True)
class RepoSummary:
    papers: int
    with_own_repo: int
    read: int  # repositories read in this run
    reused: int  # papers whose repository was already read (in this run or before)
    failed: int  # papers whose own repository could not be read
    postponed: int  # papers left for a later run (rate limit)
    unsupported: int  # own repositories on hosts not read yet (Hugging Face, Bitbucket, ...)


def read_repos(
    store: Store,
    settings: FetchSettings,
    selection: Selection,
    caps: Caps | None = None,
    transport: httpx.BaseTransport | None = None,
) -> RepoSummary:
    jobs = store.repo_jobs(selection)
    known: dict[RepoRef, int] = {}
    unreadable: set[RepoRef] = set()
    counts = dict.fromkeys(("own", "read", "reused", "failed", "unsupported"), 0)
    postponed = 0
    with (
        GitHubReader(settings, caps, transport=transport) as github,
        GitLabReader(settings, caps, transport=transport) as gitlab,
        progress_bar("repos", total=len(jobs), unit="papers") as advance,
    ):
        readers: dict[str, RepoReader] = {"github.com": github, "gitlab.com": gitlab}
        for index, job in enumerate(jobs):
            links = _links(store, job)
            own = own_repository(links)
            repo_id = None
            if own is not None:
                counts["own"] += 1
                try:
                    repo_id = _repo_id(store, readers, own.repo, known, unreadable, counts)
                except RateLimited:
                    postponed = len(jobs) - index
                    break
            store.save_paper_repos(job.paper_id, [_record(link, own, repo_id) for link in links])
            advance(own.repo.url if own else "")
    return RepoSummary(
        papers=len(jobs),
        with_own_repo=counts["own"],
        read=counts["read"],
        reused=counts["reused"],
        failed=counts["failed"],
        postponed=postponed,
        unsupported=counts["unsupported"],
    )


def _links(store: Store, job: RepoJob) -> list[CodeLink]:
    text = store.load_text(job.text_sha256) if job.text_sha256 else None
    return find_code_links(job.code_urls, text, job.authors, job.title)


def _repo_id(
    store: Store,
    readers: dict[str, RepoReader],
    repo: RepoRef,
    known: dict[RepoRef, int],
    unreadable: set[RepoRef],
    counts: dict[str, int],
) -> int | None:
    if repo.host not in READABLE_HOSTS:
        counts["unsupported"] += 1
        return None
    if repo not in known:
        stored = store.find_repo(repo.host, repo.owner, repo.name)
        if stored is None:
            record = _read(readers[repo.host], repo, counts)
            # A repository that could not be read is not asked for again in this run; the
            # paper still points at the record that says why.
            known[repo] = store.save_repo(record)
            if record.status != "ok":
                unreadable.add(repo)
            return known[repo]
        known[repo] = stored
    counts["failed" if repo in unreadable else "reused"] += 1
    return known[repo]


def _read(reader: RepoReader, repo: RepoRef, counts: dict[str, int]) -> RepoSnapshotRecord:
    try:
        snapshot = reader.read(repo)
    except RepoUnavailable as exc:
        counts["failed"] += 1
        return RepoSnapshotRecord(
            repo.host, repo.owner, repo.name, "", "failed", error=exc.reason,
            http_status=exc.status,
        )  # fmt: skip
    counts["read"] += 1
    return _snapshot_record(snapshot)


def _snapshot_record(snapshot: Snapshot) -> RepoSnapshotRecord:
    signals = [s for path, data in snapshot.files.items() for s in signals_from_file(path, data)]
    verdicts = [
        RepoVerdictRecord(
            v.framework,
            v.role,
            v.score,
            tuple(RepoEvidenceRecord(s.kind, s.file, s.line, s.weight, s.text) for s in v.signals),
        )
        for v in repo_verdicts(signals)
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


def _record(link: CodeLink, own: CodeLink | None, repo_id: int | None) -> PaperRepoLink:
    chosen = own is not None and link.repo == own.repo
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
    )

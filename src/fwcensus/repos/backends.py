"""What a library's own code repository says it runs on, read as the repos stage reads papers'
repositories: the library resolver's last step (``libraries/resolver.py``), and the resolver
that asks PyPI and reads repositories with the stage's readers (``network_resolver``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from fwcensus.fetch.api import ApiClient, RateLimited
from fwcensus.fetch.policy import FetchSettings
from fwcensus.libraries.backend import Backend
from fwcensus.libraries.cache import LibraryCache
from fwcensus.libraries.pypi import PyPI
from fwcensus.libraries.resolver import LibraryResolver, one_backend
from fwcensus.repos.findings import CODE_KINDS, MANIFEST_KINDS, SUPPORTING_KINDS
from fwcensus.repos.github import RepoUnavailable, Snapshot
from fwcensus.repos.hosts import RepoReader
from fwcensus.repos.links import RepoRef, parse_repo

CODE_FILES = 3  # files of a repository without manifests that must use the framework


class RepositoryBackends:
    """The resolver's ``CodeReader``: a library's repositories read by ``reader``."""

    def __init__(self, reader: RepoReader) -> None:
        self.reader = reader

    def backend(self, key: str, urls: Sequence[str]) -> tuple[Backend | None, bool]:
        """The backend its repository's files name (the first readable repository among
        ``urls``); ``(None, True)`` when none can be read, ``(None, False)`` when a rate limit
        stopped the read."""
        tried: set[RepoRef] = set()
        for url in urls:
            repo = parse_repo(url)
            if repo is None or repo in tried:
                continue
            tried.add(repo)
            try:
                snapshot = self.reader.read(repo)
            except RateLimited:
                return None, False
            except RepoUnavailable:
                continue  # deleted, moved away, a host without a reader: the next URL
            return repository_backend(key, snapshot), True
        return None, True


def repository_backend(key: str, snapshot: Snapshot) -> Backend:
    """What a library's repository says it runs on: its manifests (requirements, Dockerfile,
    rockspec, ...) first; without them, code using one framework in ``CODE_FILES`` files."""
    evidence = snapshot.evidence()
    declaring = MANIFEST_KINDS - SUPPORTING_KINDS
    declared = [
        (f"repo manifest {s.file}:{s.line} {s.text}", s.framework, s.framework)
        for s in evidence
        if s.kind in declaring
    ]
    if declared:
        return one_backend(key, "repository", declared)
    files: dict[str, set[str]] = {}
    for item in evidence:
        if item.kind in CODE_KINDS:
            files.setdefault(item.framework, set()).add(item.file)
    used = [
        (f"repo code: {len(paths)} files use it, e.g. {min(paths)}", framework, framework)
        for framework, paths in sorted(files.items())
        if len(paths) >= CODE_FILES
    ]
    if used:
        return one_backend(key, "repository", used)
    return Backend(key, None, "repository", f"{snapshot.repo.url} names no framework")


@contextmanager
def network_resolver(
    settings: FetchSettings,
    repos: RepoReader | None,
    cache_folder: Path | None,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
) -> Iterator[LibraryResolver]:
    """A resolver asking PyPI (through an ApiClient of ``settings``) and reading repositories
    with ``repos`` (the caller's readers, so one host's requests share one pace); answers kept
    in ``cache_folder`` (in memory when None)."""
    cache_ = LibraryCache(cache_folder)
    code = RepositoryBackends(repos) if repos is not None else None
    try:
        with ApiClient(settings, transport=transport, clock=clock) as api:
            yield LibraryResolver(PyPI(api), code, cache_, clock)
    finally:
        cache_.close()

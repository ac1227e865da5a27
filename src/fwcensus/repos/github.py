"""Read a GitHub repository through the REST API, without cloning or executing anything.

repo metadata (id, default branch) -> the default branch's commit -> the recursive git tree ->
the files that can name a framework, by raw URL at that commit, within caps on files and bytes.
Manifests are read first, so a tree of 200,000 files still gives a verdict. Every request goes
through the project's HttpClient (robots.txt, per-host rate, retries, cache). GitHub's own
limits are obeyed on top: an answer with ``X-RateLimit-Remaining: 0`` waits until
``X-RateLimit-Reset`` and resumes; a secondary limit waits what ``Retry-After`` asks; 404 (deleted
or private), 451 (unavailable for legal reasons) and other 403s fail the repository with their
reason. ``GITHUB_TOKEN``, when set, is sent to api.github.com only.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from fwcensus.fetch.api import ApiClient, HeadersFor, RateLimits
from fwcensus.fetch.client import Body, FetchError, read_all
from fwcensus.fetch.policy import FetchSettings
from fwcensus.repos.links import RepoRef
from fwcensus.repos.signals import MANIFEST_FILE_KINDS, file_kind

T = TypeVar("T")

API = "https://api.github.com"
RAW = "https://raw.githubusercontent.com"
API_HOST = "api.github.com"


@dataclass(frozen=True)
class Caps:
    max_files: int = 200  # files read per repository
    max_bytes: int = 5 * 1024 * 1024  # bytes read per repository
    max_file_bytes: int = 512 * 1024  # a larger file is not read
    max_rate_waits: int = 3  # rate-limit resets waited for one request before giving up
    max_wait: float = 3700.0  # longest single wait for a reset (GitHub resets hourly)


@dataclass
class Snapshot:
    """What was read of one repository at one commit."""

    repo: RepoRef
    commit: str
    repo_id: int | None
    default_branch: str
    files_total: int  # blobs in the tree (as far as the API listed them)
    tree_truncated: bool  # the API cut the tree itself
    files: dict[str, bytes] = field(default_factory=dict)  # path -> content, as read
    skipped: int = 0  # files that could speak but were left out by the caps

    @property
    def bytes_read(self) -> int:
        return sum(len(v) for v in self.files.values())


class RepoUnavailable(Exception):
    """The repository cannot be read: deleted or private (404), blocked (451), forbidden."""

    def __init__(self, repo: RepoRef, reason: str, status: int | None = None) -> None:
        super().__init__(f"{repo.url}: {reason}")
        self.repo = repo
        self.reason = reason
        self.status = status


def github_headers(token: str | None) -> HeadersFor:
    """The REST API's headers, and the token for api.github.com only."""

    def headers_for(host: str) -> dict[str, str]:
        if host != API_HOST:
            return {}
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    return headers_for


class GitHubReader:
    def __init__(
        self,
        settings: FetchSettings,
        caps: Caps | None = None,
        token: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        token = token if token is not None else os.environ.get("GITHUB_TOKEN") or None
        self.caps = caps = caps or Caps()
        limits = RateLimits(caps.max_rate_waits, caps.max_wait)
        self.api = ApiClient(settings, github_headers(token), limits, sleep, clock, transport)

    @property
    def rate_waits(self) -> int:
        """How often a rate limit was waited out (for the summary)."""
        return self.api.rate_waits

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> GitHubReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ---------------------------------------------------------------------------------

    def _get(self, repo: RepoRef, url: str) -> bytes:
        return self._request(repo, url, read_all)

    def _request(self, repo: RepoRef, url: str, consume: Callable[[Body], T]) -> T:
        """GET ``url`` (its body handed to ``consume``), waiting out rate limits; a repository
        that cannot be read raises RepoUnavailable, one rate-limited too long RateLimited."""
        try:
            return self.api.request(url, consume).body
        except FetchError as exc:
            raise self._unavailable(repo, url, exc) from None

    def _unavailable(self, repo: RepoRef, url: str, exc: FetchError) -> RepoUnavailable:
        status = exc.status
        if status == 404:
            reason = "not found (deleted, renamed away or private)"
        elif status == 451:
            reason = "unavailable for legal reasons (HTTP 451)"
        elif status == 403:
            reason = "forbidden (HTTP 403)"
        elif status == 409:
            reason = "empty repository (HTTP 409)"
        else:
            reason = exc.reason
        return RepoUnavailable(repo, f"{reason} at {url}", status)

    def _json(self, repo: RepoRef, url: str) -> Any:
        data = self._get(repo, url)
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise RepoUnavailable(repo, f"{url}: not JSON ({exc})") from None

    # -- the repository ---------------------------------------------------------------------------

    def head(self, repo: RepoRef) -> tuple[int | None, str, str]:
        """``(repository id, default branch, commit sha of its head)``."""
        meta = self._json(repo, f"{API}/repos/{repo.owner}/{repo.name}")
        if not isinstance(meta, dict) or "default_branch" not in meta:
            raise RepoUnavailable(repo, "repository answer without default_branch")
        branch = str(meta["default_branch"])
        commit = self._json(
            repo, f"{API}/repos/{repo.owner}/{repo.name}/commits/{quote(branch, safe='')}"
        )
        if not isinstance(commit, dict) or "sha" not in commit:
            raise RepoUnavailable(repo, f"no commit for branch {branch}")
        repo_id = meta.get("id")
        return (int(repo_id) if isinstance(repo_id, int) else None), branch, str(commit["sha"])

    def tree(self, repo: RepoRef, commit: str) -> tuple[list[tuple[str, int]], bool]:
        """``([(path, size)] of every blob, truncated)`` at ``commit``."""
        data = self._json(
            repo, f"{API}/repos/{repo.owner}/{repo.name}/git/trees/{commit}?recursive=1"
        )
        if not isinstance(data, dict) or not isinstance(data.get("tree"), list):
            raise RepoUnavailable(repo, "tree answer without a tree")
        blobs = [
            (str(entry["path"]), int(entry.get("size") or 0))
            for entry in data["tree"]
            if isinstance(entry, dict)
            and entry.get("type") == "blob"
            and "path" in entry
            and str(entry.get("mode", "")) != "120000"  # symlinks are not followed
        ]
        return blobs, bool(data.get("truncated"))

    def read(self, repo: RepoRef) -> Snapshot:
        repo_id, branch, commit = self.head(repo)
        blobs, truncated = self.tree(repo, commit)
        snapshot = Snapshot(repo, commit, repo_id, branch, len(blobs), truncated)
        wanted = choose_files(blobs)
        budget = self.caps.max_bytes
        for path, size in wanted:
            if len(snapshot.files) >= self.caps.max_files or size > self.caps.max_file_bytes:
                snapshot.skipped += 1
                continue
            if size > budget:
                snapshot.skipped += 1
                continue
            url = f"{RAW}/{repo.owner}/{repo.name}/{commit}/{quote(path)}"
            try:
                data = self._get(repo, url)
            except RepoUnavailable:
                snapshot.skipped += 1  # one unreadable file does not sink the repository
                continue
            budget -= len(data)
            snapshot.files[path] = data
        return snapshot


def choose_files(blobs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The files worth reading, manifests first, then shallow code before deep code."""
    ranked = []
    for path, size in blobs:
        kind = file_kind(path)
        if kind is None:
            continue
        parts = path.split("/")
        if any(p in {"node_modules", "site-packages", ".git", "venv", ".venv"} for p in parts):
            continue
        rank = 0 if kind in MANIFEST_FILE_KINDS else 1 if kind in {"lua", "prototxt"} else 2
        ranked.append((rank, len(parts), path, size))
    ranked.sort()
    return [(path, size) for _, _, path, size in ranked]

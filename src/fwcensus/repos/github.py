"""Read a GitHub repository through the REST API, without cloning or executing anything; and
what every repository reader shares (``ApiReader``, ``Snapshot``, ``Caps``, ``RepoUnavailable``).

repo metadata (id, default branch) -> the default branch's commit -> the recursive git tree ->
the files that can name a framework, by raw URL at that commit, within caps on files and bytes.
Manifests are read first, so a tree of 200,000 files still gives a verdict. Every request goes
through the project's ApiClient (robots.txt, per-host rate, retries, cache, the APIs' rate
limits): an answer with ``X-RateLimit-Remaining: 0`` waits until ``X-RateLimit-Reset`` and
resumes; a secondary limit waits what ``Retry-After`` asks; 404 (deleted or private), 451
(unavailable for legal reasons) and other 403s fail the repository with their reason.
``GITHUB_TOKEN``, when set, is sent to api.github.com only.
"""

from __future__ import annotations

import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import quote

import httpx

from fwcensus.catalogue.code_hosts import GITHUB_API, GITHUB_RAW
from fwcensus.errors import HostNotRead, RepoUnavailable
from fwcensus.fetch.api import ApiClient, RateLimits
from fwcensus.fetch.client import Body, FetchError, read_all
from fwcensus.fetch.policy import FetchSettings
from fwcensus.hosts import Host, HostTable
from fwcensus.repos.evidence import MANIFEST_FILE_KINDS, NATIVE_FILE_KINDS, file_kind, read_file
from fwcensus.repos.findings import Declared, RepoEvidence
from fwcensus.repos.links import RepoRef

T = TypeVar("T")

API = "https://api.github.com"
RAW = "https://raw.githubusercontent.com"


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
    # Evidence that is no file's content: weights files by name, the host's own metadata.
    metadata_evidence: tuple[RepoEvidence, ...] = ()
    # The repository as the paper linked it, when the host answers for it under another name
    # (renamed or transferred); ``repo`` is then the name it has now.
    linked: RepoRef | None = None

    @property
    def bytes_read(self) -> int:
        return sum(len(v) for v in self.files.values())

    def findings(self) -> tuple[list[RepoEvidence], list[Declared]]:
        """All the framework evidence of the snapshot (each file read, then the metadata ones) and
        the packages its manifests declare that the catalogue does not know."""
        evidence: list[RepoEvidence] = []
        declared: list[Declared] = []
        for path, data in self.files.items():
            found, packages = read_file(path, data)
            evidence += found
            declared += packages
        return evidence + list(self.metadata_evidence), declared

    def evidence(self) -> list[RepoEvidence]:
        """All the framework evidence of the snapshot, without its libraries resolved."""
        return self.findings()[0]


class ApiReader(ABC):
    """``read(RepoRef) -> Snapshot`` for one host, through the project's ApiClient: the
    requests, their rate limits and the failures every reader shares."""

    # Why an HTTP status makes a repository unreadable, worded for the user.
    REASONS: ClassVar[Mapping[int, str]] = {
        404: "not found (deleted, renamed away or private)",
        451: "unavailable for legal reasons (HTTP 451)",
        403: "forbidden (HTTP 403)",
    }

    DEFAULT_HOST: ClassVar[str]
    # The hosts the reader asks for its default host: their budgets, keys and headers.
    HOSTS: ClassVar[tuple[Host, ...]] = ()
    # The API's path on whichever host the forge runs (a self-hosted one too).
    API_PATH: ClassVar[str | None] = None

    def __init__(
        self,
        settings: FetchSettings,
        caps: Caps | None = None,
        *,
        host: str | None = None,
        token: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.host = host or self.DEFAULT_HOST
        if self.API_PATH:
            # A documented API, on whichever host the forge runs: its terms and rate limits
            # apply, not robots.txt (fwcensus/hosts.py ``Host.api`` says why).
            api = f"https://{self.host}{self.API_PATH}"
            settings = replace(settings, api_prefixes=(*settings.api_prefixes, api))
        hosts = HostTable.of(self.HOSTS)
        # A ``token`` given stands for the key of the reader's host ("" for none); otherwise
        # the keys come from the environment.
        env: Mapping[str, str] = (
            os.environ
            if token is None
            else {c.env: token for h in hosts.hosts for c in h.credentials}
        )
        self.caps = caps = caps or Caps()
        limits = RateLimits(caps.max_rate_waits, caps.max_wait)
        self.api = ApiClient(settings, hosts.headers_for(env), limits, sleep, clock, transport)

    @property
    def rate_waits(self) -> int:
        """How often a rate limit was waited out (for the summary)."""
        return self.api.rate_waits

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, repo: RepoRef) -> Snapshot:
        if repo.host != self.host:
            raise HostNotRead(repo, f"{repo.host} is not read by the {self.host} reader")
        return self.snapshot(repo)

    @abstractmethod
    def snapshot(self, repo: RepoRef) -> Snapshot:
        """What the host holds of ``repo`` at its head commit."""

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
        reason = self.REASONS.get(exc.status or 0, exc.reason)
        return RepoUnavailable(repo, f"{reason} at {url}", exc.status)

    def _json(self, repo: RepoRef, url: str) -> Any:
        data = self._get(repo, url)
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise RepoUnavailable(repo, f"{url}: not JSON ({exc})") from None

    def _read_files(
        self, snapshot: Snapshot, wanted: list[tuple[str, int]], url_of: Callable[[str], str]
    ) -> None:
        """Read the ``wanted`` files (ranked by ``choose_files``) into ``snapshot`` within the
        caps; a file that cannot be read is skipped, it does not sink the repository."""
        budget = self.caps.max_bytes
        for path, size in wanted:
            too_big = size > self.caps.max_file_bytes or size > budget
            if len(snapshot.files) >= self.caps.max_files or too_big:
                snapshot.skipped += 1
                continue
            try:
                data = self._get(snapshot.repo, url_of(path))
            except RepoUnavailable:
                snapshot.skipped += 1
                continue
            if len(data) > self.caps.max_file_bytes or len(data) > budget:
                snapshot.skipped += 1  # bigger than listed (or listed without a size)
                continue
            budget -= len(data)
            snapshot.files[path] = data


class GitHubReader(ApiReader):
    REASONS: ClassVar[Mapping[int, str]] = {
        **ApiReader.REASONS,
        409: "empty repository (HTTP 409)",
    }

    DEFAULT_HOST = "github.com"
    HOSTS = (GITHUB_API, GITHUB_RAW)

    def head(self, repo: RepoRef) -> tuple[RepoRef, int | None, str, str]:
        """``(the repository as GitHub names it now, its id, default branch, head commit)``:
        a renamed or transferred repository answers, after GitHub's 301 to
        ``/repositories/{id}``, with its new ``full_name``, and is read under that name."""
        meta = self._json(repo, f"{API}/repos/{repo.owner}/{repo.name}")
        if not isinstance(meta, dict) or "default_branch" not in meta:
            raise RepoUnavailable(repo, "repository answer without default_branch")
        current = _named(repo, meta.get("full_name"))
        branch = str(meta["default_branch"])
        commit = self._json(
            current, f"{API}/repos/{current.owner}/{current.name}/commits/{quote(branch, safe='')}"
        )
        if not isinstance(commit, dict) or "sha" not in commit:
            raise RepoUnavailable(repo, f"no commit for branch {branch}")
        repo_id = meta.get("id")
        repo_id = int(repo_id) if isinstance(repo_id, int) else None
        return current, repo_id, branch, str(commit["sha"])

    def listing(self, repo: RepoRef, sha: str, recursive: bool) -> tuple[list[_Entry], bool]:
        """``(entries, truncated)`` of the git tree ``sha`` (a commit's root tree or a
        folder's), every level below it when ``recursive``; paths are relative to it."""
        query = "?recursive=1" if recursive else ""
        data = self._json(repo, f"{API}/repos/{repo.owner}/{repo.name}/git/trees/{sha}{query}")
        if not isinstance(data, dict) or not isinstance(data.get("tree"), list):
            raise RepoUnavailable(repo, "tree answer without a tree")
        entries = [
            _Entry(str(e["path"]), str(e.get("type")), str(e.get("sha", "")),
                   int(e.get("size") or 0), str(e.get("mode", "")))
            for e in data["tree"]
            if isinstance(e, dict) and "path" in e
        ]  # fmt: skip
        return entries, bool(data.get("truncated"))

    def tree(self, repo: RepoRef, commit: str) -> tuple[list[tuple[str, int]], bool]:
        """``([(path, size)] of every blob, truncated)`` at ``commit``. A tree too big for one
        answer (GitHub cuts it at 100,000 entries, depth first) may lack the root's own files,
        so the root is then listed on its own too: its manifests are read whatever the size."""
        entries, truncated = self.listing(repo, commit, recursive=True)
        blobs = _blobs(entries)
        if truncated:
            listed = {path for path, _ in blobs}
            root, _ = self.listing(repo, commit, recursive=False)
            blobs += [blob for blob in _blobs(root) if blob[0] not in listed]
        return blobs, truncated

    def folder_tree(
        self, repo: RepoRef, commit: str, folder: str
    ) -> tuple[list[tuple[str, int]], bool]:
        """The blobs of ``folder`` and the manifests of the folders above it, which a project
        inside a repository often shares (the root's requirements.txt). The whole tree is
        listed once and cut to them; a tree too big for one answer is walked down to the
        folder instead, and the folder's own tree listed."""
        entries, truncated = self.listing(repo, commit, recursive=True)
        if truncated:
            return self._walk_to(repo, commit, folder)
        blobs = _blobs(entries)
        inside = [(path, size) for path, size in blobs if path.startswith(folder + "/")]
        if not inside:
            raise RepoUnavailable(repo, f"no folder {folder} at commit {commit[:12]}")
        return _manifests_above(blobs, folder) + inside, False

    def _walk_to(
        self, repo: RepoRef, commit: str, folder: str
    ) -> tuple[list[tuple[str, int]], bool]:
        sha, above, prefix = commit, [], ""
        for segment in folder.split("/"):
            entries, _ = self.listing(repo, sha, recursive=False)
            above += [(prefix + path, size) for path, size in _blobs(entries)]
            sub = next((e for e in entries if e.type == "tree" and e.path == segment), None)
            if sub is None:
                raise RepoUnavailable(repo, f"no folder {folder} at commit {commit[:12]}")
            sha, prefix = sub.sha, f"{prefix}{segment}/"
        entries, truncated = self.listing(repo, sha, recursive=True)
        inside = [(prefix + path, size) for path, size in _blobs(entries)]
        return _manifests_above(above, folder) + inside, truncated

    def snapshot(self, repo: RepoRef) -> Snapshot:
        current, repo_id, branch, commit = self.head(repo)
        if repo.path:
            blobs, truncated = self.folder_tree(current, commit, repo.path)
        else:
            blobs, truncated = self.tree(current, commit)
        snapshot = Snapshot(current, commit, repo_id, branch, len(blobs), truncated)
        if current != repo:
            snapshot.linked = repo
        base = f"{RAW}/{current.owner}/{current.name}/{commit}/"
        self._read_files(snapshot, choose_files(blobs), lambda path: base + quote(path))
        return snapshot


def _manifests_above(blobs: list[tuple[str, int]], folder: str) -> list[tuple[str, int]]:
    """The manifests directly in ``folder``'s ancestors (the root included)."""
    parts = folder.split("/")
    ancestors = {"/".join(parts[:i]) for i in range(len(parts))}
    return [
        (path, size)
        for path, size in blobs
        if path.rpartition("/")[0] in ancestors and file_kind(path) in MANIFEST_FILE_KINDS
    ]


@dataclass(frozen=True)
class _Entry:
    """One entry of a git tree answer."""

    path: str
    type: str  # blob | tree | commit (a submodule)
    sha: str
    size: int
    mode: str


def _blobs(entries: list[_Entry]) -> list[tuple[str, int]]:
    """``(path, size)`` of the files; symlinks are not followed, submodules not entered."""
    return [(e.path, e.size) for e in entries if e.type == "blob" and e.mode != "120000"]


def _named(repo: RepoRef, full_name: object) -> RepoRef:
    """``repo`` under the ``owner/name`` GitHub answered with (its folder kept)."""
    if not isinstance(full_name, str) or full_name.count("/") != 1:
        return repo
    owner, name = full_name.split("/")
    if (owner.casefold(), name.casefold()) == (repo.owner.casefold(), repo.name.casefold()):
        return repo
    return RepoRef(repo.host, owner, name, repo.path)


def _rank(kind: str) -> int:
    if kind in MANIFEST_FILE_KINDS:
        return 0
    if kind in NATIVE_FILE_KINDS:
        return 1
    return 3 if kind == "c_family" else 2


def choose_files(blobs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The files worth reading: manifests first, then Lua/Caffe/MATLAB, Python and notebooks,
    C/C++ last; within each, shallow before deep."""
    ranked = []
    for path, size in blobs:
        kind = file_kind(path)
        if kind is None:
            continue
        parts = path.split("/")
        if any(p in {"node_modules", "site-packages", ".git", "venv", ".venv"} for p in parts):
            continue
        ranked.append((_rank(kind), len(parts), path, size))
    ranked.sort()
    return [(path, size) for _, _, path, size in ranked]

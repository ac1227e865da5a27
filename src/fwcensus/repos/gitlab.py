"""Read a GitLab repository through its archive, without cloning or executing anything.

``GET /api/v4/projects/{owner}%2F{name}`` (``id``, ``default_branch``) -> ``GET
.../repository/branches/{branch}`` (``commit.id``, the head commit) -> ``GET
.../repository/archive.tar.gz?sha={commit}``, walked in memory by ``read_tar_gz``. The archive is
asked for at the commit, not the branch, so the files read are exactly the stored commit's.
Requests go through the project's HttpClient (robots.txt, the host's rate, retries, cache) and
the same rate-limit handling as the GitHub reader: GitLab answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

import httpx

from fwcensus.fetch.client import Body
from fwcensus.fetch.policy import FetchSettings
from fwcensus.repos.archive import ArchiveContents, ArchiveError, read_tar_gz
from fwcensus.repos.github import Caps, GitHubReader, RepoUnavailable, Snapshot
from fwcensus.repos.links import RepoRef

API = "https://gitlab.com/api/v4"


def project_url(repo: RepoRef) -> str:
    return f"{API}/projects/{quote(f'{repo.owner}/{repo.name}', safe='')}"


class GitLabReader(GitHubReader):
    """``read(RepoRef) -> Snapshot`` for gitlab.com, through the repository archive."""

    def __init__(
        self,
        settings: FetchSettings,
        caps: Caps | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # No token: GITHUB_TOKEN must never reach another host (the transport only ever sends
        # it to api.github.com anyway).
        super().__init__(settings, caps, token="", sleep=sleep, clock=clock, transport=transport)

    def head(self, repo: RepoRef) -> tuple[int | None, str, str]:
        """``(project id, default branch, commit sha of its head)``."""
        base = project_url(repo)
        meta = self._json(repo, base)
        if not isinstance(meta, dict) or "default_branch" not in meta:
            raise RepoUnavailable(repo, "project answer without default_branch")
        if not meta["default_branch"]:
            raise RepoUnavailable(repo, "empty repository (no default branch)")
        branch = str(meta["default_branch"])
        answer = self._json(repo, f"{base}/repository/branches/{quote(branch, safe='')}")
        commit = answer.get("commit") if isinstance(answer, dict) else None
        if not isinstance(commit, dict) or not commit.get("id"):
            raise RepoUnavailable(repo, f"no commit for branch {branch}")
        project_id = meta.get("id")
        return (project_id if isinstance(project_id, int) else None), branch, str(commit["id"])

    def archive(self, repo: RepoRef, commit: str) -> ArchiveContents:
        url = f"{project_url(repo)}/repository/archive.tar.gz?sha={quote(commit, safe='')}"

        def consume(body: Body) -> ArchiveContents:
            return read_tar_gz(body.iter_bytes(), self.caps)

        try:
            return self._request(repo, url, consume)
        except ArchiveError as exc:
            raise RepoUnavailable(repo, f"{exc} at {url}") from None

    def read(self, repo: RepoRef) -> Snapshot:
        repo_id, branch, commit = self.head(repo)
        contents = self.archive(repo, commit)
        return Snapshot(repo, commit, repo_id, branch, contents.files_total,
                        contents.truncated, dict(contents.files), contents.skipped)  # fmt: skip

"""Read a Gitea or Forgejo repository (codeberg.org, or a self-hosted instance the user listed)
through its archive, without cloning or executing anything.

``GET https://{host}/api/v1/repos/{owner}/{repo}`` (``id``, ``default_branch``, ``empty``) ->
``GET .../branches/{branch}`` (``commit.id``, the head commit) -> ``GET
.../archive/{commit}.tar.gz``, walked in memory by ``read_tar_gz`` (Gitea's archives hold the
files under one ``{repo}/`` folder, or none when the instance turned the prefix off). A missing
or private repository is a 404 ``{"message": "The target couldn't be found.", ...}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fwcensus.hosts import Host
from fwcensus.repos.archive import ArchiveReader
from fwcensus.repos.links import RepoRef


class GiteaReader(ArchiveReader):
    DEFAULT_HOST = "codeberg.org"
    HOSTS = (Host(DEFAULT_HOST),)
    API_PATH = "/api/v1/"

    def meta_url(self, repo: RepoRef) -> str:
        return f"https://{self.host}/api/v1/repos/{repo.owner}/{repo.name}"

    def branch_url(self, repo: RepoRef, branch: str) -> str:
        return f"{self.meta_url(repo)}/branches/{quote(branch, safe='')}"

    def archive_url(self, repo: RepoRef, commit: str) -> str:
        return f"{self.meta_url(repo)}/archive/{quote(commit, safe='')}.tar.gz"

    def branch_of(self, meta: dict[str, Any]) -> str | None:
        # Gitea names a default branch ("main") even for a repository without any commit.
        return None if meta.get("empty") else super().branch_of(meta)

"""Read a Bitbucket Cloud repository through its archive, without cloning or executing anything.

``GET https://api.bitbucket.org/2.0/repositories/{workspace}/{repo_slug}`` (``mainbranch.name``;
``mainbranch`` is null in an empty repository) -> ``GET .../refs/branches/{name}``
(``target.hash``, the head commit) -> ``GET https://bitbucket.org/{workspace}/{repo_slug}/get/
{hash}.tar.gz``, walked in memory by ``read_tar_gz``. A missing or private repository is a 404
(``{"type": "error", "error": {"message": ...}}``); Bitbucket's rate limit (anonymous: 60 API
requests an hour) answers 429, waited out by the ApiClient (``Retry-After`` when sent, else a
minute). The repository's ``uuid`` is a string, so no numeric id is kept.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fwcensus.hosts import Host
from fwcensus.repos.archive import ArchiveReader
from fwcensus.repos.links import RepoRef

API = "https://api.bitbucket.org/2.0/repositories"
WEB = "https://bitbucket.org"
# Bitbucket Cloud: 60 API requests an hour without authentication; the archives are pages.
BITBUCKET_API = Host("api.bitbucket.org", api=("https://api.bitbucket.org/2.0/",), rate=60 / 3600)


class BitbucketReader(ArchiveReader):
    DEFAULT_HOST = "bitbucket.org"
    HOSTS = (BITBUCKET_API, Host(DEFAULT_HOST))

    def meta_url(self, repo: RepoRef) -> str:
        return f"{API}/{repo.owner}/{repo.name}"

    def branch_url(self, repo: RepoRef, branch: str) -> str:
        return f"{self.meta_url(repo)}/refs/branches/{quote(branch, safe='')}"

    def archive_url(self, repo: RepoRef, commit: str) -> str:
        return f"{WEB}/{repo.owner}/{repo.name}/get/{quote(commit, safe='')}.tar.gz"

    def branch_of(self, meta: dict[str, Any]) -> str | None:
        main = meta.get("mainbranch")
        return str(main["name"]) if isinstance(main, dict) and main.get("name") else None

    def commit_of(self, branch: dict[str, Any]) -> str | None:
        target = branch.get("target")
        return str(target["hash"]) if isinstance(target, dict) and target.get("hash") else None

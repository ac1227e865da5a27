"""Read a GitLab repository (gitlab.com or a self-hosted instance the user listed) through its
archive, without cloning or executing anything.

``GET https://{host}/api/v4/projects/{path}`` (``path`` the URL-encoded ``group/sub/project``:
``id``, ``default_branch``, null in an empty project) -> ``GET .../repository/branches/{branch}``
(``commit.id``, the head commit) -> ``GET .../repository/archive.tar.gz?sha={commit}``, walked in
memory by ``read_tar_gz``. GitLab answers 404 ``{"message": "404 Project Not Found"}`` for a
deleted or private project and 429 with ``Retry-After`` (or ``RateLimit-Reset``) when limited;
the ApiClient waits those out.
"""

from __future__ import annotations

from urllib.parse import quote

from fwcensus.hosts import Host
from fwcensus.repos.archive import ArchiveReader
from fwcensus.repos.links import RepoRef

# GitLab.com: the repository archive endpoint allows 5 requests a minute (unauthenticated API
# traffic 500 a minute); one rate per host, so the tighter one paces every gitlab.com request.
GITLAB = Host("gitlab.com", rate=5 / 60)


class GitLabReader(ArchiveReader):
    """``read(RepoRef) -> Snapshot`` for one GitLab instance, through the repository archive."""

    DEFAULT_HOST = GITLAB.name
    HOSTS = (GITLAB,)
    API_PATH = "/api/v4/"

    def meta_url(self, repo: RepoRef) -> str:
        path = quote(f"{repo.owner}/{repo.name}", safe="")
        return f"https://{self.host}/api/v4/projects/{path}"

    def branch_url(self, repo: RepoRef, branch: str) -> str:
        return f"{self.meta_url(repo)}/repository/branches/{quote(branch, safe='')}"

    def archive_url(self, repo: RepoRef, commit: str) -> str:
        return f"{self.meta_url(repo)}/repository/archive.tar.gz?sha={quote(commit, safe='')}"

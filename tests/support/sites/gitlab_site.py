"""Write GitLab REST API answers and repository archives into a mirror folder, for gitlab.com or
a self-hosted instance (``host``).

Shapes follow GitLab's public API documentation: the project of ``GET /projects/:id`` (``id``,
``path_with_namespace``, ``default_branch``, ...; ``:id`` may be the URL-encoded path
``group%2Fsub%2Fproject``), the branch of ``GET /projects/:id/repository/branches/:branch``
(``name``, ``default``, ``commit{id, short_id, title, ...}``) and the archive of ``GET
/projects/:id/repository/archive.tar.gz?sha=...``: a gzip'd tar whose members live under one
folder ``{name}-{sha}/`` after a pax global header carrying the commit (as ``git archive``
writes it). ``owner`` may hold subgroups (``group/sub``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from fwcensus.mirror.urls import write_json_answer, write_mirror_file

from support.sites.archive_site import commit_of, tar_gz

_JSON = {"Content-Type": "application/json"}


def project_base(owner: str, name: str, host: str = "gitlab.com") -> str:
    return f"https://{host}/api/v4/projects/{quote(f'{owner}/{name}', safe='')}"


def write_gitlab_repo(
    root: Path,
    owner: str,
    name: str,
    files: Mapping[str, bytes | str],
    project_id: int = 2000,
    default_branch: str = "main",
    archive: bytes | None = None,
    host: str = "gitlab.com",
) -> str:
    """Write one project (metadata, branch, archive at the head commit); return the commit sha.
    ``archive`` replaces the archive built from ``files`` (a crafted or corrupt one)."""
    commit = commit_of(host, owner, name, files)
    base = project_base(owner, name, host)
    web = f"https://{host}/{owner}/{name}"
    namespace = owner.rsplit("/", 1)[-1]
    # The project URL is also the folder of its sub-resources: the mirror serves index.html.
    write_json_answer(root, base + "/", {
        "id": project_id, "description": "Official implementation", "name": name,
        "name_with_namespace": f"{owner.replace('/', ' / ')} / {name}", "path": name,
        "path_with_namespace": f"{owner}/{name}", "created_at": "2021-03-01T10:00:00.000Z",
        "default_branch": default_branch, "tag_list": [], "topics": [],
        "ssh_url_to_repo": f"git@{host}:{owner}/{name}.git",
        "http_url_to_repo": f"{web}.git", "web_url": web, "readme_url": f"{web}/-/blob/"
        f"{default_branch}/README.md", "forks_count": 0, "star_count": 3,
        "last_activity_at": "2021-06-01T10:00:00.000Z", "visibility": "public",
        "namespace": {"id": project_id + 1, "name": namespace, "path": namespace,
                      "kind": "group" if "/" in owner else "user", "full_path": owner,
                      "web_url": f"https://{host}/{owner}"},
    }, headers=_JSON)  # fmt: skip
    write_json_answer(root, f"{base}/repository/branches/{default_branch}", {
        "name": default_branch, "merged": False, "protected": True, "default": True,
        "developers_can_push": False, "developers_can_merge": False, "can_push": False,
        "web_url": f"{web}/-/tree/{default_branch}",
        "commit": {"id": commit, "short_id": commit[:8], "title": "Release code",
                   "message": "Release code\n", "author_name": owner,
                   "authored_date": "2021-06-01T10:00:00.000+00:00",
                   "committed_date": "2021-06-01T10:00:00.000+00:00",
                   "parent_ids": [], "web_url": f"{web}/-/commit/{commit}"},
    }, headers=_JSON)  # fmt: skip
    data = archive if archive is not None else tar_gz(files, f"{name}-{commit}", commit)
    write_mirror_file(root, f"{base}/repository/archive.tar.gz?sha={commit}", data)
    return commit


def write_gitlab_not_found(root: Path, owner: str, name: str, host: str = "gitlab.com") -> Path:
    """A deleted or private project: GitLab answers 404 ``{"message": "404 Project Not Found"}``."""
    return write_json_answer(root, project_base(owner, name, host) + "/",
                             {"message": "404 Project Not Found"}, status=404,
                             headers=_JSON)  # fmt: skip

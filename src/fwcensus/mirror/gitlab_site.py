"""Write GitLab REST API answers and repository archives into a mirror folder.

Shapes follow GitLab's public API documentation: the project of ``GET /projects/:id`` (``id``,
``path_with_namespace``, ``default_branch``, ...; ``:id`` may be the URL-encoded path
``owner%2Fname``), the branch of ``GET /projects/:id/repository/branches/:branch`` (``name``,
``default``, ``commit{id, short_id, title, ...}``) and the archive of ``GET
/projects/:id/repository/archive.tar.gz?sha=...``: a gzip'd tar whose members live under one
folder ``{name}-{sha}/`` after a pax global header carrying the commit (as ``git archive``
writes it).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping
from pathlib import Path

from fwcensus.mirror.urls import meta_for, write_mirror_file

API = "https://gitlab.com/api/v4"
_JSON = {"Content-Type": "application/json"}


def project_base(owner: str, name: str) -> str:
    return f"{API}/projects/{owner}%2F{name}"


def _write_json(root: Path, url: str, body: object, status: int = 200) -> Path:
    file = write_mirror_file(root, url, json.dumps(body, separators=(",", ":")))
    meta_for(file).write_text(json.dumps({"status": status, "headers": _JSON}), encoding="utf-8")
    return file


def tar_gz(files: Mapping[str, bytes | str], top: str, commit: str | None = None) -> bytes:
    """A .tar.gz of ``files`` under the folder ``top``, as GitLab (``git archive``) builds it."""
    raw = io.BytesIO()
    headers = {"comment": commit} if commit else {}
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT,
                      pax_headers=headers) as tar:  # fmt: skip
        folder = tarfile.TarInfo(top)
        folder.type, folder.mode = tarfile.DIRTYPE, 0o775
        tar.addfile(folder)
        for path, data in sorted(files.items()):
            body = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size, info.mode = len(body), 0o664
            tar.addfile(info, io.BytesIO(body))
    return gzip.compress(raw.getvalue(), mtime=0)


def write_gitlab_repo(
    root: Path,
    owner: str,
    name: str,
    files: Mapping[str, bytes | str],
    project_id: int = 2000,
    default_branch: str = "main",
    archive: bytes | None = None,
) -> str:
    """Write one project (metadata, branch, archive at the head commit); return the commit sha.
    ``archive`` replaces the archive built from ``files`` (a crafted or corrupt one)."""
    blobs = {p: d.encode() if isinstance(d, str) else d for p, d in files.items()}
    commit = hashlib.sha1(f"gitlab:{owner}/{name}:{sorted(blobs)}".encode()).hexdigest()
    base = project_base(owner, name)
    web = f"https://gitlab.com/{owner}/{name}"
    # The project URL is also the folder of its sub-resources: the mirror serves index.html.
    _write_json(root, base + "/", {
        "id": project_id, "description": "Official implementation", "name": name,
        "name_with_namespace": f"{owner} / {name}", "path": name,
        "path_with_namespace": f"{owner}/{name}", "created_at": "2021-03-01T10:00:00.000Z",
        "default_branch": default_branch, "tag_list": [], "topics": [],
        "ssh_url_to_repo": f"git@gitlab.com:{owner}/{name}.git",
        "http_url_to_repo": f"{web}.git", "web_url": web, "readme_url": f"{web}/-/blob/"
        f"{default_branch}/README.md", "forks_count": 0, "star_count": 3,
        "last_activity_at": "2021-06-01T10:00:00.000Z", "visibility": "public",
        "namespace": {"id": project_id + 1, "name": owner, "path": owner, "kind": "user",
                      "full_path": owner, "web_url": f"https://gitlab.com/{owner}"},
    })  # fmt: skip
    _write_json(root, f"{base}/repository/branches/{default_branch}", {
        "name": default_branch, "merged": False, "protected": True, "default": True,
        "developers_can_push": False, "developers_can_merge": False, "can_push": False,
        "web_url": f"{web}/-/tree/{default_branch}",
        "commit": {"id": commit, "short_id": commit[:8], "title": "Release code",
                   "message": "Release code\n", "author_name": owner,
                   "authored_date": "2021-06-01T10:00:00.000+00:00",
                   "committed_date": "2021-06-01T10:00:00.000+00:00",
                   "parent_ids": [], "web_url": f"{web}/-/commit/{commit}"},
    })  # fmt: skip
    data = archive if archive is not None else tar_gz(blobs, f"{name}-{commit}", commit)
    write_mirror_file(root, f"{base}/repository/archive.tar.gz?sha={commit}", data)
    return commit


def write_gitlab_not_found(root: Path, owner: str, name: str) -> Path:
    """A deleted or private project: GitLab answers 404 ``{"message": "404 Project Not Found"}``."""
    return _write_json(root, project_base(owner, name) + "/",
                       {"message": "404 Project Not Found"}, status=404)  # fmt: skip

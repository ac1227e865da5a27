"""Write GitHub REST API answers and raw files into a mirror folder, in GitHub's real structures.

The project writes its own repositories into the shapes of the responses recorded in
shared/fixtures-real/github/ (PROVENANCE.md there): the repository object of
``GET /repos/{owner}/{repo}`` (PyGithub replay, 2025: ``id``, ``node_id``, ``full_name``,
``owner``, ``default_branch``, ``pushed_at``, ...), the recursive git tree of ``GET
/repos/{owner}/{repo}/git/trees/{sha}?recursive=1`` (github3.py cassette, 2018: ``sha``, ``url``,
``tree[]`` of ``{path, mode, type, sha, size, url}``, ``truncated``), the 403 primary rate-limit
answer (``x-ratelimit-remaining: 0`` with ``x-ratelimit-reset``, the modern message) and the
secondary limit (``Retry-After``). ``GET /repos/{owner}/{repo}/commits/{ref}`` follows the
public documentation (``sha``, ``node_id``, ``commit``, ``url``, ``html_url``, ``parents``), as
do the non-recursive trees (one level, a folder's ``sha`` leading to its own tree). Raw files are
served from raw.githubusercontent.com/{owner}/{repo}/{sha}/{path}. The answers only tests ask
for (a repository deleted, renamed or blocked, the rate limit) are written by the tests' own
builders (``tests/support/sites/github_site.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from fwcensus.mirror.urls import meta_for, write_mirror_file

API = "https://api.github.com"
RAW = "https://raw.githubusercontent.com"
_JSON = {"Content-Type": "application/json; charset=utf-8"}


def _sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def write_json(root: Path, url: str, body: object, status: int = 200,
                headers: Mapping[str, str] | None = None) -> Path:  # fmt: skip
    file = write_mirror_file(root, url, json.dumps(body, separators=(",", ":")))
    meta = {"status": status, "headers": {**_JSON, **rate_headers(4999), **(headers or {})}}
    meta_for(file).write_text(json.dumps(meta), encoding="utf-8")
    return file


def rate_headers(remaining: int, reset: int = 1736238735, limit: int = 5000) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Used": str(limit - remaining),
        "X-RateLimit-Resource": "core",
    }


def repo_object(owner: str, name: str, repo_id: int, default_branch: str) -> dict[str, object]:
    base = f"{API}/repos/{owner}/{name}"
    return {
        "id": repo_id,
        "node_id": f"R_kgDO{repo_id:08d}",
        "name": name,
        "full_name": f"{owner}/{name}",
        "private": False,
        "owner": {
            "login": owner,
            "id": repo_id + 1,
            "type": "User",
            "url": f"{API}/users/{owner}",
            "html_url": f"https://github.com/{owner}",
        },
        "html_url": f"https://github.com/{owner}/{name}",
        "description": "Official implementation",
        "fork": False,
        "url": base,
        "trees_url": base + "/git/trees{/sha}",
        "contents_url": base + "/contents/{+path}",
        "archive_url": base + "/{archive_format}{/ref}",
        "created_at": "2021-03-01T10:00:00Z",
        "updated_at": "2021-06-01T10:00:00Z",
        "pushed_at": "2021-06-01T10:00:00Z",
        "clone_url": f"https://github.com/{owner}/{name}.git",
        "size": 1024,
        "stargazers_count": 42,
        "watchers_count": 42,
        "language": "Python",
        "forks_count": 7,
        "archived": False,
        "disabled": False,
        "license": None,
        "topics": [],
        "visibility": "public",
        "default_branch": default_branch,
    }


def write_repo(
    root: Path,
    owner: str,
    name: str,
    files: Mapping[str, bytes | str],
    repo_id: int = 1000,
    default_branch: str = "main",
    extra_blobs: int = 0,
    truncated: bool = False,
    symlinks: Mapping[str, str] | None = None,
    listed: int | None = None,
) -> str:
    """Write one repository (metadata, head commit, trees, raw files); return its commit sha.

    The metadata is served at ``/repos/{owner}/{name}`` and ``/repositories/{id}`` (where a
    rename leads); trees at ``/git/trees/{sha}`` for the commit's root and every folder, each
    also ``?recursive=1``. ``extra_blobs`` adds that many entries (``data/fNNNNNN.png``) to the
    root's recursive tree with no raw file behind them: a huge tree without writing huge
    folders. ``listed`` cuts the root's recursive tree after that many entries, in git's
    depth-first order, and marks it truncated, as GitHub does past 100,000 entries."""
    blobs = {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}
    commit = hashlib.sha1(f"{owner}/{name}:{sorted(blobs)}".encode()).hexdigest()
    tree_sha = hashlib.sha1(commit.encode()).hexdigest()
    base = f"{API}/repos/{owner}/{name}"
    # The repository URL is also the folder of its sub-resources: the mirror serves a folder's
    # index.html for it.
    meta = repo_object(owner, name, repo_id, default_branch)
    for url in (base + "/", f"{API}/repositories/{repo_id}/"):
        write_json(root, url, meta)
    write_json(root, f"{base}/commits/{default_branch}", {
        "sha": commit,
        "node_id": f"C_kwDO{repo_id:08d}",
        "commit": {"message": "Release code",
                   "tree": {"sha": tree_sha, "url": f"{base}/git/trees/{tree_sha}"},
                   "author": {"name": owner, "date": "2021-06-01T10:00:00Z"}},
        "url": f"{base}/commits/{commit}",
        "html_url": f"https://github.com/{owner}/{name}/commit/{commit}",
        "parents": [],
    })  # fmt: skip
    entries: dict[str, dict[str, object]] = {}  # path -> tree entry, every level
    folders = {"/".join(p.split("/")[:i]) for p in blobs for i in range(1, p.count("/") + 1)}
    for folder in folders:
        entries[folder] = {"path": folder, "mode": "040000", "type": "tree",
                           "sha": _folder_sha(folder), "url": ""}  # fmt: skip
    for path, data in blobs.items():
        entries[path] = {"path": path, "mode": "100644", "type": "blob", "sha": _sha(data),
                         "size": len(data), "url": ""}  # fmt: skip
        write_mirror_file(root, f"{RAW}/{owner}/{name}/{commit}/{path}", data)
    for path, target in (symlinks or {}).items():
        entries[path] = {"path": path, "mode": "120000", "type": "blob",
                         "sha": _sha(target.encode()), "size": len(target), "url": ""}  # fmt: skip
    for entry in entries.values():
        kind = "trees" if entry["type"] == "tree" else "blobs"
        entry["url"] = f"{base}/git/{kind}/{entry['sha']}"
    extra = [{"path": f"data/f{index:06d}.png", "mode": "100644", "type": "blob",
              "sha": hashlib.sha1(b"%d" % index).hexdigest(), "size": 2048,
              "url": f"{base}/git/blobs/{hashlib.sha1(b'%d' % index).hexdigest()}"}
             for index in range(extra_blobs)]  # fmt: skip
    for folder, sha in [("", commit), *((f, _folder_sha(f)) for f in sorted(folders))]:
        url = f"{base}/git/trees/{sha}"
        listed_sha = tree_sha if not folder else sha
        below = _relative(entries, folder)
        if not folder:
            below = sorted([*below, *extra], key=_git_order)
        cut = listed if not folder and listed is not None else None
        recursive = below if cut is None else below[:cut]
        write_json(root, url + "?recursive=1",
                    {"sha": listed_sha, "url": url, "tree": recursive,
                     "truncated": truncated or cut is not None})  # fmt: skip
        direct = [e for e in _relative(entries, folder) if "/" not in str(e["path"])]
        write_json(root, url, {"sha": listed_sha, "url": url, "tree": direct,
                                "truncated": False})  # fmt: skip
    return commit


def _folder_sha(folder: str) -> str:
    return hashlib.sha1(folder.encode()).hexdigest()


def _relative(entries: Mapping[str, dict[str, object]], folder: str) -> list[dict[str, object]]:
    """The entries below ``folder``, with paths relative to it, in git's order."""
    prefix = f"{folder}/" if folder else ""
    below = [
        {**entry, "path": path[len(prefix) :]}
        for path, entry in entries.items()
        if path.startswith(prefix) and path != folder
    ]
    return sorted(below, key=_git_order)


def _git_order(entry: Mapping[str, object]) -> tuple[str, ...]:
    """Depth first, each level by name: a folder's contents follow it, as git lists them."""
    return tuple(str(entry["path"]).split("/"))

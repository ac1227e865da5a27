"""GitHub REST API answers only tests ask for, beside the demo's repositories
(``fwcensus.demo.sites.github_site``): a repository deleted, renamed (the 301 to
``/repositories/{id}``, ``Location`` as recorded in
``rest_contents_dir_redirect_302_github3py_2017-12-22.meta.json`` for its sub-resources) or
blocked, and the primary rate limit."""

from __future__ import annotations

import json
from pathlib import Path

from fwcensus.demo.sites.github_site import API, rate_headers, write_json
from fwcensus.mirror.urls import JSON_HEADERS, meta_for

_REDIRECT_DOCS = "https://developer.github.com/v3/#http-redirects"


def write_not_found(root: Path, owner: str, name: str) -> Path:
    """A deleted or private repository: GitHub answers 404 to both."""
    body = {"message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
            "status": "404"}  # fmt: skip
    return write_json(root, f"{API}/repos/{owner}/{name}/", body, status=404)


def write_renamed(root: Path, old_full_name: str, repo_id: int) -> Path:
    """The old name of a renamed or transferred repository: 301 to ``/repositories/{id}``
    (which ``write_repo`` serves under the new name), with GitHub's body ``{"message": "Moved
    Permanently", "url", "documentation_url"}`` (quoted from a real answer in 18F/charlie PR
    #85)."""
    target = f"{API}/repositories/{repo_id}"
    body = {"message": "Moved Permanently", "url": target, "documentation_url": _REDIRECT_DOCS}
    return write_json(root, f"{API}/repos/{old_full_name}/", body, 301, {"Location": target})


def write_unavailable_for_legal_reasons(root: Path, owner: str, name: str) -> Path:
    body = {"message": "Repository access blocked", "block": {"reason": "dmca"}}
    return write_json(root, f"{API}/repos/{owner}/{name}/", body, status=451)


def set_rate_limited(file: Path, reset: int) -> None:
    """Make the answer of ``file`` the primary rate limit (403, remaining 0, reset given), as
    GitHub sends it today; ``restore`` puts the normal answer back."""
    meta = meta_for(file)
    saved = meta.with_name(meta.name + ".saved")
    if meta.exists() and not saved.exists():
        saved.write_bytes(meta.read_bytes())
    # The mirror replays status and headers from the sidecar; the body stays the file's.
    limited = {"status": 403, "headers": {**JSON_HEADERS, **rate_headers(0, reset, 60)}}
    meta.write_text(json.dumps(limited), encoding="utf-8")


def restore(file: Path) -> None:
    meta = meta_for(file)
    saved = meta.with_name(meta.name + ".saved")
    if saved.exists():
        meta.write_bytes(saved.read_bytes())
        saved.unlink()

"""Write repository archives, and the Bitbucket Cloud and Gitea (Codeberg) API answers that lead
to them, into a mirror folder, in the hosts' real structures.

Archives are what ``git archive`` writes: a pax global header carrying the commit, then every
member under one top folder. The folder is ``{workspace}-{repo_slug}-{hash[:12]}`` on Bitbucket,
``{repo}`` on Gitea (``git archive --prefix={repo}/``, services/repository/archiver in
go-gitea/gitea) and ``{name}-{sha}`` on GitLab. Bitbucket's repository object follows the
recorded ``POST /2.0/repositories`` answer in totomz/bb-create test/unit/Fixtures.js @ 4b5e883
(``type``, ``full_name``, ``uuid``, ``mainbranch`` (null when empty), ``links``, ``owner``, ...),
its branch the documented ``refs/branches/{name}`` answer (``type: branch``, ``name``,
``target{type: commit, hash, date, ...}``, ``links``); its 404 is ``{"type": "error", "error":
{"message": ...}}``. Gitea's repository and branch follow go-gitea/gitea modules/structs/repo.go
(@ 000762f) and repo_branch.go (@ 0336851): ``id``, ``owner``, ``full_name``, ``empty``,
``default_branch``, ...; ``name``, ``commit{id, message, url, author, committer, verification,
timestamp}``, ``protected``, ...; its 404 is ``{"message": "The target couldn't be found.",
"url": ".../api/swagger", "errors": []}``. Repositories, commits and dates are synthetic.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from collections.abc import Mapping
from pathlib import Path

from fwcensus.mirror.urls import write_json_answer, write_mirror_file

BITBUCKET_API = "https://api.bitbucket.org/2.0/repositories"
BITBUCKET_WEB = "https://bitbucket.org"
_DATE = "2021-06-01T10:00:00+00:00"


def tar_gz(files: Mapping[str, bytes | str], top: str, commit: str | None = None) -> bytes:
    """A .tar.gz of ``files`` under the folder ``top``, as ``git archive`` builds it."""
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


HOSTILE_SAFE_FILES = {"requirements.txt": b"numpy\ntorch==1.8.0\n",
                      "src/train.py": b"import torch\nfrom torch import nn\n"}  # fmt: skip
HOSTILE_REFUSED = 6  # members of ``hostile_tar_gz`` that must never be read


def hostile_tar_gz(top: str, commit: str | None = None, huge: int = 4096) -> bytes:
    """An archive as an attacker would craft it: a symlink to /etc/passwd, a hard link, a
    device, ``../../`` and absolute paths (all importing TensorFlow), a ``big.py`` of ``huge``
    bytes, a README and the safe files ``HOSTILE_SAFE_FILES`` (PyTorch)."""
    raw = io.BytesIO()
    headers = {"comment": commit} if commit else {}
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT,
                      pax_headers=headers) as tar:  # fmt: skip
        _add(tar, top, type=tarfile.DIRTYPE, mode=0o755)
        _add(tar, f"{top}/passwd.py", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        _add(tar, f"{top}/requirements-link.txt", type=tarfile.LNKTYPE, linkname="/etc/passwd")
        _add(tar, f"{top}/dev.py", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        _add(tar, f"{top}/../../evil.py", b"import tensorflow\n")
        _add(tar, "../../evil.py", b"import tensorflow\n")
        _add(tar, "/tmp/x.py", b"import tensorflow\n")
        _add(tar, f"{top}/big.py", b"import jax\n" + b"#" * huge)
        _add(tar, f"{top}/README.md", b"# code\n")
        for path, data in HOSTILE_SAFE_FILES.items():
            _add(tar, f"{top}/{path}", data)
    return gzip.compress(raw.getvalue(), mtime=0)


def _add(tar: tarfile.TarFile, name: str, data: bytes = b"", **attrs: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attrs.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data) if data else None)


def commit_of(host: str, owner: str, name: str, files: Mapping[str, bytes | str]) -> str:
    """A stable synthetic commit sha for a repository's content."""
    return hashlib.sha1(f"{host}:{owner}/{name}:{sorted(files)}".encode()).hexdigest()


# -- Bitbucket Cloud ------------------------------------------------------------------------------


def _uuid(seed: str) -> str:
    """Bitbucket writes its UUIDs in braces."""
    digest = hashlib.md5(seed.encode()).hexdigest()
    return f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}}}"


def _bitbucket_links(workspace: str, slug: str) -> dict[str, object]:
    api, web = f"{BITBUCKET_API}/{workspace}/{slug}", f"{BITBUCKET_WEB}/{workspace}/{slug}"
    return {
        "self": {"href": api},
        "html": {"href": web},
        "avatar": {"href": f"https://bytebucket.org/ravatar/%7B{slug}%7D?ts=python"},
        "branches": {"href": f"{api}/refs/branches"},
        "tags": {"href": f"{api}/refs/tags"},
        "commits": {"href": f"{api}/commits"},
        "source": {"href": f"{api}/src"},
        "downloads": {"href": f"{api}/downloads"},
        "clone": [{"href": f"{web}.git", "name": "https"},
                  {"href": f"git@bitbucket.org:{workspace}/{slug}.git", "name": "ssh"}],
    }  # fmt: skip


def write_bitbucket_repo(
    root: Path,
    workspace: str,
    slug: str,
    files: Mapping[str, bytes | str],
    main_branch: str | None = "master",
    archive: bytes | None = None,
) -> str:
    """Write one repository (metadata, main branch, archive at its head); return the commit.
    ``main_branch=None`` writes an empty repository; ``archive`` replaces the built one."""
    commit = commit_of("bitbucket", workspace, slug, files)
    api = f"{BITBUCKET_API}/{workspace}/{slug}"
    mainbranch = {"type": "branch", "name": main_branch} if main_branch else None
    # The repository URL is also the folder of its sub-resources: the mirror serves index.html.
    write_json_answer(root, api + "/", {
        "type": "repository", "full_name": f"{workspace}/{slug}", "name": slug, "slug": slug,
        "uuid": _uuid(api), "scm": "git", "website": "", "has_wiki": False, "has_issues": False,
        "is_private": False, "fork_policy": "allow_forks", "language": "python",
        "description": "Official implementation", "size": 52311, "mainbranch": mainbranch,
        "created_on": "2019-03-01T10:00:00.000000+00:00", "updated_on": _DATE,
        "owner": {"type": "user", "display_name": workspace, "username": workspace,
                  "uuid": _uuid(workspace)},
        "workspace": {"type": "workspace", "slug": workspace, "name": workspace},
        "links": _bitbucket_links(workspace, slug),
    }, headers={"Content-Type": "application/json"})  # fmt: skip
    if main_branch is None:
        return commit
    write_json_answer(root, f"{api}/refs/branches/{main_branch}", {
        "type": "branch", "name": main_branch,
        "target": {"type": "commit", "hash": commit, "date": _DATE,
                   "message": "Release code\n", "parents": [],
                   "author": {"type": "author", "raw": f"{workspace} <{workspace}@example.org>"},
                   "links": {"self": {"href": f"{api}/commit/{commit}"},
                             "html": {"href": f"{BITBUCKET_WEB}/{workspace}/{slug}/commits/"
                                              f"{commit}"}}},
        "links": {"self": {"href": f"{api}/refs/branches/{main_branch}"},
                  "commits": {"href": f"{api}/commits/{main_branch}"},
                  "html": {"href": f"{BITBUCKET_WEB}/{workspace}/{slug}/branch/{main_branch}"}},
    }, headers={"Content-Type": "application/json"})  # fmt: skip
    top = f"{workspace}-{slug}-{commit[:12]}"
    data = archive if archive is not None else tar_gz(files, top, commit)
    write_mirror_file(root, f"{BITBUCKET_WEB}/{workspace}/{slug}/get/{commit}.tar.gz", data)
    return commit


def write_bitbucket_not_found(root: Path, workspace: str, slug: str) -> Path:
    """A deleted or private repository: 404 with Bitbucket's error object."""
    body = {"type": "error", "error": {"message": f"Repository {workspace}/{slug} not found"}}
    return write_json_answer(root, f"{BITBUCKET_API}/{workspace}/{slug}/", body, status=404)


# -- Gitea / Forgejo (Codeberg) -------------------------------------------------------------------


def gitea_api(host: str, owner: str, name: str) -> str:
    return f"https://{host}/api/v1/repos/{owner}/{name}"


def write_gitea_repo(
    root: Path,
    owner: str,
    name: str,
    files: Mapping[str, bytes | str],
    host: str = "codeberg.org",
    repo_id: int = 3000,
    default_branch: str = "main",
    archive: bytes | None = None,
) -> str:
    """Write one repository (metadata, default branch, archive at its head); return the commit.
    No ``files`` writes an empty repository (``empty: true``, no branch, no archive)."""
    commit = commit_of(host, owner, name, files)
    api, web = gitea_api(host, owner, name), f"https://{host}/{owner}/{name}"
    user = {"id": repo_id + 1, "login": owner, "login_name": "", "full_name": "",
            "email": f"{owner}@noreply.{host}", "avatar_url": f"https://{host}/avatars/x",
            "html_url": f"https://{host}/{owner}", "language": "", "is_admin": False,
            "visibility": "public", "username": owner}  # fmt: skip
    write_json_answer(root, api + "/", {
        "id": repo_id, "owner": user, "name": name, "full_name": f"{owner}/{name}",
        "description": "Official implementation", "empty": not files, "private": False,
        "fork": False, "template": False, "mirror": False, "size": 412, "language": "Python",
        "languages_url": f"{api}/languages", "html_url": web, "url": api, "link": "",
        "ssh_url": f"git@{host}:{owner}/{name}.git", "clone_url": f"{web}.git",
        "original_url": "", "website": "", "stars_count": 3, "forks_count": 0,
        "watchers_count": 1, "open_issues_count": 0, "open_pr_counter": 0,
        "release_counter": 0, "default_branch": default_branch, "archived": False,
        "created_at": "2021-03-01T10:00:00Z", "updated_at": "2021-06-01T10:00:00Z",
        "archived_at": "1970-01-01T00:00:00Z", "has_issues": True, "has_wiki": True,
        "has_pull_requests": True, "has_projects": False, "has_releases": True,
        "has_packages": False, "has_actions": False, "avatar_url": "", "internal": False,
        "mirror_interval": "", "object_format_name": "sha1", "topics": [], "licenses": [],
    })  # fmt: skip
    if not files:
        return commit
    person = {"name": owner, "email": user["email"], "username": owner}
    write_json_answer(root, f"{api}/branches/{default_branch}", {
        "name": default_branch,
        "commit": {"id": commit, "message": "Release code\n", "url": f"{web}/commit/{commit}",
                   "author": person, "committer": person,
                   "verification": {"verified": False, "reason": "gpg.error.not_signed_commit",
                                    "signature": "", "signer": None, "payload": ""},
                   "timestamp": "2021-06-01T10:00:00Z", "added": None, "removed": None,
                   "modified": None},
        "protected": False, "required_approvals": 0, "enable_status_check": False,
        "status_check_contexts": [], "user_can_push": False, "user_can_merge": False,
        "effective_branch_protection_name": "",
    })  # fmt: skip
    data = archive if archive is not None else tar_gz(files, name, commit)
    write_mirror_file(root, f"{api}/archive/{commit}.tar.gz", data)
    return commit


def write_gitea_not_found(root: Path, owner: str, name: str, host: str = "codeberg.org") -> Path:
    body = {"message": "The target couldn't be found.", "url": f"https://{host}/api/swagger",
            "errors": []}  # fmt: skip
    return write_json_answer(root, gitea_api(host, owner, name) + "/", body, status=404)

"""Where a mirror folder keeps the answer to a real URL: the file rule the mirror server reads by
and every mirror builder writes by. (How a request for a real URL reaches the mirror is the
fetcher's rule, ``fetch/mirror_urls.py``: ``https://HOST/PATH?Q -> MIRROR/HOST/PATH?Q``, which
the server undoes to find HOST, PATH and Q.)

File rule (``file_for`` / ``file_for_url``)::

    root / HOST[:PORT] / PATH[@Q]

* HOST is lower-cased (host names are case-insensitive); a port stays part of the
  folder name, ``:`` included.
* PATH is split on ``/``; each segment is URL-decoded (``%20`` -> space). Empty
  segments are skipped. A decoded segment that contains ``/`` keeps it as ``%2F``.
  ``.`` and ``..`` segments and NUL bytes are refused with ``ValueError``, so no
  request can escape ``root``.
* An empty PATH, or one ending in ``/``, gets ``index.html`` appended.
* A query string Q is kept raw (percent-encoding untouched) and appended to the
  last segment as ``@Q`` (wget's Windows-safe ``?`` -> ``@``); any ``/`` inside Q
  becomes ``%2F``.
* If the resulting path is an existing directory, ``index.html`` inside it is used.
* A POST (an API that takes its question in the body, such as BigQuery's ``jobs.query``)
  with body B is answered from the same name plus ``#post-`` and the first 16 hex digits of
  sha256(B): ``root/HOST/PATH[@Q]#post-HHHHHHHHHHHHHHHH``. So one URL answers each body with
  its own file, and a GET of the URL never finds a POST's answer.
* A last segment longer than 240 bytes (API queries such as ClickHouse's SQL in ``?query=``)
  keeps its first 120 bytes and ends in ``#`` and the sha256 of the whole name (``#post-``
  part included), as file systems refuse names over 255 bytes.

Example: ``https://openaccess.thecvf.com/CVPR2019?day=2019-06-18`` lives at
``root/openaccess.thecvf.com/CVPR2019@day=2019-06-18``.

A response recorded from a real server may carry a sidecar ``FILE.meta.json``
(see ``meta_for``) holding ``{"status": int, "headers": {name: value}}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from fwcensus.fetch.mirror_urls import split_http

INDEX = "index.html"
META_SUFFIX = ".meta.json"
POST_MARK = "#post-"
POST_DIGEST_CHARS = 16  # 64 bits of the body's sha256: unique enough among one URL's bodies
MAX_NAME = 240  # bytes; leaves room for the sidecar's suffix under the usual 255
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def _check_host(host: str) -> str:
    if not host or host in (".", "..") or any(c in host for c in "/\\\x00"):
        raise ValueError(f"bad host in mirror request: {host!r}")
    return host.lower()


def _segments(path: str) -> list[str]:
    """Decode PATH into safe file-name segments, with ``index.html`` for a directory URL."""
    raw = path.lstrip("/")
    names: list[str] = []
    for seg in raw.split("/"):
        if not seg:
            continue
        name = unquote(seg)
        if name in (".", "..") or "\x00" in name:
            raise ValueError(f"refused path segment {seg!r} in {path!r}")
        # A decoded '/' must not create a new directory level.
        names.append(name.replace("/", "%2F"))
    if not raw or raw.endswith("/"):
        names.append(INDEX)
    return names


def post_digest(body: bytes) -> str:
    """The part of a POST's file name that its body selects (see the module docstring)."""
    return hashlib.sha256(body).hexdigest()[:POST_DIGEST_CHARS]


def file_for(root: Path, host: str, path: str, query: str, post: bytes | None = None) -> Path:
    """Return the file that answers a request for ``HOST/PATH?query`` under ``root``.

    This is THE rule (see the module docstring): ``root/HOST/PATH``, ``index.html``
    appended to an empty or ``/``-terminated PATH, a raw query appended to the last
    segment as ``@Q`` with ``/`` in Q written as ``%2F``, segments URL-decoded, and
    ``index.html`` used inside an existing directory. ``post`` is the body of a POST, which
    appends ``#post-`` and its digest to the name. ``path`` may start with ``/`` or not.
    Raises ValueError for a bad host or a ``.``/``..`` segment.
    """
    if "\x00" in query:
        raise ValueError(f"refused NUL byte in query {query!r}")
    names = _segments(path)
    if query:
        names[-1] += "@" + query.replace("/", "%2F")
    if post is not None:
        names[-1] += POST_MARK + post_digest(post)
    names[-1] = _short(names[-1])
    file = Path(root, _check_host(host), *names)
    if file.is_dir():
        file = file / INDEX
    return file


def _short(name: str) -> str:
    raw = name.encode("utf-8")
    if len(raw) <= MAX_NAME:
        return name
    head = raw[:120].decode("utf-8", errors="ignore")
    return f"{head}#{hashlib.sha256(raw).hexdigest()}"


def file_for_url(root: Path, url: str, post: bytes | None = None) -> Path:
    """Return the file under ``root`` that the mirror serves for the real ``url`` (POSTed
    with body ``post``, if given).

    Same rule as ``file_for``; use it when building a mirror folder so every file
    lands exactly where the server will look. Raises ValueError for a non-http(s) URL.
    """
    parts, host = split_http(url)
    return file_for(root, host, parts.path, parts.query, post)


def meta_for(file: Path) -> Path:
    """Return the optional sidecar of ``file``: ``FILE.meta.json`` in the same folder.

    The sidecar holds ``{"status": int, "headers": {name: value}}`` recorded from a
    real response; the server answers with that status and those headers.
    """
    return file.with_name(file.name + META_SUFFIX)


def write_mirror_file(root: Path, url: str, data: bytes | str, post: bytes | None = None) -> Path:
    """Put ``data`` (text is written as UTF-8) where the mirror serves ``url`` (to a POST of
    body ``post``, if given); return the file."""
    file = file_for_url(root, url, post)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return file


def write_json_answer(
    root: Path,
    url: str,
    body: object,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    post: bytes | None = None,
) -> Path:
    """Put an API's JSON answer where the mirror serves ``url`` (to a POST of body ``post``, if
    given), with its status and headers in the sidecar (Content-Type JSON unless ``headers``
    says otherwise); return the file."""
    file = write_mirror_file(root, url, json.dumps(body, separators=(",", ":")), post)
    meta = {"status": status, "headers": {**JSON_HEADERS, **(headers or {})}}
    meta_for(file).write_text(json.dumps(meta), encoding="utf-8")
    return file

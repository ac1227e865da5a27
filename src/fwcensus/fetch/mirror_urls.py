"""How a request for a real URL reaches a mirror, and back: the one rule ``--mirror URL``
(``FWCENSUS_MIRROR``) sets for every client of fetch::

    https://HOST[:PORT]/PATH?Q  ->  MIRROR/HOST[:PORT]/PATH?Q

The mirror server answers ``/HOST/PATH?Q`` from its folder (``mirror/urls.py`` says which file);
the clients keep the real URL for everything else (robots.txt, rates, tokens, the store).
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit


def split_http(url: str) -> tuple[SplitResult, str]:
    """Split an http(s) URL and return it with its HOST[:PORT] (credentials dropped)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.netloc.rpartition("@")[2]
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    return parts, host


def to_mirror(url: str, mirror: str | None) -> str:
    """Rewrite a real URL so it is fetched from the mirror at base URL ``mirror``.

    Rule: ``http(s)://HOST[:PORT]/PATH?Q`` -> ``mirror.rstrip('/') + '/HOST[:PORT]/PATH?Q'``.
    With no mirror (None or empty) the URL is returned unchanged. The port stays in
    HOST, the query is kept raw, the fragment and any ``user:password@`` are dropped.
    Raises ValueError for a URL that is not http(s).
    """
    if not mirror:
        return url
    parts, host = split_http(url)
    out = f"{mirror.rstrip('/')}/{host}/{parts.path.lstrip('/')}"
    if parts.query:
        out += f"?{parts.query}"
    return out


def unmirror(url: str, mirror: str | None) -> str:
    """The real URL behind a mirror URL (the mirror keeps https://HOST/PATH as /HOST/PATH)."""
    base = (mirror or "").rstrip("/")
    if base and url.startswith(base + "/"):
        return "https://" + url[len(base) + 1 :]
    return url

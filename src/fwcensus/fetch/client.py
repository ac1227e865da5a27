"""The sync HTTP client for listings and API pages: polite, cached, retrying, mirror-aware.

Every request names the tool in its User-Agent, is checked against the host's robots.txt, waits
for the host's slot, and is retried with exponential backoff and jitter on 429/5xx and on
transport errors, honouring Retry-After. Redirects are followed hop by hop so each hop is
checked and charged to its own host. Answers are kept in an RFC 9111 HTTP cache, so a re-run
revalidates with ETag / Last-Modified and transfers almost nothing. With a mirror set,
``https://HOST/PATH?Q`` is fetched from ``MIRROR/HOST/PATH?Q``; politeness stays keyed on the
real host so a run behaves the same against the mirror and the real site.

A request may also POST a body (APIs that take their question in the body, BigQuery's
``jobs.query``) with the same robots, pacing and mirror rules. A POST is retried only when the
API documents a repeat as harmless (``Payload.idempotent``, e.g. a request id it deduplicates),
since a lost answer may hide a request that did its work; the HTTP cache never stores a POST's
answer (hishel caches GET and HEAD only). Request headers given per request go only to the
host they were given for, never to a host a redirect leads to.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import hishel
import httpx
from hishel.httpx import CacheTransport
from tenacity import Retrying, stop_after_attempt

from fwcensus.errors import Disallowed, FetchError, RobotsUnavailable, TooLarge
from fwcensus.fetch.mirror_urls import to_mirror, unmirror
from fwcensus.fetch.policy import (
    REDIRECT_STATUSES,
    USER_AGENT,
    FetchSettings,
    Retryable,
    check_status,
    gave_up,
    host_of,
    next_hop,
    retry_options,
    robots_apply,
    transport_failure,
)
from fwcensus.fetch.robots import RobotsRules, robots_url, rules_from
from fwcensus.fetch.schedule import HostSchedule

__all__ = [
    "JSON_TYPE",
    "USER_AGENT",
    "Body",
    "FetchError",
    "FetchSettings",
    "HttpClient",
    "Payload",
    "TooLarge",
    "encode_json",
    "read_all",
]

T = TypeVar("T")
CACHE_FILE = "http-cache.sqlite"
JSON_TYPE = "application/json"
# A POST answered with these is sent again to the new URL; the others turn it into a GET
# (RFC 9110 15.4: 303 always, 301 and 302 as every client does).
BODY_KEEPING_REDIRECTS = frozenset({307, 308})

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result(Generic[T]):
    url: str  # the real URL asked for
    final_url: str  # the real URL after redirects
    status: int
    content_type: str
    body: T
    attempts: int
    from_cache: bool = False  # served by the HTTP cache, at most after a 304 revalidation
    headers: Mapping[str, str] = field(default_factory=dict)  # the final answer's headers


Response = Result[bytes]


@dataclass(frozen=True)
class Payload:
    """A body to POST. ``idempotent``: the API documents a repeat as harmless, so a failed
    attempt is retried as a GET's is; otherwise the POST is sent once."""

    content: bytes
    content_type: str = JSON_TYPE
    idempotent: bool = False


def encode_json(body: object) -> bytes:
    """The bytes a JSON POST sends: compact, keys in the order given. Mirror builders encode
    their expected bodies with it too, as the mirror finds a POST's answer by these bytes."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Body:
    """A response body as ``consume`` sees it: headers and chunks, capped at the maximum size."""

    def __init__(self, resp: httpx.Response, max_bytes: int, url: str, attempt: int) -> None:
        self.headers = resp.headers
        self.status_code = resp.status_code
        self._resp = resp
        self._max = max_bytes
        self._url = url
        self._attempt = attempt

    def iter_bytes(self) -> Iterator[bytes]:
        size = 0
        for chunk in self._resp.iter_bytes():
            size += len(chunk)
            if size > self._max:
                raise TooLarge(self._url, f"too large: over {self._max} bytes", 200, self._attempt)
            yield chunk


@dataclass(frozen=True)
class _Sending:
    """What one request sends besides its URL: the body to POST (None: a GET) and headers."""

    payload: Payload | None
    headers: Mapping[str, str]
    cached: bool = True  # False: past the HTTP cache (a file too large to keep twice)


def _from_cache(resp: httpx.Response) -> bool:
    """Whether the body came out of the HTTP cache (fresh, or revalidated with a 304)."""
    status = resp.extensions.get("caching")
    return bool(status and status.get("from_cache"))


def read_all(body: Body) -> bytes:
    return b"".join(body.iter_bytes())


class HttpClient:
    def __init__(
        self,
        settings: FetchSettings | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings = settings or FetchSettings()
        self._sleep = sleep
        self._schedule = HostSchedule(settings.rate, settings.host_rates)
        self._robots: dict[str, RobotsRules] = {}
        raw = transport or httpx.HTTPTransport()
        inner: httpx.BaseTransport = raw
        if settings.cache_dir:
            Path(settings.cache_dir).mkdir(parents=True, exist_ok=True)
            storage = hishel.SqliteStorage(database_path=Path(settings.cache_dir) / CACHE_FILE)
            inner = CacheTransport(next_transport=raw, storage=storage, rfc=True)
        self._http = self._client(inner)
        # Requests that must not fill the cache (downloads tens of MB large, read once) go
        # straight to the transport; they share its connections.
        self._uncached = self._client(raw) if inner is not raw else self._http

    def _client(self, transport: httpx.BaseTransport) -> httpx.Client:
        return httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(
                self.settings.read_timeout, connect=self.settings.connect_timeout
            ),
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()
        if self._uncached is not self._http:
            self._uncached.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> Response:
        """GET ``url`` into memory (listings, API pages). Raises FetchError for good failures."""
        return self.request(url, read_all)

    def request(
        self,
        url: str,
        consume: Callable[[Body], T],
        accept: frozenset[int] = frozenset(),
        *,
        payload: Payload | None = None,
        headers: Mapping[str, str] | None = None,
        cached: bool = True,
    ) -> Result[T]:
        """GET ``url`` (POST ``payload`` to it, if given) and hand the successful response to
        ``consume``, retrying as needed; ``cached=False`` keeps the answer out of the HTTP cache.

        ``consume`` runs once per attempt on a fresh response, so a body streamed into a file
        is restarted from its first byte after a broken transfer. It may raise FetchError to
        reject a body for good (not a PDF, too large). Statuses in ``accept`` (an API's error
        answer whose body explains it) are handed to ``consume`` instead of raising.
        ``headers`` are added to the request while it stays on ``url``'s host.
        """
        attempts = 0

        def once() -> Result[T]:
            nonlocal attempts
            attempts += 1
            sending = _Sending(payload, headers or {}, cached)
            return self._once(url, consume, attempts, accept, sending)

        options = retry_options(self.settings, self._sleep, url)
        if payload is not None and not payload.idempotent:
            options["stop"] = stop_after_attempt(1)
        try:
            result = Retrying(**options)(once)
        except Retryable as exc:
            raise gave_up(url, exc, attempts) from None
        log.debug("%s %s: HTTP %d%s", "GET" if payload is None else "POST", url, result.status,
                  " (from the cache)" if result.from_cache else "")  # fmt: skip
        return result

    def _once(
        self,
        url: str,
        consume: Callable[[Body], T],
        attempt: int,
        accept: frozenset[int],
        sending: _Sending,
    ) -> Result[T]:
        hop, seen = url, [url]
        while True:
            self._obey_robots(hop, attempt)
            self._wait_slot(hop)
            try:
                with self._stream(hop, url, sending) as resp:
                    if resp.status_code in REDIRECT_STATUSES:
                        if resp.status_code not in BODY_KEEPING_REDIRECTS:
                            sending = _Sending(None, sending.headers, sending.cached)
                        hop = next_hop(hop, resp.status_code, resp.headers, seen, attempt)
                        seen.append(hop)
                        continue
                    if resp.status_code not in accept:
                        check_status(url, resp.status_code, resp.headers, self.settings, attempt)
                    body = consume(Body(resp, self.settings.max_bytes, url, attempt))
                    return Result(
                        url=url,
                        final_url=unmirror(hop, self.settings.mirror),
                        status=resp.status_code,
                        content_type=resp.headers.get("content-type", ""),
                        body=body,
                        attempts=attempt,
                        from_cache=_from_cache(resp),
                        headers=dict(resp.headers),
                    )
            except httpx.HTTPError as exc:
                raise transport_failure(exc) from exc

    def _stream(
        self, hop: str, origin: str, sending: _Sending
    ) -> contextlib.AbstractContextManager[httpx.Response]:
        target = to_mirror(hop, self.settings.mirror)
        # Headers given for a request (a token) are for its host only, not a redirect's.
        headers = dict(sending.headers) if host_of(hop) == host_of(origin) else {}
        http = self._http if sending.cached else self._uncached
        if sending.payload is None:
            return http.stream("GET", target, headers=headers)
        headers["Content-Type"] = sending.payload.content_type
        return http.stream("POST", target, content=sending.payload.content, headers=headers)

    def _wait_slot(self, url: str) -> None:
        delay = self._schedule.reserve(host_of(url))
        if delay > 0:
            self._sleep(delay)

    def _obey_robots(self, url: str, attempt: int) -> None:
        if not robots_apply(url, self.settings):
            return
        host = host_of(url)
        rules = self._robots.get(host)
        if rules is None:
            rules = self._robots[host] = self._read_robots(url)
            if rules.crawl_delay:
                self._schedule.slow_down(host, rules.crawl_delay)
        if not rules.allowed(url):
            error = RobotsUnavailable if rules.unavailable else Disallowed
            raise error(url, f"disallowed by robots.txt ({rules.reason})", None, attempt)

    def _read_robots(self, url: str) -> RobotsRules:
        self._wait_slot(url)
        target = to_mirror(robots_url(url), self.settings.mirror)
        try:
            resp = self._http.get(target, follow_redirects=True)
        except httpx.HTTPError:
            return rules_from(None, b"")
        return rules_from(resp.status_code, resp.content)

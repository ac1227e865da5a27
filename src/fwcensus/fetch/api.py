"""A client for rate-limited JSON APIs (GitHub, GitLab, Stack Exchange, Hugging Face, ...).

It is the project's HttpClient (robots.txt, per-host rate, retries, HTTP cache, mirror) plus what
APIs add on top: per-host request headers (tokens go only to the host they belong to), the
answer's status and headers kept for the caller (pagination links, quotas), error statuses whose
body the caller wants to read (Stack Exchange explains a spent quota in a 400's body), and the
APIs' own rate limits waited out: GitHub's ``X-RateLimit-Remaining: 0`` until
``X-RateLimit-Reset``, GitLab's and the IETF draft's ``RateLimit-Remaining``/``RateLimit-Reset``,
and ``Retry-After`` on a 403 or 429 (secondary limits). A wait longer than allowed raises
RateLimited, so the caller can stop and resume in a later run instead of sleeping for hours.
POSTs of JSON (``post_json``) get the same headers, waits and limits, and a request may add
headers of its own (a token read by the caller) that go to the URL's host only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import httpx

from fwcensus.errors import FetchError, RateLimited
from fwcensus.fetch.client import (
    JSON_TYPE,
    Body,
    HttpClient,
    Payload,
    Result,
    encode_json,
    read_all,
)
from fwcensus.fetch.mirror_urls import unmirror
from fwcensus.fetch.policy import FetchSettings, host_of
from fwcensus.hosts import HeadersFor

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimits:
    max_waits: int = 3  # rate-limit resets waited for one request before giving up
    max_wait: float = 3700.0  # longest single wait (GitHub's and GitLab's windows are hourly)


class _Remembering(httpx.BaseTransport):
    """Adds each host's headers and remembers the last answer's status and headers, which the
    client's errors do not carry."""

    def __init__(self, inner: httpx.BaseTransport, headers_for: HeadersFor, mirror: str | None):
        self.inner = inner
        self.headers_for = headers_for
        self.mirror = mirror
        self.last_status: int | None = None
        self.last_headers: httpx.Headers = httpx.Headers()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        real_host = host_of(unmirror(str(request.url), self.mirror))
        request.headers.update(self.headers_for(real_host))
        response = self.inner.handle_request(request)
        self.last_status = response.status_code
        self.last_headers = response.headers
        return response

    def close(self) -> None:
        self.inner.close()


def _no_headers(host: str) -> Mapping[str, str]:
    return {}


class ApiClient:
    def __init__(
        self,
        settings: FetchSettings,
        headers_for: HeadersFor = _no_headers,
        limits: RateLimits | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._seen = _Remembering(transport or httpx.HTTPTransport(), headers_for, settings.mirror)
        self.http = HttpClient(settings, transport=self._seen, sleep=sleep)
        self.limits = limits or RateLimits()
        self._sleep = sleep
        self._clock = clock
        self.rate_waits = 0  # how often a rate limit was waited out (for summaries)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pause(self, seconds: float) -> None:
        """Wait as an API asked (Stack Exchange's ``backoff``), with the client's own sleep."""
        if seconds > 0:
            self._sleep(seconds)

    @property
    def last_headers(self) -> httpx.Headers:
        return self._seen.last_headers

    def get(
        self,
        url: str,
        accept: frozenset[int] = frozenset(),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Result[bytes]:
        return self.request(url, read_all, accept, headers=headers)

    def post_json(
        self,
        url: str,
        body: object,
        accept: frozenset[int] = frozenset(),
        *,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Result[bytes]:
        """POST ``body`` as JSON (``encode_json``'s bytes) to ``url``; ``idempotent`` when the
        API documents a repeat as harmless, so failed attempts are retried."""
        payload = Payload(encode_json(body), JSON_TYPE, idempotent)
        return self.request(url, read_all, accept, payload=payload, headers=headers)

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
        """GET ``url`` (or POST ``payload``; its body handed to ``consume``), waiting out the
        API's rate limits; ``headers`` go with it to ``url``'s host only.

        Statuses in ``accept`` are answers, not failures: their body goes to ``consume`` too.
        Other failures raise FetchError (with the status); a limit too long to wait for raises
        RateLimited.
        """
        for _ in range(self.limits.max_waits + 1):
            try:
                return self.http.request(
                    url, consume, accept, payload=payload, headers=headers, cached=cached
                )
            except FetchError as exc:
                wait = self.rate_wait(exc.status)
                if wait is None:
                    raise
                if wait > self.limits.max_wait:
                    raise RateLimited(url, f"rate limited for {wait:.0f}s more", wait) from None
                self.rate_waits += 1
                log.info("%s: rate limited (HTTP %s); waiting %.0fs", url, exc.status, wait)
                self._sleep(wait)
        raise RateLimited(url, f"still rate limited after {self.limits.max_waits} waits")

    def rate_wait(self, status: int | None) -> float | None:
        """Seconds to wait when the last answer was a rate limit; None when it was not."""
        if status not in (403, 429) or self._seen.last_status != status:
            return None
        headers = self._seen.last_headers
        retry_after = headers.get("retry-after")
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after)  # a secondary limit
        for prefix in ("x-ratelimit-", "ratelimit-"):
            if headers.get(prefix + "remaining") == "0":
                return self._until_reset(headers.get(prefix + "reset"))
        if status == 429:
            return 60.0
        return None

    def _until_reset(self, reset: str | None) -> float:
        if not reset or not reset.strip().isdigit():
            return 60.0  # an answer without a reset time: GitHub's documented minimum
        value, now = float(reset), self._clock()
        # GitHub and GitLab send the reset as epoch seconds, the IETF draft as seconds to wait;
        # no window lasts anywhere near as long as the epoch is old.
        if value > now / 2:
            return max(0.0, value - now) + 1.0
        return value + 1.0

"""The one HTTP client of fwcensus: polite, retrying, mirror-aware.

Every request names the tool in its User-Agent, waits for its host's rate limit, and is retried
with exponential backoff and jitter on 429/5xx and on transport errors, honouring Retry-After.
With a mirror set, ``https://HOST/PATH?Q`` is fetched from ``MIRROR/HOST/PATH?Q``; politeness is
still keyed on the real host so a run behaves the same against the mirror and the real site.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar
from urllib.parse import urlsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from fwcensus import HOMEPAGE, __version__
from fwcensus.fetch.politeness import HOST_RATES
from fwcensus.fetch.ratelimit import HostRateLimiter
from fwcensus.mirror.urls import to_mirror

USER_AGENT = f"fwcensus/{__version__} (+{HOMEPAGE})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


@dataclass(frozen=True)
class FetchSettings:
    mirror: str | None = None
    rate: float = 1.0  # requests per second per host; <= 0: no limit at all (local mirrors)
    host_rates: Mapping[str, float] = field(default_factory=lambda: dict(HOST_RATES))
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempts: int = 5
    backoff: float = 1.0  # first backoff in seconds; doubles per attempt, with jitter
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a server asking for a longer pause fails the request
    max_bytes: int = 200 * 1024 * 1024


class FetchError(Exception):
    """A request that failed for good, with a one-line reason."""

    def __init__(self, url: str, reason: str, status: int | None = None, attempts: int = 1):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


class TooLarge(FetchError):
    pass


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Result(Generic[T]):
    url: str  # the real URL asked for
    final_url: str  # the real URL after redirects (mirror prefix removed)
    status: int
    content_type: str
    body: T
    attempts: int


Response = Result[bytes]


class HttpClient:
    def __init__(
        self,
        settings: FetchSettings = FetchSettings(),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._limiter = HostRateLimiter(settings.rate, settings.host_rates, sleep=sleep)
        # "Full jitter": a random pause up to backoff * 2^n, so many clients retrying at once
        # spread out instead of hitting the server together.
        self._backoff = wait_random_exponential(
            multiplier=settings.backoff, max=settings.max_backoff
        )
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> Response:
        """GET ``url`` into memory (listings, API pages). Raises FetchError for good failures."""
        return self.request(url, _read_all)

    def request(self, url: str, consume: Callable[[Body], T]) -> Result[T]:
        """GET ``url`` and hand the successful response to ``consume``, retrying as needed.

        ``consume`` runs once per attempt on a fresh response, so a body streamed into a file
        is restarted from its first byte after a broken transfer. It may raise FetchError to
        reject a body for good (not a PDF, too large).
        """
        attempts = 0

        def once() -> Result[T]:
            nonlocal attempts
            attempts += 1
            return self._once(url, consume, attempts)

        retrying = Retrying(
            stop=stop_after_attempt(self.settings.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(once)
        except _Retryable as exc:
            raise FetchError(url, exc.reason, exc.status, attempts) from None

    def _once(self, url: str, consume: Callable[[Body], T], attempt: int) -> Result[T]:
        self._limiter.wait(urlsplit(url).netloc)
        target = to_mirror(url, self.settings.mirror)
        try:
            with self._http.stream("GET", target) as resp:
                self._check_status(url, resp, attempt)
                body = consume(Body(resp, self.settings.max_bytes, url, attempt))
                return Result(
                    url=url,
                    final_url=self._unmirror(str(resp.url)),
                    status=resp.status_code,
                    content_type=resp.headers.get("content-type", ""),
                    body=body,
                    attempts=attempt,
                )
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timeout ({type(exc).__name__})", None) from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"connection error: {_one_line(exc)}", None) from exc

    def _check_status(self, url: str, resp: httpx.Response, attempt: int) -> None:
        status = resp.status_code
        if status in RETRY_STATUSES:
            retry_after = _retry_after(resp)
            if retry_after is not None and retry_after > self.settings.max_retry_after:
                raise FetchError(
                    url,
                    f"HTTP {status} with Retry-After {retry_after:.0f}s, over the"
                    f" {self.settings.max_retry_after:.0f}s limit",
                    status,
                    attempt,
                )
            raise _Retryable(f"HTTP {status}", status, retry_after)
        if status >= 400:
            raise FetchError(url, f"HTTP {status}", status, attempt)
        declared = int(resp.headers.get("content-length") or 0)
        if declared > self.settings.max_bytes:
            raise TooLarge(url, f"too large: {declared} bytes", status, attempt)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(state)

    def _unmirror(self, url: str) -> str:
        mirror = (self.settings.mirror or "").rstrip("/")
        if mirror and url.startswith(mirror + "/"):
            return "https://" + url[len(mirror) + 1 :]
        return url


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


def _read_all(resp: Body) -> bytes:
    return b"".join(resp.iter_bytes())


def _retry_after(resp: httpx.Response) -> float | None:
    """Seconds from a Retry-After header given as seconds or as an HTTP date."""
    value = resp.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())

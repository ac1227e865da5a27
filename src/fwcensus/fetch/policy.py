"""What every request of fwcensus obeys, whichever client sends it: errors, which answers are
retried and how long to wait, under the FetchSettings of settings.py. No I/O here; the sync
client (listings) and the async downloader (documents) both build on it."""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import (
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from fwcensus import HOMEPAGE, __version__
from fwcensus.errors import FetchError, FetchTimeout, HTTPStatusError, RequestError, TooLarge
from fwcensus.fetch.settings import FetchSettings

USER_AGENT = f"fwcensus/{__version__} (+{HOMEPAGE})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10

log = logging.getLogger(__name__)


class Retryable(RequestError):
    """A failure worth another attempt: 429, 5xx, a timeout or a broken connection."""

    def __init__(
        self,
        reason: str,
        status: int | None,
        retry_after: float | None = None,
        timeout: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.timeout = timeout  # no answer in time (else a status, a cut body, a lost connection)


def gave_up(url: str, last: Retryable, attempts: int) -> FetchError:
    """The error for good once every attempt failed, named by what the last attempt met."""
    if last.status is not None and last.status >= 400:
        return HTTPStatusError(url, last.reason, last.status, attempts)
    kind = FetchTimeout if last.timeout else FetchError
    return kind(url, last.reason, last.status, attempts)


def robots_apply(url: str, settings: FetchSettings) -> bool:
    """Whether robots.txt governs ``url``: every page, listing and PDF; not a documented API."""
    return not url.startswith(settings.api_prefixes)


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def check_status(url: str, status: int, headers: httpx.Headers, settings: FetchSettings,
                 attempt: int) -> None:  # fmt: skip
    """Raise what an answer's status means: Retryable, or HTTPStatusError/TooLarge for good."""
    if status in RETRY_STATUSES:
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is not None and retry_after > settings.max_retry_after:
            raise HTTPStatusError(
                url,
                f"HTTP {status} with Retry-After {retry_after:.0f}s, over the"
                f" {settings.max_retry_after:.0f}s limit",
                status,
                attempt,
            )
        raise Retryable(f"HTTP {status}", status, retry_after)
    if status >= 400:
        raise HTTPStatusError(url, f"HTTP {status}", status, attempt)
    declared = int(headers.get("content-length") or 0)
    if declared > settings.max_bytes:
        raise TooLarge(url, f"too large: {declared} bytes", status, attempt)


def transport_failure(exc: httpx.HTTPError) -> Retryable:
    if isinstance(exc, httpx.TimeoutException):
        return Retryable(f"timeout ({type(exc).__name__})", None, timeout=True)
    return Retryable(f"connection error: {one_line(exc)}", None)


def next_hop(url: str, status: int, headers: httpx.Headers, seen: list[str],
             attempt: int) -> str:  # fmt: skip
    """The URL a redirect leads to, refusing loops and endless chains."""
    location = headers.get("location")
    if not location:
        raise FetchError(url, f"HTTP {status} redirect without a Location", status, attempt)
    target = str(httpx.URL(url).join(location))
    if target in seen:
        raise FetchError(url, f"redirect loop via {target}", status, attempt)
    if len(seen) > MAX_REDIRECTS:
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", status, attempt)
    return target


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given as seconds or as an HTTP date."""
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


def retry_options(settings: FetchSettings, sleep: Callable[..., Any], url: str) -> dict[str, Any]:
    """tenacity options shared by the sync and the async client, for a request of ``url``."""
    # "Full jitter": a random pause up to backoff * 2^n, so many clients retrying at once
    # spread out instead of hitting the server together.
    backoff = wait_random_exponential(multiplier=settings.backoff, max=settings.max_backoff)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Retryable) and exc.retry_after is not None:
            return exc.retry_after
        return float(backoff(state))

    def log_retry(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        pause = state.next_action.sleep if state.next_action else 0.0
        log.info("%s: %s; attempt %d of %d in %.1fs", url, exc, state.attempt_number + 1,
                 settings.attempts, pause)  # fmt: skip

    return {
        "stop": stop_after_attempt(settings.attempts),
        "wait": wait,
        "retry": retry_if_exception_type(Retryable),
        "sleep": sleep,
        "before_sleep": log_retry,
        "reraise": True,
    }


def one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())

"""Concurrent, polite downloads of documents: every host at its own budget, all hosts at once.

Documents are grouped by host; each host gets ``per_host`` workers that take the host's next
slot from the shared schedule, so the host's rate is never exceeded however many workers wait,
while a slow host does not hold up the others. A global semaphore caps open connections. Each
download checks robots.txt, follows redirects hop by hop (each hop charged to its own host),
retries 429/5xx/broken transfers with backoff (honouring Retry-After), and streams into a
temporary blob that only becomes a document once complete and checked to be a PDF: a body
shorter than its Content-Length, or one without the PDF trailer, fails as "truncated after N
bytes" and stores nothing, so the next ``fetch --retry-failed`` downloads it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import AsyncRetrying

from fwcensus.errors import Disallowed, FetchError, NotAPdf, RobotsUnavailable, TooLarge
from fwcensus.fetch.breaker import HostBreaker
from fwcensus.fetch.mirror_urls import to_mirror, unmirror
from fwcensus.fetch.pdfcheck import PdfSniffer, truncation
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
from fwcensus.models import DocStatus, Document, FetchResult
from fwcensus.store.blobs import BlobStore

GIVEN_UP = "host given up for this run"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    document: Document
    status: DocStatus  # PENDING: left for a later run (host kept failing, robots.txt unreadable)
    result: FetchResult


@dataclass
class HostState:
    """What the downloader knows of one host during a run; the progress display reads it."""

    host: str
    breaker: HostBreaker
    robots: RobotsRules | None = None
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    note: str = ""  # "paused 30s: HTTP 503 x5", "backing off 2.0s: HTTP 429"


Report = Callable[[Outcome], None]
Watch = Callable[[HostState], None]


class Downloader:
    def __init__(
        self,
        settings: FetchSettings,
        blobs: BlobStore,
        transport: httpx.AsyncBaseTransport | None = None,
        on_host: Watch | None = None,
    ) -> None:
        self.settings = settings
        self.blobs = blobs
        self._schedule = HostSchedule(settings.rate, settings.host_rates)
        self._hosts: dict[str, HostState] = {}
        self._on_host = on_host or (lambda state: None)
        self._transport = transport
        self.bytes_received = 0

    async def run(self, documents: Sequence[Document], report: Report) -> None:
        """Fetch every document; ``report`` is called once per document as it settles."""
        limits = httpx.Limits(max_connections=self.settings.max_connections)
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
        async with httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT},
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            http2=self._transport is None,
            transport=self._transport,
        ) as http:
            self._http = http
            self._connections = asyncio.Semaphore(self.settings.max_connections)
            queues: dict[str, deque[Document]] = defaultdict(deque)
            for doc in documents:
                queues[host_of(doc.url or "")].append(doc)
            workers = [
                self._worker(host, queue, report)
                for host, queue in queues.items()
                for _ in range(max(1, self.settings.per_host))
            ]
            await asyncio.gather(*workers)

    async def _worker(self, host: str, queue: deque[Document], report: Report) -> None:
        state = self._state(host)
        while queue:
            doc = queue.popleft()
            if state.breaker.given_up:
                report(Outcome(doc, DocStatus.PENDING, FetchResult(ok=False, error=GIVEN_UP)))
                continue
            report(await self._fetch(doc, state))

    def _state(self, host: str) -> HostState:
        if host not in self._hosts:
            s = self.settings
            breaker = HostBreaker(s.breaker_errors, s.breaker_pause, s.breaker_trips)
            self._hosts[host] = HostState(host, breaker)
        return self._hosts[host]

    async def _fetch(self, doc: Document, state: HostState) -> Outcome:
        url = doc.url or ""
        attempts = 0

        async def once() -> tuple[int, str, str, StoredBlob]:
            nonlocal attempts
            attempts += 1
            return await self._attempt(url, state, attempts)

        options = retry_options(self.settings, self._backing_off(state), url)
        try:
            # Annotated: tenacity's async __call__ does not tie its result's type to once's.
            fetched: tuple[int, str, str, StoredBlob] = await AsyncRetrying(**options)(once)
        except RobotsUnavailable as exc:
            return Outcome(doc, DocStatus.PENDING, _failure(exc))
        except (Disallowed, TooLarge) as exc:
            return Outcome(doc, DocStatus.SKIPPED, _failure(exc))
        except FetchError as exc:
            return Outcome(doc, DocStatus.FAILED, _failure(exc))
        except Retryable as exc:
            if state.breaker.given_up:
                return Outcome(doc, DocStatus.PENDING, FetchResult(ok=False, error=GIVEN_UP))
            return Outcome(doc, DocStatus.FAILED, _failure(gave_up(url, exc, attempts)))
        status, content_type, final_url, stored = fetched
        return Outcome(
            doc,
            DocStatus.FETCHED,
            FetchResult(
                ok=True,
                sha256=stored.sha256,
                size=stored.size,
                content_type=content_type,
                final_url=final_url,
                attempts=attempts,
                last_status=status,
            ),
        )

    def _backing_off(self, state: HostState) -> Callable[[float], Awaitable[None]]:
        async def sleep(seconds: float) -> None:
            state.note = f"backing off {seconds:.1f}s: {state.breaker.last_reason}"
            self._on_host(state)
            await asyncio.sleep(seconds)
            state.note = ""
            self._on_host(state)

        return sleep

    async def _attempt(
        self, url: str, state: HostState, attempt: int
    ) -> tuple[int, str, str, StoredBlob]:
        hop, seen = url, [url]
        try:
            while True:
                hop_state = state if host_of(hop) == state.host else self._state(host_of(hop))
                await self._obey_robots(hop, hop_state, attempt)
                await self._wait_pause(hop_state)
                # The whole-request limit covers one hop's request and body, not the waits
                # for the host's pause or slot, which politeness may make long.
                async with (
                    self._connections,
                    self._slot(hop_state),
                    asyncio.timeout(self.settings.total_timeout),
                    self._http.stream(
                        "GET",
                        to_mirror(hop, self.settings.mirror),
                        extensions={"trace": self._pacer(hop_state)},
                    ) as resp,
                ):
                    if resp.status_code in REDIRECT_STATUSES:
                        hop = next_hop(hop, resp.status_code, resp.headers, seen, attempt)
                        seen.append(hop)
                        continue
                    check_status(url, resp.status_code, resp.headers, self.settings, attempt)
                    stored = await self._store(url, resp, attempt)
                    hop_state.breaker.record_success()
                    content_type = resp.headers.get("content-type", "")
                    final = unmirror(hop, self.settings.mirror)
                    return resp.status_code, content_type, final, stored
        except TimeoutError as exc:
            over = f"timeout: over {self.settings.total_timeout:g}s in all"
            failure = Retryable(over, None, timeout=True)
            self._count_failure(state, failure)
            raise failure from exc
        except httpx.HTTPError as exc:
            failure = transport_failure(exc)
            self._count_failure(state, failure)
            raise failure from exc
        except Retryable as exc:
            self._count_failure(state, exc)
            raise

    def _count_failure(self, state: HostState, failure: Retryable) -> None:
        if state.breaker.record_failure(failure.reason):
            breaker = state.breaker
            then = "given up" if breaker.given_up else f"paused {breaker.wait_time():.0f}s"
            log.info("%s: %d errors in a row (last: %s): %s", state.host, breaker.errors,
                     failure.reason, then)  # fmt: skip
            self._on_host(state)

    async def _wait_pause(self, state: HostState) -> None:
        """Wait while the host's circuit breaker has it paused."""
        while (pause := state.breaker.wait_time()) > 0:
            state.note = f"paused {pause:.0f}s: {state.breaker.last_reason} (errors in a row)"
            self._on_host(state)
            await asyncio.sleep(pause)
        if state.note.startswith("paused"):
            state.note = ""
            self._on_host(state)

    @asynccontextmanager
    async def _slot(self, state: HostState) -> AsyncIterator[None]:
        """The host's next rate slot, taken once a connection is ours: waiting for a free
        connection after the slot would send the request late, bunched with the next one."""
        delay = self._schedule.reserve(state.host)
        if delay > 0:
            await asyncio.sleep(delay)
        yield

    def _pacer(self, state: HostState) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
        """httpcore's trace hook, called just before the request's bytes are written: the last
        word on spacing. A request held up after its slot (a busy loop, a slow connection) waits
        here until a whole interval has passed since the host's last request really went out."""

        async def trace(event: str, info: dict[str, Any]) -> None:
            if not event.endswith("send_request_headers.started"):
                return
            while (late := self._schedule.until_free(state.host)) > 0:
                await asyncio.sleep(late)
            self._schedule.mark_sent(state.host)

        return trace

    async def _obey_robots(self, url: str, state: HostState, attempt: int) -> None:
        if not robots_apply(url, self.settings):
            return
        async with state.robots_lock:  # one robots.txt request per host, whoever asks first
            if state.robots is None:
                state.robots = await self._read_robots(url, state)
                if state.robots.crawl_delay:
                    self._schedule.slow_down(state.host, state.robots.crawl_delay)
        if not state.robots.allowed(url):
            reason = f"disallowed by robots.txt ({state.robots.reason})"
            error = RobotsUnavailable if state.robots.unavailable else Disallowed
            raise error(url, reason, None, attempt)

    async def _read_robots(self, url: str, state: HostState) -> RobotsRules:
        await self._wait_pause(state)
        target = to_mirror(robots_url(url), self.settings.mirror)
        try:
            async with self._connections, self._slot(state):
                pacer = {"trace": self._pacer(state)}
                resp = await self._http.get(target, follow_redirects=True, extensions=pacer)
        except httpx.HTTPError:
            return rules_from(None, b"")
        finally:
            # Its first request went out on a new connection and may have reached the host
            # late: count the spacing from the answer instead.
            self._schedule.mark_sent(state.host)
        return rules_from(resp.status_code, resp.content)

    async def _store(self, url: str, resp: httpx.Response, attempt: int) -> StoredBlob:
        """Stream the body into a temporary blob, checking it is a whole PDF by its bytes: its
        header, its trailer and, when the server gave one, its Content-Length."""
        sniffer = PdfSniffer(url, resp.headers.get("content-type", ""))
        with self.blobs.writer() as sink:
            try:
                async for chunk in resp.aiter_bytes():
                    sniffer.feed(chunk)
                    if sink.size + len(chunk) > self.settings.max_bytes:
                        over = f"too large: over {self.settings.max_bytes} bytes"
                        raise TooLarge(url, over, resp.status_code, attempt)
                    sink.write(chunk)
                    self.bytes_received += len(chunk)
            except httpx.RemoteProtocolError:  # the connection closed before the body's end
                if not _short(resp):
                    raise
            if _short(resp):  # a transfer cut off: another attempt may get it whole
                raise Retryable(truncation(sink.size), resp.status_code)
            sniffer.finish()
        return StoredBlob(sink.hexdigest(), sink.size)


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


def _short(resp: httpx.Response) -> bool:
    """Whether fewer bytes arrived than the Content-Length announced (counted as sent, before
    any Content-Encoding is undone)."""
    declared = resp.headers.get("content-length", "")
    return declared.isdigit() and resp.num_bytes_downloaded < int(declared)


def _failure(exc: FetchError) -> FetchResult:
    return FetchResult(ok=False, error=exc.reason, attempts=exc.attempts, last_status=exc.status)


__all__ = ["GIVEN_UP", "Downloader", "HostState", "NotAPdf", "Outcome"]

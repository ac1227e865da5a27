"""Per-host request spacing shared by both clients: at most ``rate`` requests a second a host.

A one-token bucket per host: a crawler that wants more than one request per second to a host is
exactly what the politeness budget forbids, so bursts are not allowed either. ``host_rates``
gives hosts their own published rate; a robots.txt Crawl-delay can only slow a host further;
``rate <= 0`` disables every limit (only for local mirrors).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

# Slots are spaced a little wider than 1/rate: a request that reaches the server a few
# milliseconds late (a new connection, a busy event loop) must not land in the same one-second
# window as the two after it. Measured with bench/fetch_politeness.py.
MARGIN = 1.04

log = logging.getLogger(__name__)


class HostSchedule:
    def __init__(
        self,
        rate: float,
        host_rates: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = rate > 0
        self._default = MARGIN / rate if rate > 0 else 0.0
        self._intervals = {h: MARGIN / r for h, r in (host_rates or {}).items() if r > 0}
        self._clock = clock
        self._next: dict[str, float] = {}
        self._sent: dict[str, float] = {}
        self._lock = threading.Lock()

    def interval(self, host: str) -> float:
        return self._intervals.get(host, self._default)

    def slow_down(self, host: str, seconds: float) -> None:
        """A Crawl-delay: the host's spacing becomes at least ``seconds``."""
        if self.enabled and seconds > self.interval(host):
            log.info("%s: robots.txt asks for %gs between requests; slowing down", host, seconds)
            self._intervals[host] = seconds

    def until_free(self, host: str) -> float:
        """Seconds until a whole interval has passed since the host's last request went out.

        Slots are reserved ahead of time; when the process stalls (a long write, a busy event
        loop), requests wake late together. Checking the last real send before each request
        keeps them apart however late they wake."""
        if not self.enabled:
            return 0.0
        with self._lock:
            last = self._sent.get(host)
            return 0.0 if last is None else max(0.0, last + self.interval(host) - self._clock())

    def mark_sent(self, host: str) -> None:
        """A request to ``host`` goes out now (or its first answer just arrived)."""
        if not self.enabled:
            return
        with self._lock:
            now = self._clock()
            self._sent[host] = now
            self._next[host] = max(self._next.get(host, now), now + self.interval(host))

    def reserve(self, host: str) -> float:
        """Take the host's next free slot; returns how long to wait for it."""
        if not self.enabled:
            return 0.0
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval(host)
        return start - now

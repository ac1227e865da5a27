"""Per-host politeness: at most ``rate`` requests per second to any one host."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping


class HostRateLimiter:
    """Spaces requests to the same host at least ``1 / rate`` seconds apart.

    A one-token bucket per host: a crawler that wants more than one request per second to a
    host is exactly what the politeness budget forbids, so bursts are not allowed either.
    ``host_rates`` gives hosts their own published rate; ``rate <= 0`` disables every limit
    (only for local mirrors).
    """

    def __init__(
        self,
        rate: float,
        host_rates: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.enabled = rate > 0
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.host_intervals = {host: 1.0 / r for host, r in (host_rates or {}).items() if r > 0}
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until a request to ``host`` may go out; returns the seconds waited."""
        if not self.enabled:
            return 0.0
        interval = self.host_intervals.get(host.lower(), self.interval)
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay

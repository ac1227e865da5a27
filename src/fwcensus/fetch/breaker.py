"""A circuit breaker per host: a host answering errors again and again is paused, not hammered.

After ``errors`` failures in a row the host is paused for ``pause`` seconds, twice as long at
each new trip; a success closes it again. A host that trips ``trips`` times is given up for
this run (its documents stay pending for the next one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class HostBreaker:
    errors: int
    pause: float
    trips: int
    clock: Callable[[], float] = time.monotonic
    failures_in_row: int = 0
    tripped: int = 0
    paused_until: float = 0.0
    last_reason: str = field(default="")

    def record_success(self) -> None:
        self.failures_in_row = 0

    def record_failure(self, reason: str) -> bool:
        """Count a failure; True when it trips the breaker."""
        self.failures_in_row += 1
        self.last_reason = reason
        if self.failures_in_row < self.errors:
            return False
        self.failures_in_row = 0
        self.tripped += 1
        self.paused_until = self.clock() + self.pause * 2 ** (self.tripped - 1)
        return True

    @property
    def given_up(self) -> bool:
        return self.tripped >= self.trips

    def wait_time(self) -> float:
        return max(0.0, self.paused_until - self.clock())

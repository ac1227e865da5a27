"""What a run of requests may do: rates, timeouts, retries, sizes. Apart from the HTTP code, so
the CLI offers its defaults without loading the HTTP libraries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fwcensus.fetch.politeness import DEFAULT_RATE


@dataclass(frozen=True)
class FetchSettings:
    mirror: str | None = None
    rate: float = DEFAULT_RATE  # requests per second per host; <= 0: no limit (local mirrors)
    # The hosts' own published rates (fwcensus.plugins.fetch_settings fills in the declared ones).
    host_rates: Mapping[str, float] = field(default_factory=dict)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 300.0  # one whole request, body included
    attempts: int = 5
    backoff: float = 1.0  # first backoff in seconds; doubles per attempt, with jitter
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a server asking for a longer pause fails the request
    max_bytes: int = 200 * 1024 * 1024
    max_connections: int = 16  # across all hosts
    per_host: int = 2  # downloads in flight per host (the rate limit still spaces them)
    breaker_errors: int = 5  # errors in a row that pause a host
    breaker_pause: float = 30.0  # first pause; doubles each time the host trips again
    breaker_trips: int = 6  # a host that trips this often is left for a later run
    cache_dir: str | None = None  # HTTP cache for listings and API pages (None: no cache)
    # Documented API endpoints: used under their own terms and rate limits, so robots.txt
    # (which keeps crawlers out of pages) is not consulted for them (fwcensus/hosts.py says why;
    # fwcensus.plugins.fetch_settings fills in the declared ones).
    api_prefixes: tuple[str, ...] = ()

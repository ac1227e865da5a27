"""What an industry signal is, what it gives, and what it may ask of the run.

A signal (one module per source under signals/) only turns API answers into values, as a source
turns listings into papers: it asks the context for URLs (``ctx.fetch``), reads the answers and
yields Batches. A Batch pairs the requests it made with the values read from them, so every value
stored is traceable to the answers that produced it (the bodies are kept as blobs). The stage
stores each batch as it comes, so a run stopped by a spent quota keeps every month it had.

Months are ``YYYY-MM`` strings; a value of the month not over yet is ``complete=False`` and is
fetched again by the next run, while complete months are never asked for again (``ctx.start``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol

from fwcensus.fetch.api import ApiClient, RateLimited
from fwcensus.fetch.client import FetchError, Result, encode_json
from fwcensus.fetch.policy import one_line
from fwcensus.signals.targets import Target

__all__ = [
    "Batch",
    "Fetched",
    "Measure",
    "QuotaExhausted",
    "RateLimited",
    "Signal",
    "SignalContext",
    "SignalError",
    "Value",
    "first_whole_month",
    "month_of",
    "months_between",
    "newest_first",
    "next_link",
    "next_month",
    "parse_json",
]


@dataclass(frozen=True)
class Fetched:
    """One answer behind some values: what was asked, when, and what came back."""

    url: str
    status: int
    retrieved_at: str  # ISO 8601, UTC
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    sent: bytes | None = None  # the body a POST sent (its query), kept beside the answer


@dataclass(frozen=True)
class Value:
    framework: str  # catalogue id
    series: str  # what was measured: a repository id, a package, a tag, "all posts"...
    measure: str  # a name from the signal's ``measures``
    period: str  # YYYY-MM for a monthly value, YYYY-MM-DD for a snapshot
    value: float
    complete: bool = True  # False: the period is not over; the next run asks again
    counted: bool = True  # False: kept, but not added into the framework's total


@dataclass(frozen=True)
class Batch:
    requests: tuple[Fetched, ...]
    values: tuple[Value, ...] = ()
    problem: str | None = None  # one series that could not be read, with its reason


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str  # "stars", "downloads", "questions", "share of posts", ...
    kind: str  # "monthly" or "snapshot"
    query: str  # the request behind it, as a template a reader can repeat
    description: str  # one sentence for the report
    # The measure whose value (same framework and period) is this one's denominator, e.g. the
    # month's job posts for the posts naming a framework; empty: the frameworks' total.
    share_of: str = ""


class SignalError(Exception):
    """An answer that cannot be used (an error body with status 200, a malformed payload)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class QuotaExhausted(RateLimited):
    """The API's quota is spent (``wait``: seconds until it is back, when the API says): stop
    this signal now, resume in a later run."""


def month_of(day: date | datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def first_whole_month(day: date) -> str:
    """The first month whose every day lies on or after ``day``."""
    month = month_of(day)
    return month if day.day == 1 else next_month(month)


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included."""
    out, month = [], first
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def _now() -> datetime:
    return datetime.now(UTC)


LastComplete = Callable[[str, str, str], "str | None"]  # (framework, series, measure) -> month


@dataclass
class SignalContext:
    """What a signal may use: the API client, the targets, and what the store already holds."""

    api: ApiClient
    targets: tuple[Target, ...]
    since: str  # the first month wanted, YYYY-MM
    today: date
    last_complete: LastComplete = lambda framework, series, measure: None
    clock: Callable[[], datetime] = _now
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)  # API keys are read here

    @property
    def this_month(self) -> str:
        return month_of(self.today)

    def start(self, framework: str, series: str, measure: str) -> str:
        """The first month to ask for: after the last complete one stored, never before since."""
        last = self.last_complete(framework, series, measure)
        return max(self.since, next_month(last)) if last else self.since

    def complete(self, month: str) -> bool:
        return month < self.this_month

    def fetch(
        self,
        url: str,
        accept: frozenset[int] = frozenset(),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        """GET ``url`` through the polite, rate-limit aware client; statuses in ``accept`` are
        returned instead of raised; ``headers`` (a token) go to ``url``'s host only."""
        return self._fetched(url, self.api.get(url, accept, headers=headers))

    def post(
        self,
        url: str,
        body: object,
        accept: frozenset[int] = frozenset(),
        *,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
        label: str = "",
    ) -> Fetched:
        """POST ``body`` as JSON; the answer is kept under ``url#label``, so requests that
        differ only in their body (one query per package) stay told apart."""
        result = self.api.post_json(url, body, accept, idempotent=idempotent, headers=headers)
        return self._fetched(f"{url}#{label}" if label else url, result, encode_json(body))

    def _fetched(self, url: str, result: Result[bytes], sent: bytes | None = None) -> Fetched:
        return Fetched(
            url=url,
            status=result.status,
            retrieved_at=self.clock().isoformat(timespec="seconds"),
            body=result.body,
            headers={k.lower(): v for k, v in result.headers.items()},
            sent=sent,
        )

    def guarded(self, series: str, work: Callable[[], Iterator[Batch]]) -> Iterator[Batch]:
        """Run one series' work; a failure of that series becomes a Batch with its problem
        (and the next series goes on), while a spent quota or rate limit stops the signal."""
        try:
            yield from work()
        except RateLimited:  # a spent quota too
            raise
        except (SignalError, FetchError) as exc:
            yield Batch((), (), f"{series}: {one_line(exc)}")


def newest_first(batches: Iterator[Batch]) -> Iterator[Batch]:
    """Hold the batches of a series read newest first until it is read to its end.

    Stored at once, the newer months would count as done and a run stopped half-way (a rate
    limit) would leave the older ones out for good, as later runs start after the last
    complete month. If reading stops early, what was read is stored as not complete (asked
    again by the next run) and the error goes on."""
    held: list[Batch] = []
    try:
        for batch in batches:
            held.append(batch)
    except Exception:
        for batch in held:
            values = tuple(replace(v, complete=False) for v in batch.values)
            yield replace(batch, values=values)
        raise
    yield from held


_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="([^"]*)"')


def next_link(headers: Mapping[str, str]) -> str | None:
    """The ``rel="next"`` URL of a Link header (``<URL>; rel="next", <URL>; rel="last"``),
    header names lower-cased as in Fetched."""
    for url, rel in _LINK.findall(headers.get("link", "")):
        if "next" in rel.split():
            return url
    return None


def parse_json(fetched: Fetched) -> Any:
    try:
        return json.loads(fetched.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SignalError(fetched.url, f"not JSON ({one_line(exc)})") from None


class Signal(Protocol):
    name: str  # the command-line name: github-stars, pypi-downloads, ...
    title: str  # for the report
    measures: tuple[Measure, ...]
    caveats: tuple[str, ...]  # what a reader must know before comparing the numbers

    def collect(self, ctx: SignalContext) -> Iterator[Batch]: ...

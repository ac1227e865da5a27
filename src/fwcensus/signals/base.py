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
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import IO, Any, Protocol

from fwcensus.errors import QuotaExhausted, SignalError
from fwcensus.fetch.api import ApiClient, RateLimited
from fwcensus.fetch.client import Body, FetchError, Result, encode_json
from fwcensus.fetch.policy import one_line
from fwcensus.hosts import Host
from fwcensus.signals.targets import Target

__all__ = [
    "Batch",
    "Fetched",
    "LocalData",
    "Measure",
    "PaperMonth",
    "QuotaExhausted",
    "RateLimited",
    "Signal",
    "SignalContext",
    "SignalError",
    "Value",
    "arxiv_id_month",
    "extract",
    "first_whole_month",
    "month_of",
    "months_between",
    "newest_first",
    "next_link",
    "next_month",
    "parse_json",
    "previous_month",
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
    # False: read again from the store (an archive kept by an earlier run, the store's own
    # papers), not asked of the API now; the run's request count leaves it out.
    asked: bool = True


@dataclass(frozen=True)
class Value:
    framework: str  # catalogue id
    series: str  # what was measured: a repository id, a package, a tag, "all posts"...
    measure: str  # a name from the signal's ``measures``
    period: str  # YYYY-MM for a monthly value, YYYY for a yearly one, YYYY-MM-DD for a snapshot
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
    kind: str  # "monthly", "yearly" or "snapshot"
    query: str  # the request behind it, as a template a reader can repeat
    description: str  # one sentence for the report
    # The measure whose value (same framework and period) is this one's denominator, e.g. the
    # month's job posts for the posts naming a framework; empty: the frameworks' total.
    share_of: str = ""
    # True: a state counted at one moment (live job postings), not a flow summed over the
    # period; any month of a year then stands for the year in yearly comparisons.
    level: bool = False


def month_of(day: date | datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - (mon == 1):04d}-{(mon - 2) % 12 + 1:02d}"


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


_NEW_ARXIV_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_OLD_ARXIV_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")


def arxiv_id_month(arxiv_id: str) -> str | None:
    """The month an arXiv identifier was assigned in (its YYMM: ``2306.09348`` -> 2023-06,
    ``cs/0701001`` -> 2007-01), the month of the first version; None for anything else."""
    text = arxiv_id.strip().removeprefix("arXiv:")
    found = _NEW_ARXIV_ID.match(text) or _OLD_ARXIV_ID.match(text)
    if found is None or not 1 <= int(found[2]) <= 12:
        return None
    yy = int(found[1])
    # Old-style identifiers began in 1991; new-style ones in 2007.
    return f"{1900 + yy if yy >= 91 else 2000 + yy:04d}-{found[2]}"


def _now() -> datetime:
    return datetime.now(UTC)


LastComplete = Callable[[str, str, str], "str | None"]  # (framework, series, measure) -> month


@dataclass(frozen=True)
class PaperMonth:
    """The papers of one month, as the counts see them: the store's papers (their paper ids),
    or those the bulk arXiv runs read (their arXiv ids, ``bulk``)."""

    month: str  # YYYY-MM
    with_text: tuple[int | str, ...]  # papers whose text was read
    using: Mapping[str, tuple[int | str, ...]]  # framework family -> papers that use it
    bulk: bool = False


class LocalData(Protocol):
    """What a signal may read from fwcensus's own store instead of an API: the papers it
    judged, the repositories it read, and answers an earlier run kept."""

    def arxiv_months(self, method: str) -> list[PaperMonth]: ...

    def repo_frameworks(self) -> dict[str, frozenset[str]]:
        """Repositories read (``host/owner/name``, lower case) -> framework families used."""
        ...

    def stored_answer(self, signal: str, url: str) -> Fetched | None:
        """The latest answer to ``url`` kept for ``signal`` (``asked`` False), if any."""
        ...


class NoLocalData:
    """A run without a store to read (tests of API signals)."""

    def arxiv_months(self, method: str) -> list[PaperMonth]:
        return []

    def repo_frameworks(self) -> dict[str, frozenset[str]]:
        return {}

    def stored_answer(self, signal: str, url: str) -> Fetched | None:
        return None


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
    local: LocalData = field(default_factory=NoLocalData)

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
        result = self.api.get(url, accept, headers=headers)
        return self._fetched(url, result, result.body)

    def download(self, url: str, accept: frozenset[int] = frozenset()) -> tuple[Fetched, IO[bytes]]:
        """GET a file tens of MB large (an archive, a Parquet file) into a temporary file,
        streamed: the Fetched carries no body (the caller keeps what it read, ``extract``) and
        the HTTP cache does not keep it (a file once read is never asked for again)."""
        result = self.api.request(url, _spool, accept, cached=False)
        result.body.seek(0)
        return self._fetched(url, result, b""), result.body

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
        where = f"{url}#{label}" if label else url
        return self._fetched(where, result, result.body, encode_json(body))

    def _fetched(
        self, url: str, result: Result[Any], body: bytes, sent: bytes | None = None
    ) -> Fetched:
        """``result``'s status and headers with ``body`` (a download's stays in its file)."""
        return Fetched(
            url=url,
            status=result.status,
            retrieved_at=self.clock().isoformat(timespec="seconds"),
            body=body,
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


SPOOL_IN_MEMORY = 16 * 1024 * 1024  # larger downloads go on to a temporary file


def _spool(body: Body) -> IO[bytes]:
    # A retried download calls this again on a fresh answer, so each attempt starts empty.
    # Handed to the caller, who closes it; closed here only when the transfer breaks.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        for chunk in body.iter_bytes():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    return spool


def extract(fetched: Fetched, part: str, body: bytes) -> Fetched:
    """The answer as kept: ``part`` of a downloaded file (``URL#part``, e.g. the member and
    columns read) with what was read from it, as a file tens of MB large is not stored whole."""
    return replace(fetched, url=f"{fetched.url}#{part}", body=body)


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
    hosts: tuple[Host, ...]  # every host it asks, with its budget and the keys it reads
    target_fields: tuple[str, ...]  # the fields of targets.toml it reads (its own data)
    measures: tuple[Measure, ...]
    caveats: tuple[str, ...]  # what a reader must know before comparing the numbers

    def collect(self, ctx: SignalContext) -> Iterator[Batch]: ...

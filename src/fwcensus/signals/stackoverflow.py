"""Stack Overflow: questions per framework tag and month, counted by the Stack Exchange API.

One request per tag and month, ``GET https://api.stackexchange.com/2.3/questions?tagged=TAG
&site=stackoverflow&fromdate=F&todate=T&filter=total``: the built-in ``total`` filter cuts the
answer down to the common wrapper's ``{"total": N}`` (api.stackexchange.com/docs/filters and
/docs/paging), so a month costs one call however many questions it holds. API facts relied on:

* ``fromdate`` and ``todate`` are the minimum and maximum creation date (unix seconds) of a
  returned item (docs/dates, docs/questions), both included; a month is asked as its first to
  its last second in UTC, as Shields' monthly-questions badge does, so months never overlap.
* Errors are the wrapper's ``error_id``/``error_name``/``error_message``, sent with HTTP 400.
  A spent daily quota (300 calls a day per IP without a key, 10,000 with the ``key=`` of a
  registered app, read from STACKEXCHANGE_KEY; the key is not a secret) is ``error_id`` 502,
  ``throttle_violation``, "... more requests available in N seconds".
* ``backoff`` (seconds) asks the client to wait before calling the same method again and
  ``quota_remaining`` says how many calls are left today (docs/wrapper, docs/throttle). The
  ``total`` filter may leave both out; when they are there they are obeyed.

Months are walked oldest first and, within a month, tag by tag, so a run cut short by the quota
leaves the same months for every framework: shares between frameworks, the comparable figure,
can be read from whatever was stored, and the next run starts each tag at its first missing month.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

from fwcensus.hosts import Credential, Host
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    QuotaExhausted,
    SignalContext,
    SignalError,
    Value,
    months_between,
    next_month,
    parse_json,
)

API = "https://api.stackexchange.com/2.3/questions"
SITE = "stackoverflow"
MEASURE = "questions"
KEY_ENV = "STACKEXCHANGE_KEY"
HOST = Host(
    urlsplit(API).netloc,
    api=("https://api.stackexchange.com/",),
    credentials=(Credential(KEY_ENV, query="key"),),
)
THROTTLE = "throttle_violation"
# Stack Exchange explains its errors in the body of an HTTP 400.
ERROR_STATUSES = frozenset({400})
_WAIT = re.compile(r"available in (\d+) seconds")


def month_bounds(month: str) -> tuple[int, int]:
    """The first and the last second (unix, UTC) of a YYYY-MM month."""
    first = datetime(int(month[:4]), int(month[5:7]), 1, tzinfo=UTC)
    after = datetime.strptime(next_month(month), "%Y-%m").replace(tzinfo=UTC)
    return int(first.timestamp()), int(after.timestamp()) - 1


def questions_url(tag: str, month: str, key: str | None = None) -> str:
    """The request for the number of questions tagged ``tag`` created in ``month``."""
    fromdate, todate = month_bounds(month)
    query: dict[str, str | int] = {
        "tagged": tag,
        "site": SITE,
        "fromdate": fromdate,
        "todate": todate,
        "filter": "total",
    }
    if key:
        query["key"] = key
    return f"{API}?{urlencode(query)}"


def _wrapper(fetched: Fetched) -> dict[str, Any]:
    body = parse_json(fetched)
    if not isinstance(body, dict):
        raise SignalError(fetched.url, f"answer is a {type(body).__name__}, not the wrapper object")
    return body


def _api_error(url: str, body: dict[str, Any]) -> SignalError | QuotaExhausted:
    # Not one_line(), which takes an exception: an empty message would come out as "str".
    message = " ".join(str(body.get("error_message", "")).split())
    reason = f"API error {body.get('error_id')} {body.get('error_name')}: {message}"
    if body.get("error_name") != THROTTLE:
        return SignalError(url, reason)
    wait = _WAIT.search(message)
    return QuotaExhausted(url, reason, float(wait[1]) if wait else None)


def _total(fetched: Fetched, body: dict[str, Any]) -> int:
    if "error_id" in body:
        raise _api_error(fetched.url, body)
    if fetched.status != 200:
        raise SignalError(fetched.url, f"HTTP {fetched.status} without an API error")
    total = body.get("total")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise SignalError(fetched.url, f"no question count in the answer (total={total!r})")
    return total


@dataclass
class _Caller:
    """Asks for one month's count, keeping the pace the API's answers ask for."""

    ctx: SignalContext
    key: str | None
    backoff: float = 0.0  # seconds the last answer asked us to wait before the next call
    spent_at: str | None = None  # the URL whose answer said no calls are left today

    def count(self, tag: str, month: str) -> tuple[Fetched, int]:
        url = questions_url(tag, month, self.key)
        if self.spent_at:
            raise QuotaExhausted(self.spent_at, "quota_remaining 0: the day's calls are spent")
        if self.backoff > 0:
            # Every call here is the same method (/questions), which the backoff is for.
            self.ctx.api.pause(self.backoff)
            self.backoff = 0.0
        fetched = self.ctx.fetch(url, accept=ERROR_STATUSES)
        body = _wrapper(fetched)
        self._note_pace(fetched.url, body)
        return fetched, _total(fetched, body)

    def _note_pace(self, url: str, body: dict[str, Any]) -> None:
        backoff = body.get("backoff")
        if isinstance(backoff, int | float) and not isinstance(backoff, bool):
            self.backoff = float(backoff)
        remaining = body.get("quota_remaining")
        if isinstance(remaining, int) and not isinstance(remaining, bool) and remaining <= 0:
            self.spent_at = url


@dataclass(frozen=True)
class _Series:
    framework: str
    tag: str
    start: str  # first month to ask for


@dataclass(frozen=True)
class StackOverflowSignal:
    name: str = "stackoverflow"
    title: str = "Stack Overflow questions"
    hosts: tuple[Host, ...] = (HOST,)
    target_fields: tuple[str, ...] = ("stackoverflow",)
    measures: tuple[Measure, ...] = (
        Measure(
            name=MEASURE,
            unit="questions",
            kind="monthly",
            query=(
                f"GET {API}?tagged={{tag}}&site={SITE}&fromdate={{first second of the month}}"
                "&todate={last second of the month}&filter=total (unix seconds, UTC)"
            ),
            description="Questions asked on Stack Overflow in the month with the framework's tag.",
        ),
    )
    caveats: tuple[str, ...] = (
        "Stack Overflow's overall question volume falls steeply from 2023 on, so the shares "
        "between frameworks are the comparable figure, not the raw counts.",
        "A question can carry several frameworks' tags (tensorflow and keras often go "
        "together) and is then counted for each of them.",
        "Deleted questions are not counted, so a month can shrink a little after it was read; "
        "complete months are read once and kept as they were then.",
        "Months are UTC calendar months of the question's creation date.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        caller = _Caller(ctx, ctx.env.get(KEY_ENV) or None)
        series = [
            _Series(target.framework, tag, ctx.start(target.framework, tag, MEASURE))
            for target in ctx.targets
            for tag in target["stackoverflow"]
        ]
        if not series:
            return
        failed: set[str] = set()
        for month in months_between(min(s.start for s in series), ctx.this_month):
            for one in series:
                if month < one.start or one.tag in failed:
                    continue
                for batch in ctx.guarded(one.tag, partial(self._month, caller, one, month)):
                    if batch.problem:
                        failed.add(one.tag)  # its later months wait for the next run
                    yield batch

    def _month(self, caller: _Caller, series: _Series, month: str) -> Iterator[Batch]:
        fetched, total = caller.count(series.tag, month)
        value = Value(
            series.framework, series.tag, MEASURE, month, float(total), caller.ctx.complete(month)
        )
        yield Batch((fetched,), (value,))


SIGNAL = StackOverflowSignal()

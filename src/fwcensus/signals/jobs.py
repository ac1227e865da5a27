"""Job-board postings naming each framework: Adzuna's search counts, one dated snapshot per run,
kept as a monthly series from the first run on.

Adzuna's job search API (developer.adzuna.com) needs a free application id and key, sent in the
query string: ``GET https://api.adzuna.com/v1/api/jobs/{country}/search/1?app_id=...&app_key=
...&results_per_page=1&what_phrase={phrase}[&what_exclude={words}]&content-type=
application/json`` answers ``{"__CLASS__": "Adzuna::API::Response::JobSearchResults", "count":
N, "mean": ..., "results": [...]}``, where ``count`` is every live posting in that country
matching the phrase. An error is ``{"__CLASS__": "Adzuna::API::Response::Exception",
"exception": "AUTH_FAIL", "display": "...", ...}`` with a 4xx status. Without ADZUNA_APP_ID and
ADZUNA_APP_KEY the signal says what to set and is skipped; the other signals go on.

Postings on a board are a state, not a history: each run stores today's count (``postings``,
dated by the day) and, once per month, the first count taken in that month as the month's
value (``postings-monthly``), so the monthly series starts with the first run and has no past.
The key is a secret: it never reaches the store, the request log or an error message (the URL
kept has ``app_key=...`` and ``app_id=...`` masked).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fwcensus.fetch.api import RateLimited
from fwcensus.fetch.client import FetchError
from fwcensus.hosts import Credential, Host
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    SignalContext,
    SignalError,
    Value,
    parse_json,
)
from fwcensus.signals.targets import Target

API = "https://api.adzuna.com/v1/api/jobs/{country}/search/1"
ID_ENV = "ADZUNA_APP_ID"
KEY_ENV = "ADZUNA_APP_KEY"
# Adzuna's job search API: 25 requests a minute on its free tier (250 a day); the keys go in
# the query string.
HOST = Host(
    "api.adzuna.com",
    api=("https://api.adzuna.com/v1/api/",),
    rate=25 / 60,
    credentials=(Credential(ID_ENV, query="app_id"), Credential(KEY_ENV, query="app_key")),
)
# Adzuna's biggest boards for tech work; one request per country and phrase a run.
COUNTRIES = ("gb", "us", "de", "in")
SNAPSHOT = "postings"
MONTHLY = "postings-monthly"
ERRORS = frozenset({400, 401, 403, 404})  # Adzuna explains these in a JSON body
_SECRET = re.compile(r"\b(app_id|app_key)=[^&#]*")
MISSING_KEY = (
    f"no {ID_ENV}/{KEY_ENV}: set both (a free key from https://developer.adzuna.com) to"
    " collect job postings; skipped"
)


def search_url(country: str, phrase: str, exclude: tuple[str, ...], app_id: str, key: str) -> str:
    query = {"app_id": app_id, "app_key": key, "results_per_page": 1, "what_phrase": phrase}
    if exclude:
        query["what_exclude"] = " ".join(exclude)
    query["content-type"] = "application/json"
    return f"{API.format(country=country)}?{urlencode(query)}"


def masked(text: str) -> str:
    """``text`` with the application id and key of any Adzuna URL in it masked."""
    return _SECRET.sub(lambda m: f"{m[1]}=...", text)


@dataclass(frozen=True)
class Search:
    framework: str
    country: str
    phrase: str
    exclude: tuple[str, ...]

    @property
    def series(self) -> str:
        return f"{self.country}:{self.phrase}"


def searches(targets: tuple[Target, ...]) -> list[Search]:
    return [
        Search(t.framework, country, phrase, t["jobs_exclude"])
        for t in targets
        for phrase in t["jobs"]
        for country in COUNTRIES
    ]


def read_count(fetched: Fetched) -> int:
    body: Any = parse_json(fetched)
    if not isinstance(body, dict):
        raise SignalError(fetched.url, "answer is not a JSON object")
    if "exception" in body or fetched.status != 200:
        reason = body.get("display") or body.get("exception") or f"HTTP {fetched.status}"
        raise SignalError(fetched.url, f"API error {body.get('exception', '')}: {reason}")
    count = body.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise SignalError(fetched.url, f"no posting count in the answer (count={count!r})")
    return count


class JobsSignal:
    name = "jobs"
    title = "Job-board postings (Adzuna)"
    hosts = (HOST,)
    target_fields = ("jobs", "jobs_exclude")
    measures = (
        Measure(
            MONTHLY,
            unit="postings",
            kind="monthly",
            query=f"as {SNAPSHOT}: the first count taken in the month",
            description="Live postings naming the framework on Adzuna's boards (gb, us, de, in)"
            " when first counted in the month.",
            level=True,
        ),
        Measure(
            SNAPSHOT,
            unit="postings",
            kind="snapshot",
            query=f"GET {API.format(country='{country}')}?app_id=...&app_key=...&results_per_page"
            "=1&what_phrase={phrase}[&what_exclude={words}]&content-type=application/json; count",
            description="Live postings naming the framework on the day of the run.",
        ),
    )
    caveats = (
        "A snapshot of live postings, not a history: the monthly series starts with the first"
        " run, and a month's value is the first count taken in it.",
        "Adzuna counts postings whose text contains the phrase anywhere (JAX excludes 'rs' and"
        " 'ws', the Java APIs); a posting naming two frameworks counts for both.",
        f"Only the boards of {', '.join(COUNTRIES)}; Adzuna aggregates other job sites, so one"
        " job can be listed more than once.",
        f"Needs {ID_ENV} and {KEY_ENV}; Adzuna's free tier allows 25 requests a minute and 250"
        " a day, which a run keeps well within.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        app_id, key = ctx.env.get(ID_ENV, ""), ctx.env.get(KEY_ENV, "")
        if not (app_id and key):
            yield Batch((), (), MISSING_KEY)
            return
        for search in searches(ctx.targets):
            work = partial(self._count, ctx, search, app_id, key)
            yield from ctx.guarded(search.series, work)

    @staticmethod
    def _count(ctx: SignalContext, search: Search, app_id: str, key: str) -> Iterator[Batch]:
        url = search_url(search.country, search.phrase, search.exclude, app_id, key)
        try:
            fetched = ctx.fetch(url, accept=ERRORS)
        except RateLimited as exc:
            raise RateLimited(masked(exc.url), masked(exc.reason), exc.wait) from None
        except FetchError as exc:
            raise SignalError(masked(exc.url), masked(exc.reason)) from None
        kept = Fetched(masked(fetched.url), fetched.status, fetched.retrieved_at, fetched.body)
        count = read_count(kept)
        values = [Value(search.framework, search.series, SNAPSHOT, ctx.today.isoformat(), count)]
        last = ctx.last_complete(search.framework, search.series, MONTHLY)
        if last is None or last < ctx.this_month:
            values.append(Value(search.framework, search.series, MONTHLY, ctx.this_month, count))
        yield Batch((kept,), tuple(values))


SIGNAL = JobsSignal()

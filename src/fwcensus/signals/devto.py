"""dev.to: articles per framework tag and month, read from the Forem API (v1).

``GET https://dev.to/api/articles?tag=TAG&per_page=1000&page=N`` lists a tag's published
articles (the client sends the v1 ``Accept`` header ``HOST`` declares). API facts relied on (Forem
OpenAPI spec ``swagger/v1/api_v1.json`` and ``app/services/article_api_index_service.rb`` in
forem/forem):

* a tag's articles come by descending popularity, not by date, so a month's count needs every
  page, bucketed by each article's ``published_at`` (ISO 8601, UTC); the pages end with an empty
  array. A short page is not taken as the end: an instance may cap ``per_page`` lower.
* ``top=N`` keeps only articles published in the last N days (``published_at > N.days.ago`` on
  the server's clock). A re-run after months were stored passes the N that reaches back to the
  first day of the first month it needs, plus a two-day margin for the server's clock; articles
  older than that month are dropped here. The first run reads the plain listing, as the whole
  history is wanted then. A tag that requires approval ignores ``top`` and lists all approved
  articles, which the same dropping handles.
* errors are an object ``{"error": ..., "status": ...}`` where a list was expected.

A tag is one Batch: its counts come from all its pages together. Popularity can move an article
across pages while they are read; articles are counted once by ``id``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

from fwcensus.hosts import Host
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    SignalContext,
    SignalError,
    Value,
    month_of,
    months_between,
    parse_json,
)

API = "https://dev.to/api/articles"
# The versioned Accept: without it (v0) dev.to answers with a ``Warning: 299``.
HOST = Host(
    urlsplit(API).netloc,
    api=("https://dev.to/api/",),
    headers=(("Accept", "application/vnd.forem.api-v1+json"),),
)
MEASURE = "articles"
PER_PAGE = 1000  # the spec's maximum
TOP_MARGIN_DAYS = 2


def page_url(tag: str, page: int, per_page: int = PER_PAGE, top: int | None = None) -> str:
    query: dict[str, str | int] = {"tag": tag}
    if top is not None:
        query["top"] = top
    query |= {"per_page": per_page, "page": page}
    return f"{API}?{urlencode(query)}"


def top_days(start: str, today: date) -> int:
    """The ``top`` that reaches back to the first day of ``start`` from ``today``."""
    first = date(int(start[:4]), int(start[5:7]), 1)
    return (today - first).days + TOP_MARGIN_DAYS


def _published_month(url: str, article: Any) -> tuple[int, str]:
    if not isinstance(article, dict) or not isinstance(article.get("id"), int):
        raise SignalError(url, "an entry of the list is not an article with an id")
    stamp = article.get("published_at")
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        raise SignalError(url, f"article {article['id']}: bad published_at {stamp!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return article["id"], month_of(when.astimezone(UTC))


def read_page(fetched: Fetched) -> dict[int, str]:
    """The articles of one page: id -> month of publication."""
    body = parse_json(fetched)
    if isinstance(body, dict) and "error" in body:
        status = body.get("status", fetched.status)
        raise SignalError(fetched.url, f"error {status}: {body['error']}")
    if not isinstance(body, list):
        raise SignalError(fetched.url, f"answer is a {type(body).__name__}, not a list")
    return dict(_published_month(fetched.url, article) for article in body)


@dataclass(frozen=True)
class DevtoSignal:
    name: str = "devto"
    title: str = "dev.to articles"
    hosts: tuple[Host, ...] = (HOST,)
    target_fields: tuple[str, ...] = ("devto",)
    measures: tuple[Measure, ...] = (
        Measure(
            name=MEASURE,
            unit="articles",
            kind="monthly",
            query=(
                f"GET {API}?tag={{tag}}&per_page={PER_PAGE}&page={{page}}, pages 1, 2, ... "
                "until an empty one (with top={days back to the first month wanted} before "
                "per_page on re-runs), articles counted by the month of published_at"
            ),
            description="Articles published on dev.to in the month with the framework's tag.",
        ),
    )
    caveats: tuple[str, ...] = (
        "Authors choose an article's tags (up to four), so a tag counts what writers file "
        "under it, and an article with two frameworks' tags counts for both.",
        "published_at is the date the author gives; articles cross-posted from elsewhere can "
        "carry an earlier date than their arrival on dev.to.",
        "Deleted and unpublished articles drop out of the listing, so a month can shrink after "
        "it was read; complete months are read once and kept as they were then.",
        "dev.to opened to the public in 2017; earlier months are near zero.",
    )
    per_page: int = PER_PAGE

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        for target in ctx.targets:
            for tag in target["devto"]:
                yield from ctx.guarded(tag, partial(self._series, ctx, target.framework, tag))

    def _series(self, ctx: SignalContext, framework: str, tag: str) -> Iterator[Batch]:
        start = ctx.start(framework, tag, MEASURE)
        # No stored months: the whole history is wanted, and the plain listing gives it.
        top = top_days(start, ctx.today) if start > ctx.since else None
        pages, published = self._read_all(ctx, tag, top)
        counts = Counter(published.values())
        values = tuple(
            Value(framework, tag, MEASURE, month, float(counts[month]), ctx.complete(month))
            for month in months_between(start, ctx.this_month)
        )
        yield Batch(pages, values)

    def _read_all(
        self, ctx: SignalContext, tag: str, top: int | None
    ) -> tuple[tuple[Fetched, ...], dict[int, str]]:
        pages: list[Fetched] = []
        published: dict[int, str] = {}
        page = 1
        while True:
            fetched = ctx.fetch(page_url(tag, page, self.per_page, top))
            pages.append(fetched)
            found = read_page(fetched)
            if not found:
                return tuple(pages), published
            if found.keys() <= published.keys():
                # A server that ignores ``page`` would otherwise be read forever.
                raise SignalError(fetched.url, f"page {page} repeats earlier pages only")
            published |= found
            page += 1


SIGNAL = DevtoSignal()

"""Hacker News "Ask HN: Who is hiring?" job posts naming each framework, month by month.

The signal reads the HN Search API (Algolia, https://hn.algolia.com/api), as recorded in
shared/fixtures-real/signals/hn-algolia (ryanwi/hiringtrends' cassettes, 2023):

- ``GET /api/v1/search_by_date?page=N&query=hiring&tags=story,(author__whoishiring,
  author_whoishiring)`` lists the whoishiring account's stories newest first, 20 a page, in
  ``hits`` (``objectID``, ``title``, ``created_at_i`` in unix seconds, ``num_comments``) with
  ``nbPages``; the page after the last one is empty. Algolia spells the username's ``_`` as
  ``__`` in its author tag, so both spellings are asked for. The account also posted other
  stories (a meta thread, "Who is hiring right now?"), which the title pattern leaves out.
- ``GET /api/v1/items/{id}`` gives a thread with its comments nested in ``children``; the
  top-level ones are the job posts. ``text`` is HTML with entities (``PyTorch&#x2F;JAX``), and
  null for a deleted post.

Which threads are read: the list is filtered here, not with Algolia's ``numericFilters``, and
paging stops at the first page that reaches stories created before the first month wanted (the
list is newest first, so every later page is older). The list request is then the same whatever
month a run starts from: a monthly run reads one page, which the HTTP cache and the mirror can
answer as they answered the last run.

Threads are read oldest first and a failed thread ends the run's reading: the store asks again
only after its last complete month, so a later month stored past a failed one would hide that
one from every later run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from fwcensus.hosts import Host
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    SignalContext,
    SignalError,
    Value,
    month_of,
    parse_json,
)
from fwcensus.signals.targets import Target

API = "https://hn.algolia.com/api/v1"
HOST = Host(urlsplit(API).netloc, api=("https://hn.algolia.com/api/",))
# The thread-list query exactly as the recorded request sent it.
_LIST_QUERY = "query=hiring&tags=story%2C%28author__whoishiring%2C+author_whoishiring%29"
SERIES = "whoishiring"
NAMING = "posts-naming"
TOTAL = "posts-total"

_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# Titles vary in case and trailing blanks over the years ("Who Is Hiring?", "Who is Hiring?").
_TITLE = re.compile(r"\s*ask hn: who is hiring\? \((\w+) (\d{4})\)\s*", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def list_url(page: int) -> str:
    return f"{API}/search_by_date?page={page}&{_LIST_QUERY}"


def item_url(thread_id: str | int) -> str:
    return f"{API}/items/{thread_id}"


def thread_month(title: str) -> str | None:
    """The month a "Who is hiring?" title names (``YYYY-MM``); None for any other story."""
    match = _TITLE.fullmatch(title)
    if match is None or match[1].lower() not in _MONTHS:
        return None
    return f"{int(match[2]):04d}-{_MONTHS.index(match[1].lower()) + 1:02d}"


def plain_text(markup: str) -> str:
    """A post's words: tags become blanks (``PyTorch</p><p>JAX`` stays two words), then
    entities are decoded, so an escaped ``&lt;b&gt;`` is text, not a tag."""
    return html.unescape(_TAG.sub(" ", markup))


@dataclass(frozen=True)
class Thread:
    month: str
    id: str
    comments: int


@dataclass(frozen=True)
class _Framework:
    id: str
    pattern: re.Pattern[str]
    start: str  # the first month this framework still needs


class HnJobsSignal:
    name = "hn-jobs"
    title = 'Hacker News "Who is hiring?" posts'
    hosts = (HOST,)
    target_fields = ("hn",)
    measures = (
        Measure(
            NAMING,
            unit="posts",
            kind="monthly",
            query=f"GET {item_url('{thread id}')} for the month's 'Ask HN: Who is hiring?"
            f" (Month YYYY)' thread, found in GET {list_url(0)} (and later pages); top-level"
            " posts whose text matches the framework's patterns in targets.toml",
            description="Job posts of the month's Who is hiring thread naming the framework.",
            share_of=TOTAL,
        ),
        Measure(
            TOTAL,
            unit="posts",
            kind="monthly",
            query=f"GET {item_url('{thread id}')} as for {NAMING}; every top-level post with text",
            description="All job posts of the month's thread (the same number for every"
            " framework), the denominator of a framework's share of posts.",
        ),
    )
    caveats = (
        "One thread a month: the whoishiring account's 'Ask HN: Who is hiring? (Month YYYY)'"
        " story, dated by the month in its title; a month without such a thread has no value.",
        "A post is a top-level comment of the thread; replies and deleted or empty posts are"
        " not counted.",
        "A post naming several frameworks counts for each of them.",
        "A post names a framework when its text (HTML tags removed, entities decoded) matches"
        " the framework's patterns: 'torch' alone is not PyTorch and JAX-RS is not JAX, while a"
        " mention such as 'no PyTorch experience needed' counts.",
        "The current month's thread still grows; its values are read again until the month is"
        " over.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        frameworks = _frameworks(ctx)
        if not frameworks:
            return
        first = min(f.start for f in frameworks)
        threads: dict[str, Thread] = {}
        listing = ctx.guarded(SERIES, lambda: _list_threads(ctx, first, threads))
        if not (yield from _until_problem(listing)):
            return
        for month in sorted(threads):
            thread = threads[month]
            work = ctx.guarded(f"{SERIES} {month}", partial(_read_thread, ctx, thread, frameworks))
            if not (yield from _until_problem(work)):
                return


SIGNAL = HnJobsSignal()


def hn_pattern(target: Target) -> re.Pattern[str] | None:
    """The framework's ``hn`` expressions as one, case-insensitive; None when it has none."""
    if not target["hn"]:
        return None
    return re.compile("|".join(f"(?:{p})" for p in target["hn"]), re.IGNORECASE)


def _frameworks(ctx: SignalContext) -> list[_Framework]:
    found = []
    for target in ctx.targets:
        pattern = hn_pattern(target)
        if pattern is not None:
            start = min(ctx.start(target.framework, SERIES, m) for m in (NAMING, TOTAL))
            found.append(_Framework(target.framework, pattern, start))
    return found


def _until_problem(batches: Iterator[Batch]) -> Generator[Batch, None, bool]:
    """Pass the batches on; False once one carries a problem."""
    for batch in batches:
        yield batch
        if batch.problem is not None:
            return False
    return True


def _list_threads(ctx: SignalContext, first: str, found: dict[str, Thread]) -> Iterator[Batch]:
    """Page through the thread list until it reaches stories older than ``first``, putting each
    month's thread (the one with most comments, should a month have two) into ``found``."""
    page = 0
    while True:
        fetched = ctx.fetch(list_url(page))
        hits, pages = _hits(fetched)
        yield Batch((fetched,))
        older = False
        for hit in hits:
            older = older or _created_month(hit, fetched.url) < first
            thread = _thread(hit, fetched.url)
            if thread is None or thread.month < first:
                continue
            known = found.get(thread.month)
            if known is None or thread.comments > known.comments:
                found[thread.month] = thread
        page += 1
        if not hits or older or page >= pages:
            return


def _hits(fetched: Fetched) -> tuple[list[dict[str, Any]], int]:
    payload = parse_json(fetched)
    if not isinstance(payload, dict) or not isinstance(payload.get("hits"), list):
        raise SignalError(fetched.url, _unexpected(payload, "no hits"))
    pages = payload.get("nbPages")
    if not isinstance(pages, int):
        raise SignalError(fetched.url, "answer without nbPages")
    return payload["hits"], pages


def _unexpected(payload: object, what: str) -> str:
    """Algolia explains an error in ``message`` (search) or ``error`` (items)."""
    if isinstance(payload, dict):
        message = payload.get("message") or payload.get("error")
        if message:
            return f"error answer: {message}"
    return f"unexpected answer ({what})"


def _created_month(hit: dict[str, Any], url: str) -> str:
    created = hit.get("created_at_i")
    if not isinstance(created, int):
        raise SignalError(url, f"story {hit.get('objectID')!r} without created_at_i")
    return month_of(datetime.fromtimestamp(created, UTC))


def _thread(hit: dict[str, Any], url: str) -> Thread | None:
    title, object_id = hit.get("title"), hit.get("objectID")
    if not isinstance(title, str) or not isinstance(object_id, str):
        raise SignalError(url, "story without title or objectID")
    month = thread_month(title)
    if month is None:
        return None
    comments = hit.get("num_comments")
    return Thread(month, object_id, comments if isinstance(comments, int) else 0)


def _read_thread(
    ctx: SignalContext, thread: Thread, frameworks: list[_Framework]
) -> Iterator[Batch]:
    fetched = ctx.fetch(item_url(thread.id))
    posts = _posts(fetched)
    complete = ctx.complete(thread.month)
    values: list[Value] = []
    for framework in frameworks:
        if framework.start > thread.month:
            continue
        naming = sum(1 for post in posts if framework.pattern.search(post))
        values.append(Value(framework.id, SERIES, NAMING, thread.month, naming, complete))
        values.append(Value(framework.id, SERIES, TOTAL, thread.month, len(posts), complete))
    yield Batch((fetched,), tuple(values))


def _posts(fetched: Fetched) -> list[str]:
    """The plain text of every top-level post that has any."""
    payload = parse_json(fetched)
    if not isinstance(payload, dict) or not isinstance(payload.get("children"), list):
        raise SignalError(fetched.url, _unexpected(payload, "no children"))
    posts = []
    for child in payload["children"]:
        text = child.get("text") if isinstance(child, dict) else None
        if isinstance(text, str) and (plain := plain_text(text)).strip():
            posts.append(plain)
    return posts

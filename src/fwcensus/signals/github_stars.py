"""GitHub stars of each framework's repositories: new stars per month, and today's total.

API facts this module relies on (tests/fixtures/signals/github-stars/README.md says where each
comes from):

* ``GET https://api.github.com/repos/{owner}/{repo}`` answers the repository object: ``id``
  (never changes), ``full_name`` (today's name) and ``stargazers_count`` (today's total). A
  renamed or moved repository answers 301 with ``Location: .../repositories/{id}``; the client
  follows it and the object there carries the new name and the same id, so series are keyed by
  the id.
* ``GET /repos/{owner}/{repo}/stargazers/history`` (added 2026-09-04, after the per-star listing
  was closed to non-collaborators in July 2026) answers a JSON array of weeks, newest first, each
  ``{"week": <unix seconds of the week's start>, "total": <int>, "days": [7 ints]}``, at most 30
  weeks a page (``per_page``); later pages are named by the ``Link`` header's ``rel="next"``, as
  everywhere in GitHub's REST API. It counts only the stars that still exist, by the day given.
* Both spend the core rate limit (60 an hour anonymous, 5000 with GITHUB_TOKEN); the ApiClient
  waits out ``X-RateLimit-Reset`` or raises RateLimited, which stops the signal.

Pages come newest first, so an incremental run stops paging as soon as a page reaches back to
the first month it wants.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeGuard

from fwcensus.catalogue.code_hosts import GITHUB_API
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    SignalContext,
    SignalError,
    Value,
    first_whole_month,
    month_of,
    months_between,
    newest_first,
    next_link,
    parse_json,
)

API = "https://api.github.com"
PER_PAGE = 30  # the history endpoint's largest page
STARS = "stars"
TOTAL = "stars-total"
_DAYS_A_WEEK = 7


def repository_url(full_name: str) -> str:
    return f"{API}/repos/{full_name}"


def history_url(full_name: str) -> str:
    return f"{API}/repos/{full_name}/stargazers/history?per_page={PER_PAGE}"


@dataclass(frozen=True)
class Repository:
    id: int
    full_name: str
    stars: int


@dataclass(frozen=True)
class Week:
    start: date
    days: tuple[int, ...]


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(data: Any) -> str:
    """What came instead of the expected JSON, in a few words (GitHub explains in ``message``)."""
    if isinstance(data, dict):
        message = data.get("message")
        return f"an object with message {message!r}" if message else "an object"
    return type(data).__name__


def read_repository(fetched: Fetched) -> Repository:
    data = parse_json(fetched)
    if not isinstance(data, dict) or not _is_int(data.get("id")):
        raise SignalError(fetched.url, f"expected a repository object, got {_describe(data)}")
    full_name, stars = data.get("full_name"), data.get("stargazers_count")
    if not isinstance(full_name, str) or "/" not in full_name or not _is_int(stars):
        raise SignalError(fetched.url, "repository object without full_name or stargazers_count")
    return Repository(data["id"], full_name, stars)


def _week(url: str, item: Any) -> Week:
    if not isinstance(item, dict) or not _is_int(item.get("week")):
        raise SignalError(url, f"expected a week object, got {_describe(item)}")
    days, total = item.get("days"), item.get("total")
    if (
        not isinstance(days, list)
        or len(days) != _DAYS_A_WEEK
        or not all(_is_int(n) and n >= 0 for n in days)
    ):
        raise SignalError(url, f"week {item['week']}: days is not 7 counts")
    if total != sum(days):
        raise SignalError(url, f"week {item['week']}: total {total!r} is not the sum of its days")
    return Week(datetime.fromtimestamp(item["week"], UTC).date(), tuple(days))


def read_weeks(fetched: Fetched) -> list[Week]:
    data = parse_json(fetched)
    if not isinstance(data, list):
        raise SignalError(fetched.url, f"expected a list of weeks, got {_describe(data)}")
    return [_week(fetched.url, item) for item in data]


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


@dataclass
class _Tally:
    """New stars per wanted month, the pages each month was read from, and what is still to
    be handed out: a month is handed out once the pages read reach back to its first day."""

    pending: list[str]  # oldest first
    stars: dict[str, int] = field(init=False)
    pages: dict[str, list[Fetched]] = field(init=False)

    def __post_init__(self) -> None:
        self.stars = dict.fromkeys(self.pending, 0)
        self.pages = {month: [] for month in self.pending}

    def add(self, page: Fetched, weeks: list[Week]) -> None:
        for week in weeks:
            for offset, count in enumerate(week.days):
                month = month_of(week.start + timedelta(days=offset))
                if month not in self.stars:
                    continue
                self.stars[month] += count
                sources = self.pages[month]
                if not sources or sources[-1] is not page:
                    sources.append(page)

    def take(self, since: str, page: Fetched) -> tuple[list[str], tuple[Fetched, ...]]:
        """The pending months from ``since`` on, and the pages behind them; a month no week
        touched is known (a 0) from ``page``, the page that showed nothing more is there."""
        ready = [month for month in self.pending if month >= since]
        self.pending = [month for month in self.pending if month < since]
        requests: list[Fetched] = []
        for month in ready:
            for source in self.pages[month] or [page]:
                if all(source is not seen for seen in requests):
                    requests.append(source)
        return ready, tuple(requests)


class GitHubStarsSignal:
    name = "github-stars"
    title = "GitHub stars"
    hosts = (GITHUB_API,)
    target_fields = ("github",)
    measures = (
        Measure(
            STARS,
            "stars",
            "monthly",
            f"GET {API}/repos/{{owner}}/{{repo}}/stargazers/history?per_page={PER_PAGE}, then"
            ' each Link rel="next"; the weeks\' days added up by calendar month (UTC)',
            "Stars given to the framework's repository in the month that still exist today.",
        ),
        Measure(
            TOTAL,
            "stars",
            "snapshot",
            f"GET {API}/repos/{{owner}}/{{repo}} -> stargazers_count",
            "The repository's stars on the day of the run.",
        ),
    )
    caveats = (
        "A star counts in the month it was given and only while it still exists: stars taken "
        "back vanish from their month on GitHub, but a complete month stored here is not asked "
        "for again, so older months may run slightly above what GitHub shows today.",
        "GitHub gives each week's start as a UNIX time and each day as a count; days are dated "
        "in UTC, which GitHub does not document, so stars near midnight may fall a day (and at "
        "a month's end, a month) off.",
        "Stars measure attention on GitHub, not use: a launch, a rename or a move of "
        "development elsewhere (MindSpore develops mainly on Gitee) shapes them.",
        "One or a few repositories stand for each framework; a series is keyed by the "
        "repository's id, so a rename keeps one series.",
        "The total is today's count; the monthly numbers since the first month asked add up to "
        "it only when the repository has no stars from before that month.",
        "Anonymous requests get 60 an hour; set GITHUB_TOKEN for 5000, or a full history run "
        "waits for the limit to reset.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        seen: set[tuple[str, int]] = set()  # (framework, repository id): old and new names
        for target in ctx.targets:
            for name in target["github"]:
                work = partial(self._repository, ctx, target.framework, name, seen)
                yield from ctx.guarded(name, work)

    def _repository(
        self, ctx: SignalContext, framework: str, name: str, seen: set[tuple[str, int]]
    ) -> Iterator[Batch]:
        fetched = ctx.fetch(repository_url(name))
        repo = read_repository(fetched)
        if (framework, repo.id) in seen:
            return
        seen.add((framework, repo.id))
        total = Value(framework, str(repo.id), TOTAL, ctx.today.isoformat(), repo.stars)
        yield Batch((fetched,), (total,))
        yield from newest_first(self._history(ctx, framework, repo))

    def _history(self, ctx: SignalContext, framework: str, repo: Repository) -> Iterator[Batch]:
        series = str(repo.id)
        first = ctx.start(framework, series, STARS)
        tally = _Tally(months_between(first, ctx.this_month))
        url: str | None = history_url(repo.full_name)
        asked: set[str] = set()
        while url is not None:
            if url in asked:
                raise SignalError(url, 'Link rel="next" leads back to a page already read')
            asked.add(url)
            page = ctx.fetch(url)
            weeks = read_weeks(page)
            if not weeks and len(asked) == 1 and repo.stars:
                raise SignalError(url, f"no weeks, though the repository has {repo.stars} stars")
            tally.add(page, weeks)
            oldest = min((week.start for week in weeks), default=None)
            url = next_link(page.headers)
            if url is None or oldest is None or oldest <= _first_day(first):
                url, since = None, first  # nothing older, or nothing older wanted
            else:
                since = first_whole_month(oldest)
            months, requests = tally.take(since, page)
            if months:
                values = tuple(
                    Value(framework, series, STARS, m, tally.stars[m], ctx.complete(m))
                    for m in months
                )
                yield Batch(requests, values)


SIGNAL = GitHubStarsSignal()

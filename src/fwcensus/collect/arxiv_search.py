"""Find a venue paper's arXiv preprint by asking arXiv's export API for its title.

Venue listings (CVF, PMLR, NeurIPS, ACL…) often give no arXiv id, so a venue paper and its
preprint were linked only when both had been collected. This module asks arXiv itself, one
title at a time, and stores what it found on the paper, so the next ``link_works`` links it by
``arxiv-id``.

API facts it relies on (arXiv API user manual, "Details of Query Construction"; recorded answers
in shared/fixtures-real/arxiv/):

- ``https://export.arxiv.org/api/query?search_query=ti:%22WORDS%22&start=0&max_results=5``
  searches titles for a phrase: a phrase is quoted with double quotes (``%22``), its words are
  joined with ``+``, and the search ignores case. Results come by relevance, so a title asked
  word for word has its paper among the first five.
- Characters of a raw title break the query: ``"`` ends the phrase, ``:`` starts a field,
  ``( )`` group, upper-case ``AND``/``OR``/``ANDNOT`` are operators, and the search engine reads a
  hyphen as NOT (arXiv/arxiv-search#322). The phrase is therefore the normalised title
  (``identity.normalise_title``): lower-case ASCII words, accents folded, punctuation dropped.
- The answer is the Atom feed an id lookup gets (``arxiv.parse_feed``); a request arXiv refuses
  is HTTP 400 with one error entry explaining it.
- arXiv allows one request every 3 s; the HTTP client paces export.arxiv.org at the rate the
  arXiv source declares (``sources.arxiv.HOSTS``), so this module never waits itself.

Why a hit must match strictly: the id found is taken as the paper's own, so ``link_works`` makes
the venue paper and that preprint one work, "All venues" counts them once, and a framework named
in either counts for both. A wrong match silently merges two different works; a miss only leaves
a work counted as it was before this lookup existed. So a hit is accepted only when its
normalised title equals the paper's AND its first author's surname equals the paper's first
author's (``identity.surname``); two different ids passing both (a paper posted twice) are no
answer either. Titles too short to tell papers apart (``identity.MIN_TITLE_WORDS``) and papers
without authors are not asked.

Each paper's latest answer is stored with its request and body (found | none | failed). Found
and none are not asked again, none only after ``RETRY_DAYS`` (a preprint may be posted after the
venue); failed ones are asked again on the next run. A run stops after ``FAILURES_IN_A_ROW``
failures in a row (arXiv down or refusing us) and leaves the rest for a later run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from urllib.parse import quote_plus

from fwcensus.collect.identity import MIN_TITLE_WORDS, normalise_title, surname
from fwcensus.fetch.client import FetchError, HttpClient, read_all
from fwcensus.models import IdentityRow, Paper, Selection
from fwcensus.progress import progress_bar
from fwcensus.sources.arxiv import EXPORT_API, parse_feed
from fwcensus.sources.base import ListingError
from fwcensus.store import Store

RULE = "arxiv-search"
SEARCH_RESULTS = 5
RETRY_DAYS = 90
FAILURES_IN_A_ROW = 5
# arXiv explains a refused request in an error feed sent with HTTP 400.
ERROR_STATUSES = frozenset({400})


class LookupStatus(StrEnum):
    FOUND = "found"
    NONE = "none"  # asked; no entry, or no single entry, matches title and first author
    FAILED = "failed"  # no usable answer (transport error, error feed, not a feed)


@dataclass(frozen=True)
class LookupSummary:
    asked: int
    found: int
    none: int
    failed: int
    unsearchable: int  # title too short or no author: not asked
    left: int  # not asked because the run stopped after failures in a row


@dataclass(frozen=True)
class _Answer:
    status: LookupStatus
    arxiv_id: str | None = None
    body: bytes | None = None
    detail: str | None = None


def search_url(title: str) -> str:
    """The export-API request for a title phrase (see the module docstring for its form)."""
    phrase = quote_plus(f'"{normalise_title(title)}"')
    return f"{EXPORT_API}?search_query=ti:{phrase}&start=0&max_results={SEARCH_RESULTS}"


def searchable(row: IdentityRow) -> bool:
    return bool(row.first_author) and len(normalise_title(row.title).split()) >= MIN_TITLE_WORDS


def matching_ids(row: IdentityRow, entries: Iterable[Paper]) -> list[str]:
    """The arXiv ids of entries with the paper's normalised title and first-author surname."""
    title, author = normalise_title(row.title), surname(row.first_author or "")
    return list(
        dict.fromkeys(
            entry.arxiv_id
            for entry in entries
            if entry.arxiv_id
            and entry.authors
            and normalise_title(entry.title) == title
            and surname(entry.authors[0]) == author
        )
    )


def lookup_arxiv_ids(
    store: Store,
    client: HttpClient,
    selection: Selection,
    retry_days: int = RETRY_DAYS,
    today: date | None = None,
) -> LookupSummary:
    """Ask arXiv for the selected venue papers that have no arXiv id and are due (never asked,
    failed before, or unmatched ``retry_days`` ago); store every answer as it comes."""
    cutoff = (today or date.today()) - timedelta(days=retry_days)
    jobs = store.identity.arxiv_lookup_jobs(selection, cutoff.isoformat())
    rows = [row for row in jobs if searchable(row)]
    counts: Counter[LookupStatus] = Counter()
    failures = 0
    with progress_bar("arxiv search", total=len(rows), unit="papers") as advance:
        for row in rows:
            if failures >= FAILURES_IN_A_ROW:
                break
            url = search_url(row.title)
            answer = _ask(client, url, row)
            found = (answer.arxiv_id, RULE) if answer.arxiv_id else None
            store.identity.save_arxiv_lookup(
                row.paper_id, url, answer.status, found=found, body=answer.body,
                detail=answer.detail,
            )  # fmt: skip
            counts[answer.status] += 1
            failures = failures + 1 if answer.status == LookupStatus.FAILED else 0
            advance(f"{answer.status}: {row.title}")
    asked = sum(counts.values())
    return LookupSummary(
        asked=asked,
        found=counts[LookupStatus.FOUND],
        none=counts[LookupStatus.NONE],
        failed=counts[LookupStatus.FAILED],
        unsearchable=len(jobs) - len(rows),
        left=len(rows) - asked,
    )


def _ask(client: HttpClient, url: str, row: IdentityRow) -> _Answer:
    try:
        response = client.request(url, read_all, accept=ERROR_STATUSES)
    except FetchError as exc:
        return _Answer(LookupStatus.FAILED, detail=str(exc))
    try:
        page = parse_feed(response.body, response.final_url)
    except ListingError as exc:
        return _Answer(LookupStatus.FAILED, body=response.body, detail=str(exc))
    if response.status in ERROR_STATUSES:
        problem = f"{url}: HTTP {response.status} with a feed that names no error"
        return _Answer(LookupStatus.FAILED, body=response.body, detail=problem)
    ids = matching_ids(row, page.papers)
    if len(ids) == 1:
        return _Answer(LookupStatus.FOUND, arxiv_id=ids[0], body=response.body)
    detail = f"{len(ids)} entries match title and first author: {', '.join(ids)}" if ids else None
    return _Answer(LookupStatus.NONE, body=response.body, detail=detail)

"""The collect stage: walk a source's listing pages and store the papers they list."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from fwcensus.fetch.client import FetchError, HttpClient
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingRequest, Source
from fwcensus.sources.registry import source_for
from fwcensus.store import Store


class CollectError(Exception):
    """A venue-year whose listing could not be read; one line, naming the URL."""


@dataclass(frozen=True)
class CollectSummary:
    venue: str
    year: int
    pages: int
    papers: int
    new: int
    updated: int


def collect(store: Store, client: HttpClient, venue: str, year: int) -> CollectSummary:
    """Fetch and parse every listing page of one venue-year, then store its papers.

    A listing that yields no paper is an error, never an empty success: a site whose layout
    changed must be noticed, not counted as a venue without papers.
    """
    source = source_for(venue)
    queue = deque(source.start_requests(venue, year))
    seen: set[str] = set()
    papers: dict[str, Paper] = {}
    listing_of: dict[str, str] = {}
    while queue:
        request = queue.popleft()
        if request.url in seen:
            continue
        seen.add(request.url)
        page_papers, follow = _read_page(store, client, source, request)
        for paper in page_papers:
            papers.setdefault(paper.source_id, paper)
            listing_of.setdefault(paper.source_id, request.url)
        queue.extend(follow)
    if not papers:
        raise CollectError(f"{venue} {year}: the listing pages {sorted(seen)} list no paper")
    new = updated = 0
    for url in dict.fromkeys(listing_of.values()):
        counts = store.upsert_papers(
            (p for key, p in papers.items() if listing_of[key] == url), listing_url=url
        )
        new += counts.new
        updated += counts.updated
    return CollectSummary(venue, year, len(seen), len(papers), new, updated)


def _read_page(
    store: Store, client: HttpClient, source: Source, request: ListingRequest
) -> tuple[tuple[Paper, ...], tuple[ListingRequest, ...]]:
    try:
        response = client.get(request.url)
    except FetchError as exc:
        raise CollectError(f"listing {exc.url}: {exc.reason}") from exc
    try:
        page = source.parse(request, response.body, response.final_url)
    except ListingError as exc:
        raise CollectError(f"listing {exc}") from exc
    sha = store.blobs.put_bytes(response.body)  # the page as read: provenance of every paper
    store.record_listing(
        request.url, source.name, request.venue, request.year, sha, len(page.papers)
    )
    return page.papers, page.follow

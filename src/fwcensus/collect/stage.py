"""The collect stage: walk a source's listing pages and store the papers they list."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from fwcensus.errors import CollectError
from fwcensus.fetch.client import FetchError, HttpClient
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, Source
from fwcensus.sources.registry import source_for
from fwcensus.store import Store


@dataclass(frozen=True)
class CollectSummary:
    venue: str
    year: int
    pages: int
    papers: int
    new: int
    updated: int
    duplicates: int  # entries listed more than once (kept once)
    without_pdf: int  # entries kept and marked: the listing gives no PDF


@dataclass
class _Chain:
    """What collect has seen of one paginated query."""

    ids: set[str] = field(default_factory=set)
    total: int | None = None
    first_url: str = ""


def collect(
    store: Store, client: HttpClient, venue: str, year: int, source: Source | None = None
) -> CollectSummary:
    """Fetch and parse every listing page of one venue-year, then store its papers.

    A listing that yields no paper is an error, never an empty success: a site whose layout
    changed must be noticed, not counted as a venue without papers. So is a paginated query
    that repeats a page or ends before the total it announced.
    """
    source = source or source_for(venue, year)
    queue = deque(source.start_requests(venue, year))
    seen: set[str] = set()
    chains: dict[str, _Chain] = {}
    papers: dict[str, Paper] = {}
    listing_of: dict[str, str] = {}
    pdfs: set[str] = set()
    duplicates = 0
    while queue:
        request = queue.popleft()
        if request.url in seen:
            continue
        seen.add(request.url)
        page = _read_page(store, client, source, request)
        _check_chain(chains.setdefault(request.chain, _Chain(first_url=request.url)), request, page)
        for paper in page.papers:
            # Twin entries (same key, or same PDF under two ids) are one paper listed twice.
            if paper.source_id in papers or paper.pdf_url in pdfs:
                duplicates += 1
                continue
            papers[paper.source_id] = paper
            if paper.pdf_url:
                pdfs.add(paper.pdf_url)
            listing_of[paper.source_id] = request.url
        queue.extend(page.follow)
    for name, chain in chains.items():
        if chain.total is not None and len(chain.ids) < chain.total:
            raise CollectError(
                f"listing {chain.first_url}: stopped early, {len(chain.ids)} of the"
                f" {chain.total} records it announced{f' ({name})' if name else ''}"
            )
    if not papers:
        raise CollectError(f"{venue} {year}: the listing pages {sorted(seen)} list no paper")
    new = updated = 0
    for url in dict.fromkeys(listing_of.values()):
        counts = store.papers.upsert(
            (p for key, p in papers.items() if listing_of[key] == url), listing_url=url
        )
        new += counts.new
        updated += counts.updated
    return CollectSummary(
        venue,
        year,
        pages=len(seen),
        papers=len(papers),
        new=new,
        updated=updated,
        duplicates=duplicates,
        without_pdf=sum(p.pdf_url is None for p in papers.values()),
    )


def _check_chain(chain: _Chain, request: ListingRequest, page: ListingPage) -> None:
    if page.total is not None:
        chain.total = page.total
    if not page.record_ids:
        return
    fresh = set(page.record_ids) - chain.ids
    if not fresh:
        raise CollectError(f"listing {request.url}: repeats an earlier page of the same query")
    chain.ids |= fresh


def _read_page(
    store: Store, client: HttpClient, source: Source, request: ListingRequest
) -> ListingPage:
    try:
        response = client.get(request.url)
    except FetchError as exc:
        raise CollectError(f"listing {exc.url}: {exc.reason}") from exc
    try:
        page = source.parse(request, response.body, response.final_url)
    except ListingError as exc:
        raise CollectError(f"listing {exc}") from exc
    sha = store.blobs.put_bytes(response.body)  # the page as read: provenance of every paper
    store.papers.record_listing(
        request.url, source.name, request.venue, request.year, sha, len(page.papers)
    )
    return page

"""What every source module provides: requests to make and a parser for their responses.

Sources never touch the network (as Scrapy spiders, they only turn pages into records); the
collect stage fetches what they ask for and hands them the bodies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from fwcensus.errors import ListingError as ListingError  # a source takes all it needs from here
from fwcensus.hosts import Host
from fwcensus.models import Paper


@dataclass(frozen=True)
class ListingRequest:
    url: str
    venue: str
    year: int
    # Pages of one paginated query share a chain; collect checks each chain for repeated
    # pages and, when the source states a total, for a query that stopped early.
    chain: str = ""
    # Whatever the parser needs to read the answer (offset, track, volume…), as Scrapy's meta.
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ListingPage:
    papers: tuple[Paper, ...]
    follow: tuple[ListingRequest, ...] = ()
    # Ids of every record on the page, accepted or not (notes, arXiv entries, XML papers), and
    # the total the source says its query has: used to prove pagination complete.
    record_ids: tuple[str, ...] = ()
    total: int | None = None


class Source(Protocol):
    name: str
    # False for sources too large to take unasked (arXiv): `--venue all` leaves them out.
    in_all: bool

    @property
    def hosts(self) -> tuple[Host, ...]:
        """Every host its requests and PDFs go to, with what it publishes (an API, a budget);
        read-only, so a source may declare a tuple of any length."""
        ...

    def venue_years(self) -> Mapping[str, tuple[int, ...]]:
        """Venue -> years this source lists; the registry asks sources in priority order."""
        ...

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]: ...

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage: ...

    def official_url(self, venue: str, year: int) -> str:
        """The human-facing page of the venue-year's proceedings, for `fwcensus venues`."""
        ...


_STRAY = re.compile("[\udc80-\udcff]+")


def decode_text(body: bytes) -> str:
    """The body as text: UTF-8, with each stray byte that is not UTF-8 read as Windows-1252.

    Listings are UTF-8 but hand-edited ones carry the odd Latin-1/Windows-1252 byte (an "é"
    pasted from an old file). Read byte by byte so one such byte costs one character, instead
    of a parser guessing a legacy encoding for the whole page and garbling every name.
    """
    text = body.decode("utf-8-sig", errors="surrogateescape")
    return _STRAY.sub(
        lambda m: bytes(ord(c) - 0xDC00 for c in m.group()).decode("cp1252", errors="replace"),
        text,
    )

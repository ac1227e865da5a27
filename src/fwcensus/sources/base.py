"""What every source module provides: requests to make and a parser for their responses.

Sources never touch the network (as Scrapy spiders, they only turn pages into records); the
collect stage fetches what they ask for and hands them the bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fwcensus.models import Paper


class ListingError(Exception):
    """A listing page that does not have the structure its parser knows."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


@dataclass(frozen=True)
class ListingRequest:
    url: str
    venue: str
    year: int


@dataclass(frozen=True)
class ListingPage:
    papers: tuple[Paper, ...]
    follow: tuple[ListingRequest, ...] = ()


class Source(Protocol):
    name: str

    def venue_years(self) -> dict[str, tuple[int, ...]]: ...

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]: ...

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage: ...

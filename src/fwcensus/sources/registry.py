"""Which source lists which venue-year.

A venue can move between sources over the years (ECCV 2018 is on CVF Open Access, later years
on ecva.net), so the registry maps venue-years, asking the sources in priority order.
"""

from __future__ import annotations

from dataclasses import dataclass

from fwcensus.errors import ConfigError
from fwcensus.sources.acl_anthology import AclAnthologySource
from fwcensus.sources.arxiv import ArxivSource
from fwcensus.sources.base import Source
from fwcensus.sources.cvf import CvfSource
from fwcensus.sources.ecva import EcvaSource
from fwcensus.sources.neurips import NeuripsSource
from fwcensus.sources.openreview import OpenReviewSource
from fwcensus.sources.pmlr import PmlrSource

# Priority order: the first source that lists a venue-year is the one collected (ECCV 2018 is
# on both CVF and ecva.net; CVF has the proceedings' own PDFs and comes first).
SOURCES: tuple[Source, ...] = (
    CvfSource(),
    EcvaSource(),
    PmlrSource(),
    NeuripsSource(),
    OpenReviewSource(),  # after the proceedings: preferred only where no proceedings exist
    AclAnthologySource(),
    ArxivSource(),
)
ALL = "all"


@dataclass(frozen=True)
class VenueYear:
    venue: str
    year: int
    source: Source
    urls: tuple[str, ...]
    official_url: str


def _table() -> dict[tuple[str, int], Source]:
    table: dict[tuple[str, int], Source] = {}
    for source in SOURCES:
        for venue, years in source.venue_years().items():
            for year in years:
                table.setdefault((venue, year), source)
    return table


def known_venues() -> list[str]:
    return sorted({venue for venue, _ in _table()})


def source_for(venue: str, year: int) -> Source:
    source = _table().get((venue, year))
    if source is None:
        raise ConfigError(f"no source lists {venue} {year}; see `fwcensus venues`")
    return source


def canonical_venue(name: str) -> str:
    """Venue names are matched case-insensitively: ``cvpr`` is ``CVPR``; ``all`` stays."""
    if name.lower() == ALL:
        return ALL
    for venue in known_venues():
        if venue.lower() == name.lower():
            return venue
    raise ConfigError(f"unknown venue {name!r}; supported: {', '.join(known_venues())}, all")


def venue_years(
    venues: tuple[str, ...] = (), years: tuple[int, ...] = (), named_only_too: bool = False
) -> list[VenueYear]:
    """Every supported venue-year matching the filters. No venue filter, or ``all``, means every
    venue of the sources taken by default (arXiv is only taken when named), or truly every one
    with ``named_only_too`` (for listing what is supported)."""
    every_venue = not venues or ALL in venues
    out = []
    for (venue, year), source in sorted(_table().items()):
        wanted = venue in venues or (every_venue and (source.in_all or named_only_too))
        if wanted and (not years or year in years):
            urls = tuple(r.url for r in source.start_requests(venue, year))
            out.append(VenueYear(venue, year, source, urls, source.official_url(venue, year)))
    return out

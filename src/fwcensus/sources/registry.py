"""Which source lists which venue-year."""

from __future__ import annotations

from dataclasses import dataclass

from fwcensus.sources.base import Source
from fwcensus.sources.cvf import CvfSource

SOURCES: tuple[Source, ...] = (CvfSource(),)


@dataclass(frozen=True)
class VenueYear:
    venue: str
    year: int
    source: Source
    urls: tuple[str, ...]


def source_for(venue: str) -> Source:
    for source in SOURCES:
        if venue in source.venue_years():
            return source
    known = ", ".join(sorted(v for s in SOURCES for v in s.venue_years()))
    raise ValueError(f"unknown venue {venue!r}; supported: {known}")


def canonical_venue(name: str) -> str:
    """Venue names are matched case-insensitively: ``cvpr`` is ``CVPR``."""
    for source in SOURCES:
        for venue in source.venue_years():
            if venue.lower() == name.lower():
                return venue
    source_for(name)  # raises with the list of supported venues
    return name


def venue_years(venues: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> list[VenueYear]:
    """Every supported venue-year matching the filters (empty filter = all)."""
    out = []
    for source in SOURCES:
        for venue, supported in source.venue_years().items():
            if venues and venue not in venues:
                continue
            for year in supported:
                if years and year not in years:
                    continue
                urls = tuple(r.url for r in source.start_requests(venue, year))
                out.append(VenueYear(venue, year, source, urls))
    return out

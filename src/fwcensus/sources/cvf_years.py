"""Where CVF Open Access lists each CVPR/ICCV year.

The site changed layout twice, so the listing URL depends on the year:
- up to 2017 one page per conference (``/CVPR2017``) holds every paper;
- 2018-2020 the papers are split over one page per conference day (``/CVPR2019?day=2019-06-18``);
- from 2021 one page ``/CVPR2021?day=all`` holds every paper.
The day lists are the conference days as the site's own landing pages link them.
"""

from __future__ import annotations

BASE_URL = "https://openaccess.thecvf.com"

# CVPR is held every year; ICCV in odd years. CVF Open Access starts with 2013.
VENUE_YEARS: dict[str, tuple[int, ...]] = {
    "CVPR": tuple(range(2013, 2026)),
    "ICCV": (2013, 2015, 2017, 2019, 2021, 2023, 2025),
}

CONFERENCE_DAYS: dict[tuple[str, int], tuple[str, ...]] = {
    ("CVPR", 2018): ("2018-06-19", "2018-06-20", "2018-06-21"),
    ("CVPR", 2019): ("2019-06-18", "2019-06-19", "2019-06-20"),
    ("CVPR", 2020): ("2020-06-16", "2020-06-17", "2020-06-18"),
    ("ICCV", 2019): ("2019-10-29", "2019-10-30", "2019-10-31", "2019-11-01"),
}


def listing_urls(venue: str, year: int) -> list[str]:
    """The real listing page URLs of one venue-year, in page order."""
    if year not in VENUE_YEARS.get(venue, ()):
        raise ValueError(f"CVF Open Access has no {venue} {year}")
    landing = f"{BASE_URL}/{venue}{year}"
    if year >= 2021:
        return [f"{landing}?day=all"]
    days = CONFERENCE_DAYS.get((venue, year))
    if days:
        return [f"{landing}?day={day}" for day in days]
    return [landing]

"""Where CVF Open Access lists each CVPR/ICCV/WACV year, and ECCV 2018.

The site changed layout twice, so the listing URL depends on the venue and year:
- up to 2017 one page per conference (``/CVPR2017``) holds every paper;
- 2018-2020 CVPR and ICCV 2019 are split over one page per conference day
  (``/CVPR2019?day=2019-06-18``); ECCV 2018 and WACV 2020 stayed on one page (``/ECCV2018``);
- from 2021 one page ``/CVPR2021?day=all`` holds every paper. WACV kept its single landing
  page listing every paper (``/WACV2024``) until 2024 and moved to ``?day=all`` with 2025.
The day lists are the conference days as the site's own landing pages link them.
"""

from __future__ import annotations

BASE_URL = "https://openaccess.thecvf.com"

# CVPR is held every year; ICCV in odd years. CVF Open Access starts with 2013. ECCV is on it
# for 2018 only (earlier years are Springer LNCS only, later ones on ecva.net); WACV joined with
# 2020 (earlier years are IEEE Xplore only).
VENUE_YEARS: dict[str, tuple[int, ...]] = {
    "CVPR": tuple(range(2013, 2026)),
    "ICCV": (2013, 2015, 2017, 2019, 2021, 2023, 2025),
    "ECCV": (2018,),
    "WACV": tuple(range(2020, 2027)),
}

# The first year whose papers are all on ``?day=all``; ECCV 2018 predates it.
DAY_ALL_FROM: dict[str, int] = {"CVPR": 2021, "ICCV": 2021, "WACV": 2025}

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
    day_all_from = DAY_ALL_FROM.get(venue)
    if day_all_from is not None and year >= day_all_from:
        return [f"{landing}?day=all"]
    days = CONFERENCE_DAYS.get((venue, year))
    if days:
        return [f"{landing}?day={day}" for day in days]
    return [landing]

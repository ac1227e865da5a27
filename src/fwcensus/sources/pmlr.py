"""PMLR (proceedings.mlr.press): ICML, AISTATS, COLT and CoRL, one volume page per venue-year.

PMLR publishes each proceedings as a numbered volume whose page ``/v{N}/`` lists every paper in
one HTML document (no pagination): ``div.paper`` holding ``p.title``, ``p.details >
span.authors`` (names joined by ``,&nbsp;``) and ``p.links`` with ``[abs]``, ``[Download PDF]``
(``[pdf]`` on the 2017 render) and extra links (supplement, ``Code``/``Software``, OpenReview).
Volumes split in sections (ICML 2013-14 review cycles, COLT prefaces and open problems, CoRL
orals and posters) put an ``h3`` before each section's papers.

The volume page is read rather than the volume's GitHub repository (``mlresearch/v{N}``,
``_posts/*.md``): the page is the official, human-facing proceedings and is built from exactly
those posts, and it costs one request per venue-year where the repository (PDFs committed, over
a gigabyte) or its posts (one request per paper) cost hundreds.

PDF links are taken exactly as the page gives them, because their shape changed over the years
and even within a volume: ``/v37/ganin15.pdf`` up to 2015, ``/v97/{id}/{id}.pdf`` from 2016,
``/v235/assets/{id}/{id}.pdf`` for some 2024 papers, and ``raw.githubusercontent.com/mlresearch/
v267/main/assets/{id}/{id}.pdf`` in 2025 volumes. Only the scheme of proceedings.mlr.press links
is normalised to https: older renders say http, and the site answers https for both.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text
from fwcensus.sources.cvf import ARXIV_ABS

BASE_URL = "https://proceedings.mlr.press"
HOST = "proceedings.mlr.press"

# Venue -> year -> PMLR volume. Each checked against the volume's own ``_config.yml``
# (booktitle, shortname, year) in github.com/mlresearch/v{N}, or, where the index holds no copy
# (v78, v195, v229), against posts and citations naming "PMLR {N}" with the venue's booktitle.
# ICML 2013 (v28) and 2014 (v32) were published in review cycles, all in the one volume page.
# ICML 2020 appeared first on proceedings.icml.cc (the 2019 study's source); its archival
# proceedings are PMLR volume 119 (21 November 2020), the one collected here.
# Not on PMLR's numbered volumes: ICML up to 2012 (JMLR W&CP carried ICML from 2013, v28),
# AISTATS 2008 (v3 and v4 of that year are other workshops), COLT up to 2010, AISTATS up to 2005
# (republished as PMLR reissues, /r5/ and before, left out: the census starts long after them).
VOLUMES: dict[str, dict[int, int]] = {
    "ICML": {
        2013: 28, 2014: 32, 2015: 37, 2016: 48, 2017: 70, 2018: 80, 2019: 97, 2020: 119,
        2021: 139, 2022: 162, 2023: 202, 2024: 235, 2025: 267,
    },
    "AISTATS": {
        2007: 2, 2009: 5, 2010: 9, 2011: 15, 2012: 22, 2013: 31, 2014: 33, 2015: 38, 2016: 51,
        2017: 54, 2018: 84, 2019: 89, 2020: 108, 2021: 130, 2022: 151, 2023: 206, 2024: 238,
        2025: 258,
    },
    "COLT": {
        2011: 19, 2012: 23, 2013: 30, 2014: 35, 2015: 40, 2016: 49, 2017: 65, 2018: 75, 2019: 99,
        2020: 125, 2021: 134, 2022: 178, 2023: 195, 2024: 247, 2025: 291,
    },
    "CoRL": {
        2017: 78, 2018: 87, 2019: 100, 2020: 155, 2021: 164, 2022: 205, 2023: 229, 2024: 270,
        2025: 305,
    },
}  # fmt: skip

PDF_LABELS = frozenset({"download pdf", "pdf"})  # "pdf" on the 2017 render
CODE_LABELS = frozenset({"code", "software", "source code"})
ABS_PATH = re.compile(r"^/(v\d+)/([^/]+)\.html$")
VOLUME_HEADING = re.compile(r"\bVolume\s+(\d+)\s*:")
DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$")
PREFACE_TITLE = re.compile(r"^\s*preface\b|\bpreface\s*$", re.IGNORECASE)
# Section titles that say how papers were presented (CoRL 2022 on: "Oral", "Poster").
PRESENTATIONS = {
    "oral": "oral", "orals": "oral", "spotlight": "spotlight", "spotlights": "spotlight",
    "poster": "poster", "posters": "poster",
}  # fmt: skip


def volume_of(venue: str, year: int) -> int:
    volume = VOLUMES.get(venue, {}).get(year)
    if volume is None:
        raise ValueError(f"PMLR has no {venue} {year} volume")
    return volume


def volume_url(venue: str, year: int) -> str:
    return f"{BASE_URL}/v{volume_of(venue, year)}/"


class PmlrSource:
    name = "pmlr"
    hosts = (Host(urlsplit(BASE_URL).netloc),)
    in_all = True

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return {venue: tuple(sorted(years)) for venue, years in VOLUMES.items()}

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        return [ListingRequest(volume_url(venue, year), venue, year)]

    def official_url(self, venue: str, year: int) -> str:
        return volume_url(venue, year)

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        soup = BeautifulSoup(decode_text(body), "html.parser")
        _check_volume(soup, volume_of(request.venue, request.year), final_url)
        entries = _entries(soup)
        if not entries:
            raise ListingError(final_url, "no <div class=paper> entries: not a PMLR volume page")
        papers = tuple(
            _paper(request, final_url, div, section, index)
            for index, (div, section) in enumerate(entries, 1)
        )
        if all(paper.pdf_url is None for paper in papers):
            raise ListingError(final_url, "no paper entry has a [Download PDF] link")
        return ListingPage(papers=papers)


def _check_volume(soup: BeautifulSoup, volume: int, url: str) -> None:
    """A volume page names its volume in its heading; another volume's page must not pass."""
    for heading in soup.find_all("h2"):
        match = VOLUME_HEADING.search(heading.get_text(" "))
        if match and int(match.group(1)) != volume:
            raise ListingError(url, f"the page is Volume {match.group(1)}, not Volume {volume}")


def _entries(soup: BeautifulSoup) -> list[tuple[Tag, str | None]]:
    """Each ``div.paper`` in page order, with the title of the section ``h3`` before it.

    Only a heading beside the entries (same parent) opens a section, so a volume without
    sections gets none from headings elsewhere on the page. One pass: volumes run to thousands.
    """
    sections: dict[int, str] = {}
    entries = []
    for tag in soup.find_all(["h3", "div"]):
        if tag.name == "h3":
            sections[id(tag.parent)] = _text(tag)
        elif "paper" in tag.get_attribute_list("class"):
            entries.append((tag, sections.get(id(tag.parent))))
    return entries


def _paper(request: ListingRequest, base: str, div: Tag, section: str | None, index: int) -> Paper:
    title_tag = div.find("p", class_="title")
    title = _text(title_tag) if isinstance(title_tag, Tag) else ""
    if not title:
        raise ListingError(base, f"paper entry {index} has no <p class=title>")
    authors_tag = div.find("span", class_="authors")
    if not isinstance(authors_tag, Tag):
        raise ListingError(base, f"paper entry {index} ({title!r}) has no <span class=authors>")
    links = _links(base, div)
    page_url = _first(links, "abs")
    key = ABS_PATH.match(urlsplit(page_url).path) if page_url else None
    if page_url is None or key is None:
        raise ListingError(base, f"paper entry {index} ({title!r}) has no [abs] link to its page")
    track, presentation = _placement(section, title)
    return Paper(
        source="pmlr",
        source_id=f"{key.group(1)}/{key.group(2)}",
        venue=request.venue,
        year=request.year,
        title=title,
        authors=_authors(authors_tag),
        pdf_url=_first(links, "pdf"),
        page_url=page_url,
        arxiv_id=_first_match(ARXIV_ABS, _first(links, "arxiv")),
        doi=_first_match(DOI_LINK, _first(links, "doi")),
        track=track,
        presentation=presentation,
        code_urls=tuple(dict.fromkeys(links.get("code", ()))),
    )


def _links(base: str, div: Tag) -> dict[str, list[str]]:
    """The entry's link URLs by role (abs, pdf, code, arxiv, doi), in page order."""
    links: dict[str, list[str]] = {}
    box = div.find("p", class_="links")
    if not isinstance(box, Tag):
        return links
    for anchor in box.find_all("a", href=True):
        url = _normalise(urljoin(base, str(anchor["href"]).strip()))
        role = _role(_text(anchor).lower(), url)
        if role:
            links.setdefault(role, []).append(url)
    return links


def _first(links: dict[str, list[str]], role: str) -> str | None:
    return links[role][0] if role in links else None


def _role(label: str, url: str) -> str | None:
    # arXiv and DOI links are known by where they point, whatever the theme calls them.
    if ARXIV_ABS.search(url):
        return "arxiv"
    if DOI_LINK.match(url):
        return "doi"
    if label == "abs":
        return "abs"
    if label in PDF_LABELS:
        return "pdf"
    if label in CODE_LABELS:
        return "code"
    return None


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.netloc == HOST:
        return urlunsplit(parts._replace(scheme="https"))
    return url


def _authors(tag: Tag) -> tuple[str, ...]:
    names = (" ".join(name.split()) for name in tag.get_text().split(","))
    return tuple(name for name in names if name)


def _placement(section: str | None, title: str) -> tuple[str, str | None]:
    """(track, presentation): prefaces and COLT open problems are counted apart from papers."""
    name = (section or "").lower()
    if "preface" in name or PREFACE_TITLE.search(title):
        return "front-matter", None
    if "open problem" in name:
        return "open-problems", None
    return "main", PRESENTATIONS.get(name)


def _first_match(pattern: re.Pattern[str], url: str | None) -> str | None:
    match = pattern.search(url) if url else None
    return match.group(1) if match else None


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())

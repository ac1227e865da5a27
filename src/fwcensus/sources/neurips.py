"""NeurIPS proceedings (proceedings.neurips.cc, also served as papers.nips.cc): 1987 to 2025.

One page per year, ``/paper_files/paper/{YEAR}``, lists every paper as an ``<li>`` holding an
``<a title="paper title">`` link to the paper's abstract page
``/paper_files/paper/{YEAR}/hash/{HASH}-Abstract{-TRACK}.html``; the PDF sits beside it by rule,
``/file/{HASH}-Paper{-TRACK}.pdf``, so no request per paper is needed. The page has had two
renders, both accepted here: the current one (``span.paper-authors``, ``li[data-track]``, a
``span.paper-track-badge`` on years with tracks, a ``span.paper-count``) and the earlier one
(authors in ``<i>``, ``<li class="conference">`` or ``<li class="none">``), which the separate
2021 Datasets and Benchmarks host still serves. The URL's track token decides the track: none up
to 2021, ``Conference`` from 2022, ``Datasets_and_Benchmarks`` (2022-2023) and
``Datasets_and_Benchmarks_Track`` (2024+), ``round1``/``round2`` on the 2021 D&B host.
2025 is split: the year page lists the Creative AI track and names the main volume
(``/paper_files/paper/2025/vol38-main-conference``, main, D&B and position papers) under "See also".
"""

from __future__ import annotations

import html
import re
from hashlib import md5
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text

VENUE = "NeurIPS"
BASE_URL = "https://proceedings.neurips.cc"
# 2021's Datasets and Benchmarks papers have their own host (and their own paper numbering).
DB_2021_URL = "https://datasets-benchmarks-proceedings.neurips.cc/paper/2021"
YEARS = tuple(range(1987, 2026))
# Pages of a year besides /paper_files/paper/{YEAR}; "See also" links are followed as well, this
# list keeps a year whole when its year page stops naming them.
EXTRA_PAGES: dict[int, tuple[str, ...]] = {
    2021: (DB_2021_URL,),
    2025: (f"{BASE_URL}/paper_files/paper/2025/vol38-main-conference",),
}

ABSTRACT_PATH = re.compile(
    r"^(?P<dir>/paper_files/paper/\d{4})/hash/(?P<hash>[0-9a-f]{32})"
    r"-Abstract(?:-(?P<token>\w+))?\.html$"
)
VOLUME_PATH = re.compile(r"^/paper_files/paper/(?P<year>\d{4})/[\w-]+$")
PAPER_COUNT = re.compile(r"(\d+)\s+papers?\b")
TRACKS = {
    "Conference": "main",
    "Datasets_and_Benchmarks": "datasets-benchmarks",
    "Datasets_and_Benchmarks_Track": "datasets-benchmarks",
    "round1": "datasets-benchmarks",
    "round2": "datasets-benchmarks",
}
# The 2021 D&B host numbers each round apart from the main track, so equal hashes are different
# papers there: the round stays in the id.
SEPARATELY_NUMBERED = frozenset({"round1", "round2"})


class NeuripsSource:
    name = "neurips"
    hosts = (Host(urlsplit(BASE_URL).netloc), Host(urlsplit(DB_2021_URL).netloc))
    in_all = True

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return {VENUE: YEARS}

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        if venue != VENUE or year not in YEARS:
            raise ValueError(f"the NeurIPS proceedings have no {venue} {year}")
        urls = [self.official_url(venue, year), *EXTRA_PAGES.get(year, ())]
        return [ListingRequest(url, venue, year, chain=_chain(year)) for url in urls]

    def official_url(self, venue: str, year: int) -> str:
        return f"{BASE_URL}/paper_files/paper/{year}"

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        soup = BeautifulSoup(decode_text(body), "html.parser")
        links = soup.find_all("a", attrs={"title": "paper title"})
        if not links:
            raise ListingError(final_url, 'no paper entry: no <a title="paper title"> link')
        papers = tuple(
            _paper(request, final_url, link, index) for index, link in enumerate(links, 1)
        )
        if all(paper.pdf_url is None for paper in papers):
            raise ListingError(
                final_url, "no paper link has the form /paper_files/paper/YEAR/hash/HASH-Abstract"
            )
        _check_count(soup, final_url, len(papers))
        return ListingPage(
            papers=papers,
            follow=_volume_pages(request, soup, final_url),
            record_ids=tuple(paper.source_id for paper in papers),
        )


def pdf_url_for(abstract_url: str) -> str | None:
    """The PDF beside an abstract page (``hash``->``file``, ``Abstract``->``Paper``), or None."""
    parts = urlsplit(abstract_url)
    match = ABSTRACT_PATH.match(parts.path)
    if match is None:
        return None
    token = f"-{match['token']}" if match["token"] else ""
    path = f"{match['dir']}/file/{match['hash']}-Paper{token}.pdf"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def track_for(token: str | None) -> str:
    """Main, datasets-benchmarks, or a track of its own named after an unknown token.

    A new track is never counted as main: ``Position_Paper_Track`` becomes ``position-paper``.
    """
    if not token:
        return "main"  # no token: 1987-2021, one track
    if token in TRACKS:
        return TRACKS[token]
    return token.lower().removesuffix("_track").replace("_", "-")


def _paper(request: ListingRequest, base: str, link: Tag, index: int) -> Paper:
    title = _text(link)
    if not title:
        raise ListingError(base, f'paper entry {index} has an empty <a title="paper title">')
    entry = link.find_parent("li") or link.parent
    href = link.get("href")
    page_url = urljoin(base, str(href)) if href else None
    match = ABSTRACT_PATH.match(urlsplit(page_url).path) if page_url else None
    return Paper(
        source=NeuripsSource.name,
        source_id=_source_id(request.year, match, title),
        venue=request.venue,
        year=request.year,
        title=title,
        authors=_authors(entry) if isinstance(entry, Tag) else (),
        pdf_url=pdf_url_for(page_url) if page_url else None,
        page_url=page_url,
        track=track_for(match["token"] if match else None),
    )


def _source_id(year: int, match: re.Match[str] | None, title: str) -> str:
    """``{year}-{hash}``: the hash is md5 of the paper's number, which restarts every year."""
    if match is None:  # no abstract link to name the paper: its title has to
        return f"{year}-title-{md5(title.casefold().encode()).hexdigest()}"
    token = match["token"]
    suffix = f"-{token}" if token in SEPARATELY_NUMBERED else ""
    return f"{year}-{match['hash']}{suffix}"


def _authors(entry: Tag) -> tuple[str, ...]:
    # span.paper-authors on the current render; on the earlier one the <i> after the link (an
    # <i> inside the title link is the title's own italics)
    holder = entry.find("span", class_="paper-authors") or entry.find("i", recursive=False)
    if not isinstance(holder, Tag):
        return ()
    return tuple(name for name in (n.strip() for n in _text(holder).split(",")) if name)


def _check_count(soup: BeautifulSoup, url: str, listed: int) -> None:
    """A page that lists fewer papers than its own count says was cut short."""
    count = soup.find("span", class_="paper-count")
    match = PAPER_COUNT.search(count.get_text()) if isinstance(count, Tag) else None
    if match and listed < int(match.group(1)):
        raise ListingError(
            url, f"stops early: {listed} of the {match.group(1)} papers its paper-count announces"
        )


def _volume_pages(
    request: ListingRequest, soup: BeautifulSoup, base: str
) -> tuple[ListingRequest, ...]:
    """The year's other volume pages this page links ("See also"), on the same host."""
    host = urlsplit(base).netloc
    pages: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        parts = urlsplit(urljoin(base, str(anchor["href"])))
        match = VOLUME_PATH.match(parts.path)
        if parts.netloc == host and match and int(match["year"]) == request.year:
            pages[urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))] = None
    return tuple(
        ListingRequest(url, request.venue, request.year, chain=_chain(request.year))
        for url in pages
    )


def _chain(year: int) -> str:
    # All pages of a year form one query: a volume page that repeats another is caught.
    return f"{VENUE} {year}"


def _text(tag: Tag) -> str:
    # Some pages escape twice ("&amp;quot;"); the parser undoes one level, this the other.
    return html.unescape(" ".join(tag.get_text().split()))

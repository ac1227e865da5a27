"""ECVA (www.ecva.net): ECCV papers from 2018 on, all years on the one page ``/papers.php``.

The page holds one collapsible section per ECCV, newest first: a ``<!-- ECCV 2024 -->`` comment,
``<button class="accordion">ECCV 2024 Papers</button>`` and the ``div.accordion-content`` after
it, holding ``div#content > dl``. Each paper is a ``dt.ptitle`` whose title link has a relative
href (``papers/eccv_2024/papers_ECCV/html/4_ECCV_2024_paper.php``, unquoted from 2020), a ``dd``
of authors as plain text, and a ``dd`` of links: ``[pdf]``, the supplementary material and the
Springer chapter (the DOI). Authors read "Last, First and Last, First" in 2018 and "First Last,
First Last" later, corresponding authors starred in 2024.

ECCV 2018 is also on CVF Open Access, whose PDFs the 2019 study used: the registry should ask
sources/cvf.py first. ECCV up to 2016 was published only in Springer LNCS: no open listing.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text
from fwcensus.sources.markup import element_text, next_dd

PAPERS_URL = "https://www.ecva.net/papers.php"
VENUE_YEARS: dict[str, tuple[int, ...]] = {"ECCV": (2018, 2020, 2022, 2024)}
# The last year whose authors are written "Last, First and Last, First".
BIBTEX_AUTHORS_UNTIL = 2018

SECTION_YEAR = re.compile(r"\bECCV\s+(\d{4})\b")
SPRINGER_DOI = re.compile(r"(?:link\.springer\.com/chapter|doi\.org)/(10\.\d{4,}/[^?#\s]+)")
# Corresponding-author stars and affiliation superscripts that some years put after a name.
AUTHOR_MARKS = re.compile(r"[*\u00b9\u00b2\u00b3\u2070-\u2079]+")


class EcvaSource:
    name = "ecva"
    hosts = (Host(urlsplit(PAPERS_URL).netloc),)
    in_all = True

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return VENUE_YEARS

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        if year not in VENUE_YEARS.get(venue, ()):
            raise ValueError(f"ECVA lists no {venue} {year}")
        return [ListingRequest(PAPERS_URL, venue, year)]

    def official_url(self, venue: str, year: int) -> str:
        return PAPERS_URL

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        soup = BeautifulSoup(decode_text(body), "html.parser")
        section = _section(soup, request.year, final_url)
        titles = section.find_all("dt", class_="ptitle")
        if not titles:
            raise ListingError(
                final_url, f"the ECCV {request.year} section has no <dt class=ptitle> entries"
            )
        papers = tuple(_paper(request, final_url, dt, index) for index, dt in enumerate(titles, 1))
        if all(paper.pdf_url is None for paper in papers):
            raise ListingError(final_url, f"no ECCV {request.year} entry has a [pdf] link")
        return ListingPage(papers=papers)


def _section(soup: BeautifulSoup, year: int, url: str) -> Tag:
    """The ``div.accordion-content`` after the button naming ``year``."""
    buttons = soup.find_all("button", class_="accordion")
    if not buttons:
        raise ListingError(url, "no <button class=accordion> year sections: not the ECVA page")
    by_year: dict[int, Tag] = {}
    for button in buttons:
        match = SECTION_YEAR.search(element_text(button))
        if match:
            by_year.setdefault(int(match.group(1)), button)
    wanted = by_year.get(year)
    if wanted is None:
        present = ", ".join(str(y) for y in sorted(by_year)) or "none"
        raise ListingError(
            url, f"no 'ECCV {year} Papers' <button class=accordion> section (has: {present})"
        )
    content = wanted.find_next_sibling()
    if not isinstance(content, Tag) or "accordion-content" not in content.get_attribute_list(
        "class"
    ):
        raise ListingError(url, f"the ECCV {year} button is not followed by div.accordion-content")
    return content


def _paper(request: ListingRequest, base: str, dt: Tag, index: int) -> Paper:
    link = dt.find("a", href=True)
    title = _title(link) if isinstance(link, Tag) else ""
    if not isinstance(link, Tag) or not title:
        raise ListingError(
            base, f"ECCV {request.year} entry {index} has no title link in <dt class=ptitle>"
        )
    page_url = urljoin(base, str(link["href"]))
    authors_dd = next_dd(dt)
    links_dd = next_dd(authors_dd) if authors_dd is not None else None
    if authors_dd is None or links_dd is None:
        raise ListingError(base, f"entry {index} ({title!r}) lacks its author and link <dd>s")
    pdf_url = doi = None
    for anchor in links_dd.find_all("a", href=True):
        href = str(anchor["href"])
        if element_text(anchor).lower() == "pdf" and pdf_url is None:
            pdf_url = urljoin(base, href)
        elif match := SPRINGER_DOI.search(href):
            doi = match.group(1)
    return Paper(
        source="ecva",
        source_id=_stem(page_url),
        venue=request.venue,
        year=request.year,
        title=title,
        authors=_authors(authors_dd, request.year),
        pdf_url=pdf_url,
        page_url=page_url,
        doi=doi,
    )


def _title(link: Tag) -> str:
    # Some public scrapers of this page strip a pair of quotes around titles; so do we.
    title = element_text(link)
    if len(title) > 1 and title[0] == title[-1] == '"':
        title = title[1:-1].strip()
    return title


def _authors(dd: Tag, year: int) -> tuple[str, ...]:
    text = AUTHOR_MARKS.sub("", element_text(dd))
    if year <= BIBTEX_AUTHORS_UNTIL:
        names = [" ".join(reversed(name.split(",", 1))) for name in text.split(" and ")]
    else:
        names = text.split(",")
    return tuple(name for name in (" ".join(n.split()) for n in names) if name)


def _stem(page_url: str) -> str:
    """The paper page's file name without extension, e.g. ``267_ECCV_2020_paper``: it names
    the year and the submission, so it is unique on ECVA and stable across re-listings."""
    return urlsplit(page_url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]

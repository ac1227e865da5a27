"""CVF Open Access (openaccess.thecvf.com): CVPR, ICCV, WACV and ECCV 2018 listing pages.

Every era shares one skeleton: ``div#content > dl`` with, per paper, ``dt.ptitle`` holding the
title link, a ``dd`` of author search forms, and a ``dd`` with the ``[pdf]`` link. The eras differ
in details this parser accepts all of: absolute (2021+) or relative (up to 2020) hrefs, author
inputs named ``query_author`` (2021+) or ``query`` with a leading space (up to 2020).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text
from fwcensus.sources.cvf_years import BASE_URL, VENUE_YEARS, listing_urls
from fwcensus.sources.markup import element_text, next_dd

ARXIV_ABS = re.compile(r"arxiv\.org/abs/([^/?#]+?)(?:v\d+)?$")
DAY_LINK = re.compile(r"[?&]day=([\w-]+)")


class CvfSource:
    name = "cvf"
    hosts = (Host(urlsplit(BASE_URL).netloc),)
    in_all = True

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return VENUE_YEARS

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        return [ListingRequest(url, venue, year) for url in listing_urls(venue, year)]

    def official_url(self, venue: str, year: int) -> str:
        return f"{BASE_URL}/{venue}{year}"

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        soup = BeautifulSoup(decode_text(body), "html.parser")
        content = soup.find("div", id="content")
        if not isinstance(content, Tag):
            raise ListingError(final_url, "no <div id=content>: not a CVF listing page")
        titles = content.find_all("dt", class_="ptitle")
        if titles:
            papers = tuple(
                _paper(request, final_url, dt, index) for index, dt in enumerate(titles, 1)
            )
            if all(paper.pdf_url is None for paper in papers):
                raise ListingError(final_url, "no paper entry has a [pdf] link")
            return ListingPage(papers=papers)
        follow = _day_pages(request, final_url, content)
        if follow:
            return ListingPage(papers=(), follow=follow)
        raise ListingError(final_url, "no <dt class=ptitle> paper entries and no day links")


def _paper(request: ListingRequest, base: str, dt: Tag, index: int) -> Paper:
    link = dt.find("a", href=True)
    title = element_text(link) if isinstance(link, Tag) else ""
    if not isinstance(link, Tag) or not title:
        raise ListingError(base, f"paper entry {index} has no title link in <dt class=ptitle>")
    page_url = urljoin(base, str(link["href"]))
    authors_dd = next_dd(dt)
    links_dd = next_dd(authors_dd) if authors_dd is not None else None
    if authors_dd is None or links_dd is None:
        raise ListingError(base, f"paper entry {index} ({title!r}) lacks its author and link <dd>s")
    pdf_url = arxiv_id = None
    for anchor in links_dd.find_all("a", href=True):
        label = element_text(anchor).lower()
        href = str(anchor["href"])
        if label == "pdf" and pdf_url is None:
            pdf_url = urljoin(base, href)
        elif label == "arxiv" and (match := ARXIV_ABS.search(href)):
            arxiv_id = match.group(1)
    return Paper(
        source="cvf",
        source_id=_slug(page_url),
        venue=request.venue,
        year=request.year,
        title=title,
        authors=_authors(authors_dd),
        pdf_url=pdf_url,
        page_url=page_url,
        arxiv_id=arxiv_id,
    )


def _authors(dd: Tag) -> tuple[str, ...]:
    inputs = dd.find_all("input", attrs={"name": ("query_author", "query")})
    names = [str(tag.get("value", "")).strip() for tag in inputs]
    if not names:  # listings without search forms name authors as plain links
        names = [element_text(anchor) for anchor in dd.find_all("a")]
    return tuple(name for name in names if name)


def _day_pages(request: ListingRequest, base: str, content: Tag) -> tuple[ListingRequest, ...]:
    """Links of a landing page to its day pages; the "all" page alone when there is one."""
    days: dict[str, str] = {}
    for anchor in content.find_all("a", href=True):
        href = str(anchor["href"])
        match = DAY_LINK.search(href)
        if match and f"{request.venue}{request.year}" in href:
            days.setdefault(match.group(1), urljoin(base, href))
    urls = [days["all"]] if "all" in days else list(days.values())
    return tuple(ListingRequest(url, request.venue, request.year) for url in urls)


def _slug(page_url: str) -> str:
    """The paper page's file name without extension: unique on CVF, stable across re-listings."""
    name = urlsplit(page_url).path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]

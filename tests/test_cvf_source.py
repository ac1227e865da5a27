from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus.collect.stage import CollectError, collect
from fwcensus.demo.sites.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.base import ListingError, ListingRequest
from fwcensus.sources.cvf import CvfSource
from fwcensus.sources.cvf_years import listing_urls
from fwcensus.store import Store

import skeleton
from conftest import Serve
from facts import structure

RECORDED_2024 = "CVPR2024_day-all.first6.html"  # tests/fixtures/cvf/structure/
URL_2024 = "https://openaccess.thecvf.com/CVPR2024?day=all"


def parse(body: bytes, url: str, venue: str = "CVPR", year: int = 2024):
    return CvfSource().parse(ListingRequest(url, venue, year), body, url)


def listing_2024(root: Path) -> bytes:
    """The builder's CVPR 2024 page of six papers, with and without supplement and arXiv links."""
    entries = [
        CvfEntry(
            title=f"Seeing <Things> & Stuff, Part {i}",
            authors=("Ada Lovelace", "Émile Borel", "Alan Turing")[: 1 + i % 3],
            slug=make_slug("CVPR", 2024, "Lovelace", f"Seeing Things Part {i}"),
            arxiv_id=f"2306.0{i}348" if i % 2 else None,
            has_supp=i % 3 == 0,
        )
        for i in range(6)
    ]
    write_cvf_year(root, "CVPR", 2024, entries)
    return file_for_url(root, URL_2024).read_bytes()


def test_builder_writes_the_structure_of_the_recorded_cvpr_2024_page(tmp_path: Path) -> None:
    built = skeleton.signature(listing_2024(tmp_path), "html")
    recorded = structure("cvf", RECORDED_2024)
    assert built["prolog"] == recorded["prolog"]
    for view in (skeleton.tag_paths, skeleton.pairs, skeleton.attributes):
        assert view(built["root"]) == view(recorded["root"]), view.__name__
    # The list of papers, six in both: the back link, then per paper
    # its title, authors and links, in that order.
    papers = [skeleton.find(sig["root"], "body/div[id=content]/dl") for sig in (built, recorded)]
    assert skeleton.child_tags(papers[0]) == skeleton.child_tags(papers[1]) == ["dd"] + [
        "dt", "dd", "dd"
    ] * 6  # fmt: skip


def test_a_listing_parses_to_titles_authors_and_pdf_urls(tmp_path: Path) -> None:
    page = parse(listing_2024(tmp_path), URL_2024)
    assert [p.title for p in page.papers] == [
        f"Seeing <Things> & Stuff, Part {i}" for i in range(6)
    ]
    first, second = page.papers[:2]
    assert first.authors == ("Ada Lovelace",) and len(second.authors) == 2
    assert first.pdf_url == (
        "https://openaccess.thecvf.com/content/CVPR2024/papers/"
        "Lovelace_Seeing_Things_Part_0_CVPR_2024_paper.pdf"
    )
    assert first.page_url.endswith(
        "/content/CVPR2024/html/Lovelace_Seeing_Things_Part_0_CVPR_2024_paper.html"
    )
    assert first.arxiv_id is None and second.arxiv_id == "2306.01348"


@pytest.mark.parametrize(
    ("venue", "year"), [("CVPR", 2015), ("CVPR", 2019), ("ICCV", 2019), ("CVPR", 2023)]
)
def test_every_layout_era_parses(tmp_path: Path, venue: str, year: int) -> None:
    entries = [
        CvfEntry(
            title=f"Learning <Things> & Stuff {i}",
            authors=("Ada Lovelace", "Émile Borel", "Alan Turing"),
            slug=make_slug(venue, year, "Lovelace", f"Learning{i} Things Stuff"),
        )
        for i in range(7)
    ]
    pdf_urls = write_cvf_year(tmp_path, venue, year, entries)
    papers = []
    for url in listing_urls(venue, year):
        papers += parse(file_for_url(tmp_path, url).read_bytes(), url, venue, year).papers
    assert [p.title for p in papers] == [e.title for e in entries]
    assert [p.pdf_url for p in papers] == pdf_urls
    assert all(p.authors == ("Ada Lovelace", "Émile Borel", "Alan Turing") for p in papers)
    assert len({p.source_id for p in papers}) == 7


def test_landing_page_leads_to_its_day_pages(tmp_path: Path) -> None:
    write_cvf_year(tmp_path, "CVPR", 2019, [CvfEntry("T", ("A B",), "B_T_CVPR_2019_paper")])
    landing = "https://openaccess.thecvf.com/CVPR2019"
    page = parse(file_for_url(tmp_path, landing).read_bytes(), landing, year=2019)
    assert page.papers == ()
    assert [r.url for r in page.follow] == listing_urls("CVPR", 2019)


def test_changed_structure_is_a_one_line_error_naming_url_and_what_is_missing(
    tmp_path: Path,
) -> None:
    listing = listing_2024(tmp_path)
    renamed = listing.replace(b'class="ptitle"', b'class="paper-title"')
    with pytest.raises(ListingError) as info:
        parse(renamed, URL_2024)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(URL_2024) and "ptitle" in message
    no_pdf = listing.replace(b">pdf</a>", b">paper</a>")
    with pytest.raises(ListingError, match=r"no paper entry has a \[pdf\] link"):
        parse(no_pdf, URL_2024)
    with pytest.raises(ListingError, match="no <div id=content>"):
        parse(b"<html><body>Service unavailable</body></html>", URL_2024)


def test_an_entry_without_pdf_link_is_kept_and_marked(tmp_path: Path, store: Store) -> None:
    one_without = listing_2024(tmp_path).replace(b">pdf</a>", b">paper</a>", 1)
    page = parse(one_without, URL_2024)
    assert [p.pdf_url is None for p in page.papers] == [True] + [False] * 5
    store.papers.upsert(page.papers, URL_2024)
    rows = store.papers.rows(Selection())
    assert rows[0]["doc_status"] == "skipped"
    assert rows[0]["doc_error"] == "no PDF link in the listing"
    assert {r["doc_status"] for r in rows[1:]} == {"pending"}


def test_collect_stores_a_listing_once(tmp_path: Path, serve: Serve, store: Store) -> None:
    listing_2024(tmp_path)
    server = serve(tmp_path)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        first = collect(store, client, "CVPR", 2024)
        again = collect(store, client, "CVPR", 2024)
    assert (first.papers, first.new, again.new) == (6, 6, 0)
    rows = store.papers.rows(Selection())
    assert len(rows) == 6 and {r["doc_status"] for r in rows} == {"pending"}


def test_collect_of_a_404_listing_fails_with_the_url(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    server = serve(tmp_path)
    with (
        HttpClient(fetch_settings(mirror=server.url, rate=0)) as client,
        pytest.raises(CollectError, match=r"CVPR2024\?day=all: HTTP 404"),
    ):
        collect(store, client, "CVPR", 2024)
    assert store.papers.rows(Selection()) == []

from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus.fetch.client import FetchSettings, HttpClient
from fwcensus.mirror.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.mirror.urls import file_for_url, write_mirror_file
from fwcensus.models import Selection
from fwcensus.sources.base import ListingError, ListingRequest
from fwcensus.sources.collect import CollectError, collect
from fwcensus.sources.cvf import CvfSource
from fwcensus.sources.cvf_years import listing_urls
from fwcensus.store import Store

from conftest import Serve
from study2019 import shared_dir

REAL_2024 = "cvf/CVPR2024_day-all.first6.html"
URL_2024 = "https://openaccess.thecvf.com/CVPR2024?day=all"


def parse(body: bytes, url: str, venue: str = "CVPR", year: int = 2024):
    return CvfSource().parse(ListingRequest(url, venue, year), body, url)


def real_listing() -> bytes:
    return (shared_dir() / "fixtures-real" / REAL_2024).read_bytes()


def test_recorded_cvpr_2024_listing_gives_titles_authors_and_pdf_urls() -> None:
    page = parse(real_listing(), URL_2024)
    assert len(page.papers) == 6
    first, second = page.papers[:2]
    assert first.title == "Unmixing Diffusion for Self-Supervised Hyperspectral Image Denoising"
    assert first.authors[0] == "Haijin Zeng" and len(first.authors) == 6
    assert first.pdf_url == (
        "https://openaccess.thecvf.com/content/CVPR2024/papers/"
        "Zeng_Unmixing_Diffusion_for_Self-Supervised_Hyperspectral_Image_Denoising_CVPR_2024_paper.pdf"
    )
    assert first.page_url.endswith(
        "/content/CVPR2024/html/Zeng_Unmixing_Diffusion_for_"
        "Self-Supervised_Hyperspectral_Image_Denoising_CVPR_2024_paper.html"
    )
    assert first.arxiv_id is None and second.arxiv_id == "2306.09348"
    assert page.papers[-1].title.startswith("CityDreamer")


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


def test_changed_structure_is_a_one_line_error_naming_url_and_what_is_missing() -> None:
    renamed = real_listing().replace(b'class="ptitle"', b'class="paper-title"')
    with pytest.raises(ListingError) as info:
        parse(renamed, URL_2024)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(URL_2024) and "ptitle" in message
    no_pdf = real_listing().replace(b">pdf</a>", b">paper</a>")
    with pytest.raises(ListingError, match=r"no paper entry has a \[pdf\] link"):
        parse(no_pdf, URL_2024)
    with pytest.raises(ListingError, match="no <div id=content>"):
        parse(b"<html><body>Service unavailable</body></html>", URL_2024)


def test_an_entry_without_pdf_link_is_kept_and_marked(store: Store) -> None:
    one_without = real_listing().replace(b">pdf</a>", b">paper</a>", 1)
    page = parse(one_without, URL_2024)
    assert [p.pdf_url is None for p in page.papers] == [True] + [False] * 5
    store.upsert_papers(page.papers, URL_2024)
    rows = store.paper_rows(Selection())
    assert rows[0]["doc_status"] == "skipped"
    assert rows[0]["doc_error"] == "no PDF link in the listing"
    assert {r["doc_status"] for r in rows[1:]} == {"pending"}


def test_collect_stores_the_recorded_listing_once(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_mirror_file(tmp_path, URL_2024, real_listing())
    server = serve(tmp_path)
    with HttpClient(FetchSettings(mirror=server.url, rate=0)) as client:
        first = collect(store, client, "CVPR", 2024)
        again = collect(store, client, "CVPR", 2024)
    assert (first.papers, first.new, again.new) == (6, 6, 0)
    rows = store.paper_rows(Selection())
    assert len(rows) == 6 and {r["doc_status"] for r in rows} == {"pending"}


def test_collect_of_a_404_listing_fails_with_the_url(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    server = serve(tmp_path)
    with (
        HttpClient(FetchSettings(mirror=server.url, rate=0)) as client,
        pytest.raises(CollectError, match=r"CVPR2024\?day=all: HTTP 404"),
    ):
        collect(store, client, "CVPR", 2024)
    assert store.paper_rows(Selection()) == []

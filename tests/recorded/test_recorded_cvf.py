"""The recorded CVPR 2024 listing (shared fixtures-real/cvf): parsed and collected as it is, and
reproduced byte for byte by the mirror builder from its own entries."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from fwcensus.collect.stage import collect
from fwcensus.demo.sites.cvf_site import CvfEntry, write_cvf_year
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url, write_mirror_file
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.base import ListingRequest
from fwcensus.sources.cvf import CvfSource
from fwcensus.store import Store

from conftest import Serve
from recorded.material import shared_dir

URL_2024 = "https://openaccess.thecvf.com/CVPR2024?day=all"


def recorded_listing() -> bytes:
    return (shared_dir() / "fixtures-real/cvf/CVPR2024_day-all.first6.html").read_bytes()


def test_recorded_cvpr_2024_listing_gives_titles_authors_and_pdf_urls() -> None:
    page = CvfSource().parse(ListingRequest(URL_2024, "CVPR", 2024), recorded_listing(), URL_2024)
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


def test_recorded_listing_is_collected_over_http(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_mirror_file(tmp_path, URL_2024, recorded_listing())
    with HttpClient(fetch_settings(mirror=serve(tmp_path).url, rate=0)) as client:
        assert collect(store, client, "CVPR", 2024).papers == 6
    rows = store.papers.rows(Selection())
    assert rows[1]["title"] == "Seeing the World through Your Eyes"
    assert rows[1]["pdf_url"] == (
        "https://openaccess.thecvf.com/content/CVPR2024/papers/"
        "Alzayer_Seeing_the_World_through_Your_Eyes_CVPR_2024_paper.pdf"
    )
    assert rows[1]["arxiv_id"] == "2306.09348"


def test_the_2021_markup_reproduces_the_recorded_page(tmp_path: Path) -> None:
    real = recorded_listing().decode("utf-8")
    entries = []
    for dt in BeautifulSoup(real, "html.parser").select("dl > dt.ptitle"):
        authors = dt.find_next_sibling("dd")
        links = authors.find_next_sibling("dd")
        arxiv = links.find("a", string="arXiv")
        entries.append(
            CvfEntry(
                title=dt.get_text(),
                authors=tuple(i["value"] for i in authors.select('input[name="query_author"]')),
                slug=dt.a["href"].rsplit("/", 1)[1].removesuffix(".html"),
                arxiv_id=arxiv["href"].rsplit("/", 1)[1] if arxiv else None,
                has_supp=links.find("a", string="supp") is not None,
            )
        )
    assert len(entries) == 6
    write_cvf_year(tmp_path, "CVPR", 2024, entries)
    mine = file_for_url(tmp_path, URL_2024).read_text(encoding="utf-8")

    # Page ranges and one supplemental's file type are not in an entry; all else must match.
    def normalise(page: str) -> str:
        page = re.sub(r"pages     = \{\d+-\d+\}", "pages = {}", page)
        return page.replace("_supplemental.zip", "_supplemental.pdf")

    assert normalise(mine) == normalise(real)

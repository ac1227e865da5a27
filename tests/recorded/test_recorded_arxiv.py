"""The recorded arXiv answers (shared fixtures-real/arxiv) read as they are: OAI-PMH pages of
both server eras and the export API's feeds, errors included."""

from __future__ import annotations

import pytest

from fwcensus.sources.arxiv import ArxivSource, parse_feed
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest

from recorded.material import shared_dir

OAI_URL = (
    "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXivRaw"
    "&set=cs:cs:AI&from=2025-05-01"
)
LEGACY_URL = (
    "https://export.arxiv.org/oai2?verb=ListRecords&metadataPrefix=arXiv&set=cs&from=2019-01-01"
)


def recorded(name: str) -> bytes:
    return (shared_dir() / "fixtures-real/arxiv" / name).read_bytes()


def parse_oai_page(year: int) -> ListingPage:
    body = recorded("oaipmh_ListRecords_arXivRaw_set-cs-cs-AI_2025-05-01_lastpage.xml")
    request = ListingRequest(OAI_URL, "arXiv", year, chain="cs:cs:AI")
    return ArxivSource().parse(request, body, OAI_URL)


def test_a_recorded_page_keeps_each_papers_primary_category_as_track() -> None:
    page = parse_oai_page(2019)
    assert page.record_ids == (
        "oai:arXiv.org:1909.01940",
        "oai:arXiv.org:2205.04952",
        "oai:arXiv.org:2206.14175",
    )
    assert page.total == 3 and page.follow == ()
    (paper,) = page.papers  # the two others were first submitted in 2022
    assert (paper.source_id, paper.year, paper.track) == ("1909.01940", 2019, "eess.IV")
    assert paper.title.startswith("Can we trust deep learning models diagnosis?")
    assert paper.authors == ("Eduardo H. P. Pooch", "Pedro L. Ballester", "Rodrigo C. Barros")
    assert paper.doi == "10.1007/978-3-030-62469-9_7"
    assert paper.pdf_url == "https://arxiv.org/pdf/1909.01940"
    later = {p.source_id: p for p in parse_oai_page(2022).papers}
    assert later["2206.14175"].authors[1] == "Mikoláš Janota"  # TeX in the real record
    assert later["2206.14175"].code_urls == ("https://github.com/pmorvalho/InvAASTCluster",)
    assert later["2205.04952"].code_urls == ()  # a project page on github.io is no repository


def test_the_recorded_legacy_record_reads_created_as_the_first_submission() -> None:
    body = recorded("oaipmh_ListRecords_arXiv_set-physics-astro-ph_2013-04-03_onerecord.xml")
    page = ArxivSource(categories=("astro-ph",)).parse(
        ListingRequest(LEGACY_URL, "arXiv", 2008), body, LEGACY_URL
    )
    (paper,) = page.papers
    assert (paper.source_id, paper.year, paper.track) == ("0801.3931", 2008, "astro-ph")
    assert paper.authors == ("T. Manos", "E. Athanassoula")
    assert paper.title == "Dynamical study of 2D and 3D barred galaxy models"
    assert paper.doi == "10.1007/978-3-540-75826-6_11"
    assert page.total is None and page.follow == ()


def test_the_recorded_export_api_answers() -> None:
    one = parse_feed(recorded("export_api_query_id_list_1707.08567.atom.xml"), "u")
    (paper,) = one.papers
    assert (paper.source_id, paper.year, paper.track, one.total) == ("1707.08567", 2017, "cs.IT", 1)
    assert len(paper.authors) == 34
    old = parse_feed(recorded("export_api_query_id_list_astro-ph_0601001.atom.xml"), "u").papers[0]
    assert old.source_id == "astro-ph/0601001" and old.pdf_url.endswith("/pdf/astro-ph/0601001")
    search = parse_feed(recorded("export_api_query_search_testing_start0_max10.atom.xml"), "u")
    assert search.total == 214881 and len(search.papers) == 10
    assert search.papers[0].doi == "10.1109/ICSTW55395.2022.00035"
    old_layout = parse_feed(recorded("docs_user_manual_example_response_2007.atom.xml"), "u")
    assert old_layout.papers[0].source_id == "hep-ex/0307015"
    assert old_layout.papers[0].title.startswith("Multi-Electron Production at High Transverse")
    assert old_layout.papers[0].year == 2003
    empty = parse_feed(recorded("export_api_query_id_list_0000.0000_empty.atom.xml"), "u")
    assert (empty.papers, empty.total) == ((), 0)


def test_the_recorded_export_api_error_answer() -> None:
    body = recorded("export_api_query_id_list_abc_http400_error.atom.xml")
    with pytest.raises(ListingError, match=r"^u: arXiv API error: incorrect id format for abc$"):
        parse_feed(body, "u")

"""ECCV from ecva.net's one papers page (2018-2024); ECCV 2018 and WACV from CVF Open Access."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fwcensus.collect.stage import CollectError, CollectSummary, collect
from fwcensus.demo.sites.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, Source
from fwcensus.sources.cvf import CvfSource
from fwcensus.sources.cvf_years import BASE_URL, VENUE_YEARS, listing_urls
from fwcensus.sources.ecva import PAPERS_URL, EcvaSource
from fwcensus.store import Store

from conftest import Serve
from facts import study_list
from study2019 import stand_ins, surname
from support.sites.ecva_site import EcvaEntry, page_url, write_ecva_papers

AUTHORS = ("Ada Lovelace", "Émile Borel", "Alan Turing")
# A mirror folder and the PDF URLs per year its builder wrote.
Built = tuple[Path, dict[int, list[str]]]


def ecva_entries(year: int, count: int) -> list[EcvaEntry]:
    entries = []
    for i in range(count):
        title = f"Part {i} of Seeing <Things> & Stuff in {year}"
        # 2018 files are named like their CVF copies; later pages by submission number.
        paper_id = make_slug("ECCV", year, AUTHORS[0], title) if year == 2018 else str(year + 7 * i)
        doi = f"10.1007/978-3-030-{year}-{i}_{i + 1}"
        entries.append(EcvaEntry(title, AUTHORS, paper_id, doi=doi, has_supp=i % 2 == 0))
    return entries


SECTIONS = {
    2024: ecva_entries(2024, 5),
    2022: ecva_entries(2022, 50),
    2020: ecva_entries(2020, 3),
    2018: ecva_entries(2018, 4),
}


@pytest.fixture
def ecva_root(tmp_path: Path) -> Built:
    root = tmp_path / "mirror"
    return root, write_ecva_papers(root, SECTIONS)


def papers_page(root: Path) -> bytes:
    return file_for_url(root, PAPERS_URL).read_bytes()


def parse_ecva(body: bytes, year: int) -> ListingPage:
    return EcvaSource().parse(ListingRequest(PAPERS_URL, "ECCV", year), body, PAPERS_URL)


def collect_from(
    root: Path, serve: Serve, store: Store, venue: str, year: int, source: Source
) -> CollectSummary:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        return collect(store, client, venue, year, source=source)


def stored(store: Store) -> list[dict[str, Any]]:
    return store.papers.rows(Selection())


@pytest.mark.parametrize("year", [2018, 2020, 2022, 2024])
def test_each_eccv_year_is_collected_from_its_own_section_only(
    ecva_root: Built, serve: Serve, store: Store, year: int
) -> None:
    root, pdf_urls = ecva_root
    summary = collect_from(root, serve, store, "ECCV", year, EcvaSource())
    entries = SECTIONS[year]
    assert (summary.pages, summary.papers, summary.new) == (1, len(entries), len(entries))
    rows = stored(store)
    assert [r["title"] for r in rows] == [e.title for e in entries]
    assert [r["pdf_url"] for r in rows] == pdf_urls[year]
    assert {(r["venue"], r["year"], r["source"]) for r in rows} == {("ECCV", year, "ecva")}
    page = parse_ecva(papers_page(root), year)
    first = page.papers[0]
    # 2018's "Lovelace, Ada and Borel, Émile…" and 2024's starred first author read alike.
    assert first.authors == AUTHORS
    assert first.page_url == page_url(year, entries[0])
    assert first.source_id == page_url(year, entries[0]).rsplit("/", 1)[1].removesuffix(".php")
    assert first.doi == entries[0].doi


def test_the_page_has_the_markup_public_scrapers_cut_it_by(
    ecva_root: Built,
) -> None:
    """Two public scrapers slice the real page between these literal strings."""
    root, _ = ecva_root
    page = papers_page(root).decode()
    first_2020 = page_url(2020, SECTIONS[2020][0]).removeprefix("https://www.ecva.net/")
    assert page.count("<!-- ECCV") == page.count('<button class="accordion">ECCV') == 4
    assert f'\n<dt class="ptitle"><br>\n<a href={first_2020}>\n' in page
    assert "\n</dl> </div>\n\t</div>\n\n\n\t<!-- ECCV 2018 -->\n" in page


def test_pdf_names_follow_each_eras_pattern(
    ecva_root: Built,
) -> None:
    _, pdf_urls = ecva_root
    folder = "https://www.ecva.net/papers/eccv_{}/papers_ECCV/papers/"
    # 2020 and 2022: LNCS volume and first page; the 46th paper opens the second volume.
    assert pdf_urls[2020][:2] == [
        folder.format(2020) + "123460001.pdf",
        folder.format(2020) + "123460018.pdf",
    ]
    assert pdf_urls[2022][45] == folder.format(2022) + "136620001.pdf"
    # 2024: the zero-padded submission id; 2018: the CVF-style slug.
    assert pdf_urls[2024][1] == folder.format(2024) + "02031.pdf"
    assert pdf_urls[2018][0] == folder.format(2018) + "Ada_Lovelace_Part_0_of_ECCV_2018_paper.pdf"


def test_the_source_answers_for_ecva_years_only_and_cvf_has_eccv_2018_too() -> None:
    source = EcvaSource()
    assert source.venue_years() == {"ECCV": (2018, 2020, 2022, 2024)}
    assert [r.url for r in source.start_requests("ECCV", 2022)] == [PAPERS_URL]
    assert source.official_url("ECCV", 2024) == PAPERS_URL
    for venue, year in (("ECCV", 2016), ("ECCV", 2023), ("WACV", 2024)):
        with pytest.raises(ValueError, match=f"{venue} {year}"):
            source.start_requests(venue, year)
    assert VENUE_YEARS["ECCV"] == (2018,)
    assert VENUE_YEARS["WACV"] == tuple(range(2020, 2027))
    assert listing_urls("ECCV", 2018) == ["https://openaccess.thecvf.com/ECCV2018"]


def test_a_missing_year_section_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    write_ecva_papers(tmp_path, {2022: ecva_entries(2022, 2), 2020: ecva_entries(2020, 2)})
    with pytest.raises(ListingError) as info:
        parse_ecva(papers_page(tmp_path), 2024)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(PAPERS_URL) and "'ECCV 2024 Papers'" in message
    assert "has: 2020, 2022" in message


def test_collect_of_a_missing_year_fails_with_the_url(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_ecva_papers(tmp_path, {2020: ecva_entries(2020, 2)})
    with pytest.raises(CollectError, match=r"papers\.php: no 'ECCV 2022 Papers'"):
        collect_from(tmp_path, serve, store, "ECCV", 2022, EcvaSource())
    assert stored(store) == []


@pytest.mark.parametrize(
    ("old", "new", "missing"),
    [
        (b'class="ptitle"', b'class="paper-title"', "no <dt class=ptitle> entries"),
        (b'class="accordion"', b'class="year"', "no <button class=accordion>"),
        (b'<div class="accordion-content">', b"<div>", "not followed by div.accordion-content"),
        (b">pdf</a>", b">paper</a>", r"no ECCV 2024 entry has a \[pdf\] link"),
        (b'<dt class="ptitle"><br>\n<a href=', b'<dt class="ptitle"><br>\n<b x=', "no title link"),
    ],
)
def test_changed_structure_is_a_one_line_error_naming_url_and_element(
    ecva_root: Built, old: bytes, new: bytes, missing: str
) -> None:
    root, _ = ecva_root
    with pytest.raises(ListingError, match=missing) as info:
        parse_ecva(papers_page(root).replace(old, new), 2024)
    assert "\n" not in str(info.value) and str(info.value).startswith(PAPERS_URL)


def test_an_entry_without_pdf_link_is_kept_and_marked(
    ecva_root: Built, serve: Serve, store: Store
) -> None:
    root, _ = ecva_root
    path = file_for_url(root, PAPERS_URL)
    path.write_bytes(papers_page(root).replace(b">pdf</a>", b">paper</a>", 1))
    summary = collect_from(root, serve, store, "ECCV", 2024, EcvaSource())
    assert (summary.papers, summary.without_pdf) == (5, 1)
    rows = stored(store)
    assert rows[0]["pdf_url"] is None and rows[0]["doc_status"] == "skipped"
    assert {r["doc_status"] for r in rows[1:]} == {"pending"}


def test_duplicate_entries_are_kept_once(tmp_path: Path, serve: Serve, store: Store) -> None:
    entries = ecva_entries(2024, 3)
    write_ecva_papers(tmp_path, {2024: [*entries, entries[1]]})
    summary = collect_from(tmp_path, serve, store, "ECCV", 2024, EcvaSource())
    assert (summary.papers, summary.duplicates) == (3, 1)
    assert [r["title"] for r in stored(store)] == [e.title for e in entries]


def test_non_utf8_bytes_are_read_as_windows_1252_without_harm_to_the_rest(
    ecva_root: Built,
) -> None:
    root, _ = ecva_root
    body = papers_page(root)
    # One hand-edited name in Latin-1 amid a UTF-8 page, plus a byte no code page defines.
    broken = body.replace("Émile".encode(), b"\xc9mile", 1).replace(b"Part 4", b"Part\x81 4")
    papers = parse_ecva(broken, 2024).papers
    assert [p.authors for p in papers] == [AUTHORS] * 5  # the stray byte and the UTF-8 alike
    assert papers[4].title == "Part\ufffd 4 of Seeing <Things> & Stuff in 2024"


def test_quoted_titles_and_marked_authors_are_cleaned(
    ecva_root: Built,
) -> None:
    root, _ = ecva_root
    body = papers_page(root).replace(b"\nPart", b'\n"Part').replace(b"2020</a>", b'2020"</a>')
    body = body.replace(b"Alan Turing\n", "Alan Turing\u00b9\u00b2\n".encode())
    first = parse_ecva(body, 2020).papers[0]
    assert first.title == "Part 0 of Seeing <Things> & Stuff in 2020"
    assert first.authors == AUTHORS


@pytest.mark.parametrize(
    ("year", "urls"),
    [
        (2020, ["https://openaccess.thecvf.com/WACV2020"]),  # relative links, "query" forms
        (2023, ["https://openaccess.thecvf.com/WACV2023"]),  # one landing page holds every paper
        (2025, ["https://openaccess.thecvf.com/WACV2025?day=all"]),
    ],
)
def test_wacv_is_collected_from_cvf_open_access(
    tmp_path: Path, serve: Serve, store: Store, year: int, urls: list[str]
) -> None:
    assert listing_urls("WACV", year) == urls
    entries = [
        CvfEntry(
            f"Applied Vision {i} for Winter",
            AUTHORS,
            make_slug("WACV", year, "Lovelace", f"Applied Vision {i} for Winter"),
        )
        for i in range(4)
    ]
    pdf_urls = write_cvf_year(tmp_path, "WACV", year, entries)
    folder = f"content_WACV_{year}" if year < 2021 else f"content/WACV{year}"
    assert pdf_urls[0] == (
        f"https://openaccess.thecvf.com/{folder}/papers/"
        f"Lovelace_Applied_Vision_0_for_Winter_WACV_{year}_paper.pdf"
    )
    summary = collect_from(tmp_path, serve, store, "WACV", year, CvfSource())
    assert summary.papers == 4
    rows = stored(store)
    assert [(r["title"], r["pdf_url"]) for r in rows] == [
        (e.title, url) for e, url in zip(entries, pdf_urls, strict=True)
    ]
    assert {(r["venue"], r["year"], r["source"]) for r in rows} == {("WACV", year, "cvf")}


def test_full_size_eccv_2018_gives_the_studys_776_papers_and_pdf_urls(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    papers = stand_ins("eccv_2018")
    assert len(papers) == study_list("eccv_2018").papers == 776
    entries = [
        CvfEntry(p.title, p.authors, make_slug("ECCV", 2018, surname(p), p.title)) for p in papers
    ]
    pdf_urls = write_cvf_year(tmp_path, "ECCV", 2018, entries)
    assert all(url.startswith(f"{BASE_URL}/content_ECCV_2018/papers/") for url in pdf_urls)
    summary = collect_from(tmp_path, serve, store, "ECCV", 2018, CvfSource())
    assert (summary.pages, summary.papers) == (1, 776)
    rows = stored(store)
    expected = Counter((e.title, url) for e, url in zip(entries, pdf_urls, strict=True))
    assert Counter((r["title"], r["pdf_url"]) for r in rows) == expected
    by_url = {r["pdf_url"]: r for r in rows}
    assert by_url[pdf_urls[0]]["source_id"] == entries[0].slug

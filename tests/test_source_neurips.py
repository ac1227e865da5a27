"""The NeurIPS proceedings source against mirrors its builder writes (tests/fixtures/neurips)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from fwcensus.collect.stage import CollectError, CollectSummary, collect
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.base import ListingError, ListingRequest, decode_text
from fwcensus.sources.neurips import NeuripsSource, pdf_url_for, track_for
from fwcensus.store import Store

from conftest import Serve
from facts import study_list
from study2019 import stand_ins
from support.sites.neurips_site import (
    Layout,
    NeuripsEntry,
    abstract_url,
    listing_url,
    paper_hash,
    pdf_url,
    write_neurips_year,
)

SOURCE = NeuripsSource()
AUTHORS = ("Ada Lovelace", "Émile Borel", "Alan Turing")
YEAR_2020 = "https://proceedings.neurips.cc/paper_files/paper/2020"
VOLUME_2025 = "https://proceedings.neurips.cc/paper_files/paper/2025/vol38-main-conference"


def entries_for(year: int) -> list[NeuripsEntry]:
    """Three main papers, plus every side track the year has, titles with markup characters."""
    tracks = ["main"] * 3
    if year >= 2021:
        tracks += ["datasets-benchmarks"] * 2
    if year >= 2025:
        tracks += ["position-paper", "creative-ai"]
    entries = [
        NeuripsEntry(
            title=f"Learning <Things> & Stuff {year}-{n}",
            authors=AUTHORS,
            paper_hash=paper_hash(100 + n),
            track=track,
            round=(n % 2) + 1 if year == 2021 and track != "main" else None,
        )
        for n, track in enumerate(tracks)
    ]
    if year == 2021:  # the D&B host numbers its papers apart: the same hash as a main paper
        entries.append(
            NeuripsEntry("Shared Number", AUTHORS, paper_hash(100), "datasets-benchmarks", 1)
        )
    return entries


def collect_from(root: Path, serve: Serve, store: Store, year: int) -> CollectSummary:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        return collect(store, client, "NeurIPS", year, source=SOURCE)


def edit_page(root: Path, url: str, old: bytes, new: bytes, count: int = -1) -> None:
    file = file_for_url(root, url)
    body = file.read_bytes()
    assert old in body, f"{old!r} not in {url}"
    file.write_bytes(body.replace(old, new, count))


def rows_by_title(store: Store) -> dict[str, dict]:
    return {row["title"]: row for row in store.papers.rows(Selection())}


# --- every layout era, collected from the mirror -------------------------------------------------

ERAS = [
    (1987, Layout.MODERN),  # the first NIPS: no track token, data-track="none"
    (2013, Layout.MODERN),
    (2019, Layout.CLASSIC),  # <li class="none">, authors in <i>
    (2020, Layout.MODERN),
    (2021, Layout.MODERN),  # main page plus the D&B host (-round1/-round2, earlier render)
    (2022, Layout.CLASSIC),  # <li class="conference">, -Datasets_and_Benchmarks
    (2023, Layout.MODERN),
    (2024, Layout.MODERN),  # badges, -Datasets_and_Benchmarks_Track
    (2025, Layout.MODERN),  # year page (Creative AI) plus the vol38 main volume
]


@pytest.mark.parametrize(("year", "layout"), ERAS, ids=[f"{y}-{lay}" for y, lay in ERAS])
def test_every_era_collects_titles_authors_tracks_and_pdf_urls(
    tmp_path: Path, serve: Serve, store: Store, year: int, layout: Layout
) -> None:
    entries = entries_for(year)
    pdf_urls = write_neurips_year(tmp_path, year, entries, layout)
    summary = collect_from(tmp_path, serve, store, year)
    assert (summary.papers, summary.duplicates, summary.without_pdf) == (len(entries), 0, 0)
    stored = sorted(
        (r["title"], r["pdf_url"], r["page_url"], r["track"], tuple(r["authors"]))
        for r in store.papers.rows(Selection())
    )
    expected = sorted(
        (e.title, pdf, abstract_url(year, e), e.track, AUTHORS)
        for e, pdf in zip(entries, pdf_urls, strict=True)
    )
    assert stored == expected
    assert {r["venue"] for r in store.papers.rows(Selection())} == {"NeurIPS"}


@pytest.mark.parametrize("year", [2016, 2021, 2024, 2025])
def test_pdf_rule_matches_what_the_abstract_page_links(tmp_path: Path, year: int) -> None:
    entries = entries_for(year)
    write_neurips_year(tmp_path, year, entries)
    for entry in entries:
        url = abstract_url(year, entry)
        page = BeautifulSoup(decode_text(file_for_url(tmp_path, url).read_bytes()), "html.parser")
        cited = page.find("meta", attrs={"name": "citation_pdf_url"})
        button = page.find("a", string="Paper")
        assert isinstance(cited, Tag) and isinstance(button, Tag)
        assert pdf_url_for(url) == cited["content"] == pdf_url(year, entry)
        assert str(button["href"]) in str(cited["content"])


def test_pdf_urls_follow_from_abstract_links_and_tracks_from_their_tokens() -> None:
    digest = paper_hash(526)
    abstract = f"{YEAR_2020}/hash/{digest}-Abstract.html"
    assert pdf_url_for(abstract) == f"{YEAR_2020}/file/{digest}-Paper.pdf"
    assert track_for(None) == "main" and track_for("Conference") == "main"
    assert track_for("Datasets_and_Benchmarks") == track_for("round2") == "datasets-benchmarks"
    assert track_for("Position_Paper_Track") == "position-paper"


def test_tracks_are_kept_apart_and_2021_db_ids_carry_their_round(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_neurips_year(tmp_path, 2021, entries_for(2021))
    collect_from(tmp_path, serve, store, 2021)
    rows = store.papers.rows(Selection())
    shared = paper_hash(100)
    assert {r["source_id"] for r in rows if shared in r["source_id"]} == {
        f"2021-{shared}",
        f"2021-{shared}-round1",
    }
    by_track = {t: sum(r["track"] == t for r in rows) for t in ("main", "datasets-benchmarks")}
    assert by_track == {"main": 3, "datasets-benchmarks": 3}
    db = [r for r in rows if r["track"] == "datasets-benchmarks"]
    assert all(r["pdf_url"].startswith("https://datasets-benchmarks-proceedings") for r in db)


def test_2025_year_page_names_its_volume_and_both_are_read(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    entries = entries_for(2025)
    write_neurips_year(tmp_path, 2025, entries)
    summary = collect_from(tmp_path, serve, store, 2025)
    assert summary.pages == 2 and summary.papers == len(entries)
    tracks = sorted(r["track"] for r in store.papers.rows(Selection()))
    assert tracks == sorted(e.track for e in entries)
    year_url = SOURCE.official_url("NeurIPS", 2025)
    page = SOURCE.parse(
        ListingRequest(year_url, "NeurIPS", 2025),
        file_for_url(tmp_path, year_url).read_bytes(),
        year_url,
    )
    assert [r.url for r in page.follow] == [VOLUME_2025]
    assert [p.track for p in page.papers] == ["creative-ai"]


def test_a_volume_page_named_only_by_see_also_is_followed(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_neurips_year(tmp_path, 2024, entries_for(2024))
    other = tmp_path / "other"
    extra = [NeuripsEntry("Only In The Volume", AUTHORS, paper_hash(999))]
    write_neurips_year(other, 2024, extra)
    year_url = SOURCE.official_url("NeurIPS", 2024)
    volume = f"{year_url}/vol37-extra"
    file_for_url(tmp_path, volume).write_bytes(file_for_url(other, year_url).read_bytes())
    edit_page(
        tmp_path,
        year_url,
        b"</header>",
        b'<p class="book-see-also">See also: <a href="/paper_files/paper/2024/vol37-extra">'
        b"Volume 37 extra</a></p></header>",
    )
    summary = collect_from(tmp_path, serve, store, 2024)
    assert summary.pages == 2 and "Only In The Volume" in rows_by_title(store)


# --- full size, with the 2019 study's numbers of papers ----------------------------------------


def test_full_neurips_2019_from_the_study_collects_all_1427(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    entries = sorted(
        (
            NeuripsEntry(p.title, p.authors, paper_hash(8000 + n))
            for n, p in enumerate(stand_ins("nips_2019"))
        ),
        key=lambda e: e.paper_hash,  # the real page lists papers in hash order
    )
    pdf_urls = write_neurips_year(tmp_path, 2019, entries)
    summary = collect_from(tmp_path, serve, store, 2019)
    assert study_list("nips_2019").papers == summary.papers == summary.new == 1427
    rows = rows_by_title(store)
    assert len(rows) == 1427
    for entry, pdf in list(zip(entries, pdf_urls, strict=True))[::97]:
        assert rows[entry.title]["pdf_url"] == pdf
        assert tuple(rows[entry.title]["authors"]) == entry.authors
    assert "Model 1: Deep Depth Estimation & <Markup>" in rows  # its markup escaped and read back


def build_2020(root: Path) -> list[tuple[str, str]]:
    """The study's 1,898 papers of 2020 on one page; (title, PDF URL) in page order."""
    expected = []
    entries = []
    for n, paper in enumerate(stand_ins("nips_2020")):
        digest = paper_hash(10000 + n)
        entries.append(NeuripsEntry(paper.title, (), digest))
        expected.append((paper.title, f"{YEAR_2020}/file/{digest}-Paper.pdf"))
    write_neurips_year(root, 2020, entries)
    return expected


def test_2020_listing_has_its_1898_entries_and_paper_count(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    expected = build_2020(tmp_path)
    assert len(expected) == study_list("nips_2020").papers
    body = file_for_url(tmp_path, YEAR_2020).read_bytes()
    soup = BeautifulSoup(body, "html.parser")
    count = soup.find("span", class_="paper-count")
    assert isinstance(count, Tag) and count.get_text() == "1898 papers"
    assert "NeurIPS 2020" in soup.find("header").get_text()
    assert len(soup.find_all("a", title="paper title")) == 1898
    summary = collect_from(tmp_path, serve, store, 2020)
    assert summary.papers == 1898
    stored = {(r["title"], r["pdf_url"]) for r in store.papers.rows(Selection())}
    assert stored == set(expected)


def test_a_listing_shorter_than_its_paper_count_stops_early(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    build_2020(tmp_path)
    file = file_for_url(tmp_path, YEAR_2020)
    body = file.read_bytes()
    last = body.rindex(b"<li ")
    file.write_bytes(body[:last] + body[body.index(b"</li>", last) + len(b"</li>") :])
    with pytest.raises(CollectError, match=r"paper/2020: stops early: 1897 of the 1898 papers"):
        collect_from(tmp_path, serve, store, 2020)
    assert store.papers.rows(Selection()) == []


# --- bad input ------------------------------------------------------------------------------


def test_changed_structure_is_a_one_line_error_naming_url_and_what_is_missing(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_neurips_year(tmp_path, 2020, entries_for(2020))
    body = file_for_url(tmp_path, YEAR_2020).read_bytes()
    request = ListingRequest(YEAR_2020, "NeurIPS", 2020)
    with pytest.raises(ListingError) as info:
        SOURCE.parse(request, body.replace(b'title="paper title"', b'title="paper"'), YEAR_2020)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(YEAR_2020) and '<a title="paper title">' in message
    with pytest.raises(
        ListingError, match="no paper link has the form /paper_files/paper/YEAR/hash"
    ):
        SOURCE.parse(request, body.replace(b"/hash/", b"/detail/"), YEAR_2020)
    edit_page(tmp_path, YEAR_2020, b'title="paper title"', b'title="paper"')
    with pytest.raises(
        CollectError, match=r"^listing https://proceedings\.neurips\.cc/\S+/2020: no"
    ):
        collect_from(tmp_path, serve, store, 2020)


def test_an_entry_without_an_abstract_link_is_kept_without_pdf(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    entries = entries_for(2020)
    write_neurips_year(tmp_path, 2020, entries)
    href = f' href="{urlsplit(abstract_url(2020, entries[1])).path}"'.encode()
    edit_page(tmp_path, YEAR_2020, href, b"")
    summary = collect_from(tmp_path, serve, store, 2020)
    assert (summary.papers, summary.without_pdf) == (3, 1)
    row = rows_by_title(store)[entries[1].title]
    assert (row["pdf_url"], row["page_url"], row["doc_status"]) == (None, None, "skipped")
    assert row["source_id"].startswith("2020-title-") and tuple(row["authors"]) == AUTHORS
    again = collect_from(tmp_path, serve, store, 2020)
    assert (again.new, again.papers) == (0, 3)  # its title-based id is stable


def test_duplicate_entries_are_kept_once(tmp_path: Path, serve: Serve, store: Store) -> None:
    entries = entries_for(2024)
    write_neurips_year(tmp_path, 2024, [*entries, entries[0], entries[3]])
    summary = collect_from(tmp_path, serve, store, 2024)
    assert (summary.papers, summary.duplicates) == (len(entries), 2)
    assert len(store.papers.rows(Selection())) == len(entries)


def test_non_utf8_bytes_give_sensible_text(tmp_path: Path, serve: Serve, store: Store) -> None:
    entries = entries_for(2020)
    write_neurips_year(tmp_path, 2020, entries)
    # One author list in Windows-1252, and a byte that means nothing in either encoding.
    edit_page(tmp_path, YEAR_2020, "Émile".encode(), "Émile".encode("cp1252"), count=1)
    edit_page(tmp_path, YEAR_2020, b"Stuff 2020-2", b"Stuff \x81 2020-2")
    summary = collect_from(tmp_path, serve, store, 2020)
    assert summary.papers == 3
    rows = store.papers.rows(Selection())
    assert all(tuple(r["authors"]) == AUTHORS for r in rows)
    assert "Learning <Things> & Stuff \ufffd 2020-2" in {r["title"] for r in rows}


def test_doubly_escaped_text_is_unescaped_once_more(tmp_path: Path) -> None:
    entries = [NeuripsEntry('Say "Hi" & Go', ("Zoë &amp; Co",), paper_hash(7))]
    write_neurips_year(tmp_path, 2013, entries)
    url = SOURCE.official_url("NeurIPS", 2013)
    edit_page(tmp_path, url, b'Say "Hi" &amp; Go', b"Say &amp;quot;Hi&amp;quot; &amp;amp; Go")
    page = SOURCE.parse(
        ListingRequest(url, "NeurIPS", 2013), file_for_url(tmp_path, url).read_bytes(), url
    )
    assert [(p.title, p.authors) for p in page.papers] == [('Say "Hi" & Go', ("Zoë & Co",))]


def test_a_volume_page_repeating_the_year_page_fails(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_neurips_year(tmp_path, 2025, entries_for(2025))
    year_url = SOURCE.official_url("NeurIPS", 2025)
    file_for_url(tmp_path, VOLUME_2025).write_bytes(file_for_url(tmp_path, year_url).read_bytes())
    with pytest.raises(CollectError, match=r"vol38-main-conference: repeats an earlier page"):
        collect_from(tmp_path, serve, store, 2025)


def test_a_missing_volume_page_fails_with_its_url(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_neurips_year(tmp_path, 2025, entries_for(2025))
    file_for_url(tmp_path, VOLUME_2025).unlink()
    with pytest.raises(CollectError, match=r"vol38-main-conference: HTTP 404"):
        collect_from(tmp_path, serve, store, 2025)


# --- requests and venue-years ---------------------------------------------------------------


def test_venue_years_requests_and_official_urls() -> None:
    assert SOURCE.venue_years() == {"NeurIPS": tuple(range(1987, 2026))}
    assert [r.url for r in SOURCE.start_requests("NeurIPS", 2019)] == [
        "https://proceedings.neurips.cc/paper_files/paper/2019"
    ]
    assert [r.url for r in SOURCE.start_requests("NeurIPS", 2021)] == [
        "https://proceedings.neurips.cc/paper_files/paper/2021",
        "https://datasets-benchmarks-proceedings.neurips.cc/paper/2021",
    ]
    assert [r.url for r in SOURCE.start_requests("NeurIPS", 2025)][1] == VOLUME_2025
    assert {r.chain for r in SOURCE.start_requests("NeurIPS", 2025)} == {"NeurIPS 2025"}
    assert SOURCE.official_url("NeurIPS", 2012).endswith("/paper_files/paper/2012")
    for venue, year in (("NeurIPS", 1986), ("NeurIPS", 2026), ("ICML", 2020)):
        with pytest.raises(ValueError, match="no"):
            SOURCE.start_requests(venue, year)
    assert listing_url(2025, NeuripsEntry("t", (), paper_hash(1), "creative-ai")).endswith("/2025")

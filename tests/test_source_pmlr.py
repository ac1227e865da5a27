"""PMLR source: volume pages written by the mirror builder, collected over HTTP from 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fwcensus.collect.stage import CollectError, CollectSummary, collect
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest
from fwcensus.sources.pmlr import PmlrSource, volume_url
from fwcensus.store import Store

from conftest import Serve
from facts import study_list
from study2019 import stand_ins
from support.sites.pmlr_site import PmlrEntry, Render, usual_pdf_url, write_pmlr_volume

AUTHORS = ("Ada Lovelace", "Émile Borel", "Alan Turing")


def entries(count: int, year: int) -> list[PmlrEntry]:
    """Papers whose ids follow PMLR's rule: first author's family name, year, letter."""
    return [
        PmlrEntry(f"lovelace{year % 100}{chr(97 + i)}", f"Learning <Things> & Stuff {i}", AUTHORS)
        for i in range(count)
    ]


def parse(root: Path, venue: str, year: int) -> ListingPage:
    url = volume_url(venue, year)
    body = file_for_url(root, url).read_bytes()
    return PmlrSource().parse(ListingRequest(url, venue, year), body, url)


def rewrite(root: Path, venue: str, year: int, old: bytes, new: bytes, count: int = -1) -> None:
    page = file_for_url(root, volume_url(venue, year))
    body = page.read_bytes()
    assert old in body
    page.write_bytes(body.replace(old, new, count))


def collect_mirror(
    root: Path, serve: Serve, store: Store, venue: str, year: int
) -> tuple[CollectSummary, list[dict[str, Any]]]:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        summary = collect(store, client, venue, year, source=PmlrSource())
    return summary, store.papers.rows(Selection(venues=(venue,), years=(year,)))


def study_entries(name: str, venue: str, year: int) -> list[tuple[PmlrEntry, str]]:
    """The study's list ``name`` as volume entries of generated papers (as many, its prefaces
    where they were, as many with a "Code" link), each with its PDF URL by PMLR's rule."""
    facts = study_list(name)
    volume = volume_url(venue, year)
    out = []
    for n, paper in enumerate(stand_ins(name)):
        paper_id = f"model{n}{year % 100}a"
        code = f"https://github.com/stand-in/model{n}" if n < facts.with_code else None
        entry = PmlrEntry(paper_id, paper.title, paper.authors,
                          extras=(("Code", code),) if code else ())  # fmt: skip
        out.append((entry, f"{volume}{paper_id}/{paper_id}.pdf"))
    return out


def test_venue_years_are_the_verified_volumes() -> None:
    source = PmlrSource()
    years = source.venue_years()
    assert years["ICML"] == tuple(range(2013, 2026))  # ICML 2012 and earlier: not on PMLR
    assert years["AISTATS"] == (2007, *range(2009, 2026))  # no AISTATS 2008 volume
    assert years["COLT"] == tuple(range(2011, 2026))
    assert years["CoRL"] == tuple(range(2017, 2026))
    assert source.official_url("ICML", 2019) == "https://proceedings.mlr.press/v97/"
    expected = {
        ("ICML", 2013): 28, ("ICML", 2020): 119, ("ICML", 2025): 267, ("AISTATS", 2012): 22,
        ("AISTATS", 2025): 258, ("COLT", 2017): 65, ("COLT", 2023): 195, ("CoRL", 2017): 78,
        ("CoRL", 2023): 229,
    }  # fmt: skip
    for (venue, year), volume in expected.items():
        assert [r.url for r in source.start_requests(venue, year)] == [
            f"https://proceedings.mlr.press/v{volume}/"
        ]
    with pytest.raises(ValueError, match="PMLR has no ICML 2012"):
        source.start_requests("ICML", 2012)


def test_icml_2019_full_size_collects_every_study_paper_with_its_pdf(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    study = study_entries("icml_2019", "ICML", 2019)
    assert len(study) == 773
    urls = write_pmlr_volume(tmp_path, "ICML", 2019, [e for e, _ in study], Render.THEME_HTTP)
    assert urls == [pdf for _, pdf in study]
    summary, rows = collect_mirror(tmp_path, serve, store, "ICML", 2019)
    assert (summary.papers, summary.new, summary.without_pdf) == (773, 773, 0)
    assert {row["title"]: row["pdf_url"] for row in rows} == {e.title: pdf for e, pdf in study}
    by_id = {row["source_id"]: row for row in rows}
    first, _ = study[0]
    row = by_id["v97/model019a"]
    assert (row["title"], tuple(row["authors"])) == (first.title, first.authors)
    assert row["pdf_url"] == "https://proceedings.mlr.press/v97/model019a/model019a.pdf"
    assert row["page_url"] == "https://proceedings.mlr.press/v97/model019a.html"
    assert row["code_urls"] == ["https://github.com/stand-in/model0"]
    assert sum(bool(row["code_urls"]) for row in rows) == study_list("icml_2019").with_code == 518
    assert {row["track"] for row in rows} == {"main"}


@pytest.mark.parametrize(
    ("name", "venue", "year", "count"),
    [("aistats_2018", "AISTATS", 2018, 216), ("colt_2017", "COLT", 2017, 76)],
)
def test_aistats_and_colt_volumes_from_the_study_numbers(
    tmp_path: Path, serve: Serve, store: Store, name: str, venue: str, year: int, count: int
) -> None:
    study = study_entries(name, venue, year)
    write_pmlr_volume(tmp_path, venue, year, [e for e, _ in study], Render.THEME_HTTPS)
    summary, rows = collect_mirror(tmp_path, serve, store, venue, year)
    assert summary.papers == len(rows) == count
    found = {row["title"]: row["pdf_url"] for row in rows}
    for entry, pdf in study[:: max(1, count // 12)]:
        assert found[entry.title] == pdf
    # COLT 2017 opens with its preface, listed like a paper: counted apart from the papers.
    prefaces = [row["title"] for row in rows if row["track"] == "front-matter"]
    assert prefaces == [study[i][0].title for i in study_list(name).prefaces]
    assert len(prefaces) == (venue == "COLT")


def test_corl_orals_and_posters_and_2025_pdfs_on_github(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    oral = [PmlrEntry(f"ada25{c}", f"Robots {c}", AUTHORS, section="Oral") for c in "ab"]
    poster = [PmlrEntry(f"bob25{c}", f"Arms {c}", ("Bob",), section="Poster") for c in "abc"]
    urls = write_pmlr_volume(tmp_path, "CoRL", 2025, [*oral, *poster])
    assert (
        urls[0] == "https://raw.githubusercontent.com/mlresearch/v305/main/assets/ada25a/ada25a.pdf"
    )
    summary, rows = collect_mirror(tmp_path, serve, store, "CoRL", 2025)
    assert summary.papers == 5
    assert {row["title"]: row["presentation"] for row in rows} == {
        "Robots a": "oral", "Robots b": "oral", "Arms a": "poster", "Arms b": "poster",
        "Arms c": "poster",
    }  # fmt: skip
    assert sorted(row["pdf_url"] for row in rows) == sorted(url for url in urls if url)


@pytest.mark.parametrize(
    ("render", "venue", "year", "pdf_shape"),
    [
        (Render.LEGACY_2017, "ICML", 2017, "https://proceedings.mlr.press/v70/{id}/{id}.pdf"),
        (Render.THEME_HTTP, "ICML", 2015, "https://proceedings.mlr.press/v37/{id}.pdf"),
        (Render.THEME_HTTP, "ICML", 2021, "https://proceedings.mlr.press/v139/{id}/{id}.pdf"),
        (Render.THEME_HTTPS, "AISTATS", 2024, "https://proceedings.mlr.press/v238/{id}/{id}.pdf"),
        (
            Render.THEME_HTTPS,
            "ICML",
            2025,
            "https://raw.githubusercontent.com/mlresearch/v267/main/assets/{id}/{id}.pdf",
        ),
    ],
)
def test_every_render_and_pdf_location_parses(
    tmp_path: Path, render: Render, venue: str, year: int, pdf_shape: str
) -> None:
    listed = entries(7, year)
    urls = write_pmlr_volume(tmp_path, venue, year, listed, render)
    papers = parse(tmp_path, venue, year).papers
    assert [p.title for p in papers] == [e.title for e in listed]
    assert [p.pdf_url for p in papers] == urls
    assert urls == [pdf_shape.format(id=e.paper_id) for e in listed]
    assert all(p.authors == AUTHORS for p in papers)
    volume = volume_url(venue, year).rstrip("/").rsplit("/", 1)[1]
    assert [p.source_id for p in papers] == [f"{volume}/{e.paper_id}" for e in listed]
    assert all(p.page_url == f"https://proceedings.mlr.press/{p.source_id}.html" for p in papers)


def test_a_pdf_outside_the_usual_place_is_taken_as_the_page_gives_it(tmp_path: Path) -> None:
    elsewhere = "https://proceedings.mlr.press/v235/assets/mishchenko24a/mishchenko24a.pdf"
    listed = [
        PmlrEntry("mishchenko24a", "Prodigy", AUTHORS, pdf_url=elsewhere),
        PmlrEntry("abe24a", "Mirror Descent", AUTHORS),
    ]
    write_pmlr_volume(tmp_path, "ICML", 2024, listed)
    papers = parse(tmp_path, "ICML", 2024).papers
    assert [p.pdf_url for p in papers] == [elsewhere, usual_pdf_url("ICML", 2024, "abe24a")]


def test_sections_cycles_prefaces_and_open_problems(tmp_path: Path) -> None:
    colt = [
        PmlrEntry("bubeck18a", "COLT 2018: Preface", AUTHORS, section="Preface"),
        PmlrEntry("hsu18a", "A Best Paper", AUTHORS, section="Best Paper Awards"),
        PmlrEntry("ng18a", "A Regular Paper", AUTHORS, section="Regular Papers"),
        PmlrEntry("lee18a", "Open Problem: Is It Hard?", AUTHORS, section="Open Problems"),
    ]  # fmt: skip
    write_pmlr_volume(tmp_path, "COLT", 2018, colt)
    placed = {p.title: (p.track, p.presentation) for p in parse(tmp_path, "COLT", 2018).papers}
    assert placed == {
        "COLT 2018: Preface": ("front-matter", None),
        "A Best Paper": ("main", None),
        "A Regular Paper": ("main", None),
        "Open Problem: Is It Hard?": ("open-problems", None),
    }
    cycles = [
        PmlrEntry(f"c{n}13", f"Cycle paper {n}", AUTHORS, section=f"Cycle {n} Papers")
        for n in (1, 2, 3)
    ]
    write_pmlr_volume(tmp_path, "ICML", 2013, cycles, Render.THEME_HTTP)
    papers = parse(tmp_path, "ICML", 2013).papers
    assert [(p.title, p.track) for p in papers] == [(e.title, "main") for e in cycles]


def test_code_arxiv_and_doi_links(tmp_path: Path) -> None:
    supp = "https://proceedings.mlr.press/v139/zou21b/zou21b-supp.pdf"
    listed = [
        PmlrEntry(
            "zou21b",
            "Hamiltonian Monte Carlo",
            ("Difan Zou", "Quanquan Gu"),
            software="https://github.com/zou/hmc",
            openreview="AbCdEf123",
            extras=(
                ("Supplementary PDF", supp),
                ("Code", "https://github.com/zou/hmc"),
                ("Code", "https://gitlab.com/zou/hmc-jax"),
                ("arXiv", "https://arxiv.org/abs/2101.01234v2"),
                ("DOI", "https://doi.org/10.1234/abc.5"),
            ),
        )
    ]
    write_pmlr_volume(tmp_path, "ICML", 2021, listed, Render.THEME_HTTP)
    (paper,) = parse(tmp_path, "ICML", 2021).papers
    assert paper.pdf_url == "https://proceedings.mlr.press/v139/zou21b/zou21b.pdf"
    assert paper.code_urls == ("https://github.com/zou/hmc", "https://gitlab.com/zou/hmc-jax")
    assert (paper.arxiv_id, paper.doi) == ("2101.01234", "10.1234/abc.5")


def test_changed_structure_is_a_one_line_error_naming_url_and_what_is_missing(
    tmp_path: Path,
) -> None:
    url = "https://proceedings.mlr.press/v97/"
    write_pmlr_volume(tmp_path, "ICML", 2019, entries(3, 2019))
    changes = [
        (b'class="paper"', b'class="paper-entry"', "no <div class=paper> entries"),
        (b'class="title"', b'class="name"', "paper entry 1 has no <p class=title>"),
        (b'class="authors"', b'class="people"', "has no <span class=authors>"),
        (b">abs</a>", b">abstract</a>", r"has no \[abs\] link"),
        (b">Download PDF</a>", b">Get it</a>", r"no paper entry has a \[Download PDF\] link"),
        (b"Volume 97:", b"Volume 98:", "the page is Volume 98, not Volume 97"),
    ]
    original = file_for_url(tmp_path, url).read_bytes()
    for old, new, problem in changes:
        file_for_url(tmp_path, url).write_bytes(original.replace(old, new))
        with pytest.raises(ListingError, match=problem) as info:
            parse(tmp_path, "ICML", 2019)
        assert "\n" not in str(info.value) and str(info.value).startswith(url)


def test_an_entry_without_pdf_link_is_kept_and_marked(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    listed = entries(3, 2018)
    listed[1] = PmlrEntry(listed[1].paper_id, "No PDF Here", AUTHORS, has_pdf=False)
    write_pmlr_volume(tmp_path, "ICML", 2018, listed)
    summary, rows = collect_mirror(tmp_path, serve, store, "ICML", 2018)
    assert (summary.papers, summary.without_pdf) == (3, 1)
    (row,) = [row for row in rows if row["title"] == "No PDF Here"]
    assert (row["pdf_url"], row["doc_status"]) == (None, "skipped")
    assert row["doc_error"] == "no PDF link in the listing"


def test_an_entry_listed_twice_is_kept_once(tmp_path: Path, serve: Serve, store: Store) -> None:
    listed = entries(4, 2020)
    write_pmlr_volume(tmp_path, "ICML", 2020, [*listed, listed[2]])
    summary, rows = collect_mirror(tmp_path, serve, store, "ICML", 2020)
    assert (summary.papers, summary.duplicates, len(rows)) == (4, 1, 4)


def test_stray_non_utf8_bytes_are_read_as_windows_1252(tmp_path: Path) -> None:
    write_pmlr_volume(tmp_path, "AISTATS", 2016, entries(2, 2016))
    # One author name re-encoded by hand, as an editor in Latin-1 would leave it.
    rewrite(tmp_path, "AISTATS", 2016, "Émile".encode(), b"\xc9mile \x93Emil\x94", count=1)
    first, second = parse(tmp_path, "AISTATS", 2016).papers
    assert first.authors[1] == "Émile “Emil” Borel"
    assert second.authors == AUTHORS


def test_collect_of_a_404_volume_fails_with_the_url(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    server = serve(tmp_path)
    with (
        HttpClient(fetch_settings(mirror=server.url, rate=0)) as client,
        pytest.raises(CollectError, match=r"proceedings\.mlr\.press/v65/: HTTP 404"),
    ):
        collect(store, client, "COLT", 2017, source=PmlrSource())
    assert store.papers.rows(Selection()) == []


def test_relative_links_resolve_against_the_volume_page() -> None:
    url = volume_url("CoRL", 2017)
    page = PmlrSource().parse(
        ListingRequest(url, "CoRL", 2017),
        b'<div class="paper"><p class="title">T</p><p class="details">'
        b'<span class="authors">A B</span></p><p class="links">'
        b'[<a href="lee17a.html">abs</a>][<a href="lee17a/lee17a.pdf">Download PDF</a>]</p></div>',
        url,
    )
    assert page.papers == (
        Paper(
            source="pmlr",
            source_id="v78/lee17a",
            venue="CoRL",
            year=2017,
            title="T",
            authors=("A B",),
            pdf_url="https://proceedings.mlr.press/v78/lee17a/lee17a.pdf",
            page_url="https://proceedings.mlr.press/v78/lee17a.html",
        ),
    )

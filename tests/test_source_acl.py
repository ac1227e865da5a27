"""The ACL Anthology source: collection XML files, served by a mirror of GitHub raw files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from fwcensus.collect.stage import CollectError, CollectSummary, collect
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.acl_anthology import (
    AclAnthologySource,
    Proceedings,
    anthology_id,
    collection_url,
    proceedings,
)
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest
from fwcensus.store import Store

import skeleton
from conftest import Serve
from facts import structure, study_list
from study2019 import StandIn, stand_ins
from support.sites.acl_site import (
    INDUSTRY,
    SRW,
    AclPaper,
    AclVolume,
    booktitle,
    volume_label,
    write_acl_year,
    write_collection,
)

SOURCE = AclAnthologySource()
AUTHORS = ("Ada Lovelace", "Émile Borel", "Mausam")


def parse(part: Proceedings, body: bytes, venue: str = "NAACL", year: int = 2019) -> ListingPage:
    request = ListingRequest(part.url, venue, year, meta={"proceedings": part})
    return SOURCE.parse(request, body, part.url)


def papers(label: str, count: int) -> list[AclPaper]:
    return [AclPaper(f"{label} with BERT & <XML> number {n}", AUTHORS) for n in range(count)]


def collect_mirror(root: Path, serve: Serve, store: Store, venue: str, year: int) -> CollectSummary:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        return collect(store, client, venue, year, source=SOURCE)


def rows_by_id(store: Store) -> dict[str, dict]:
    return {row["source_id"]: row for row in store.papers.rows(Selection())}


# -- the structure of the recorded real files ----------------------------------------------------

RECORDED = {2019: "N19.trimmed.xml", 2024: "2024.acl.trimmed.xml"}  # tests/fixtures/acl-anthology


def _order(node: skeleton.Node, path: str) -> list[str]:
    """Child tags of the first element at ``path``, repeats (authors, editors) counted once."""
    tags = skeleton.child_tags(skeleton.find(node, path))
    return [tag for index, tag in enumerate(tags) if index == 0 or tags[index - 1] != tag]


def _is_subsequence(ours: list[str], real: list[str]) -> bool:
    remaining = iter(real)
    return all(tag in remaining for tag in ours)


@pytest.mark.parametrize(("venue", "year"), [("NAACL", 2019), ("ACL", 2024)])
def test_builder_writes_only_the_structure_of_the_real_files(
    tmp_path: Path, venue: str, year: int
) -> None:
    code = "https://github.com/a/b" if year < 2020 else None  # the 2024 file has no PwC links
    main = [AclPaper("Learning NER with FastText", AUTHORS, code_url=code)]
    findings = main if len(proceedings(venue, year)) > 1 else []
    write_acl_year(tmp_path, venue, year, main * 3, findings)
    body = file_for_url(tmp_path, proceedings(venue, year)[0].url).read_bytes()
    ours = skeleton.signature(body, "xml")
    real = structure("acl-anthology", RECORDED[year])
    both_eras = [structure("acl-anthology", name)["root"] for name in RECORDED.values()]
    assert skeleton.pairs(ours["root"]) <= set().union(*map(skeleton.pairs, both_eras))
    assert skeleton.attributes(ours["root"]) <= set().union(*map(skeleton.attributes, both_eras))
    # The era's own marks: volume attributes, meta order, the trailing event.
    assert {pair for pair in skeleton.attributes(ours["root"]) if pair[0] == "volume"} == {
        pair for pair in skeleton.attributes(real["root"]) if pair[0] == "volume"
    }
    event = ("collection", "event")
    assert (event in skeleton.pairs(ours["root"])) == (event in skeleton.pairs(real["root"]))
    for path in ("volume/meta", "volume/paper"):
        assert _is_subsequence(_order(ours["root"], path), _order(real["root"], path)), path
    assert ours["prolog"] == real["prolog"]
    assert b'    <paper id="1">\n      <title>Learning <fixed-case>NER</fixed-case>' in body


# -- one venue-year of every venue, in every era -------------------------------------------------


@dataclass(frozen=True)
class Case:
    venue: str
    year: int
    main: int
    findings: int = 0


CASES = [
    Case("ACL", 2018, main=7),  # numbered volumes: long P18-1, short P18-2
    Case("ACL", 2019, main=5),  # one numbered volume
    Case("ACL", 2024, main=7, findings=3),  # named long/short volumes and Findings
    Case("NAACL", 2019, main=5),
    Case("NAACL", 2022, main=4, findings=2),  # one "main" volume
    Case("EMNLP", 2016, main=5),
    Case("EMNLP", 2020, main=4, findings=3),  # the first Findings
    Case("EACL", 2014, main=4),  # short papers in volume 4
    Case("EACL", 2023, main=4, findings=2),
    Case("COLING", 2018, main=4),
    Case("COLING", 2022, main=4),  # a numbered volume in a new-style collection
    Case("COLING", 2024, main=4),  # LREC-COLING: the 2024.lrec collection
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.venue}{case.year}")
def test_collect_a_venue_year_from_the_mirror(
    tmp_path: Path, serve: Serve, store: Store, case: Case
) -> None:
    expected = write_acl_year(
        tmp_path,
        case.venue,
        case.year,
        papers(f"{case.venue} main", case.main),
        papers(f"{case.venue} findings", case.findings),
    )
    summary = collect_mirror(tmp_path, serve, store, case.venue, case.year)
    assert summary.papers == case.main + case.findings == len(expected)
    assert summary.pages == len(proceedings(case.venue, case.year))
    rows = rows_by_id(store)
    assert set(rows) == {paper.source_id for paper in expected}
    for paper in (expected[0], expected[-1]):
        row = rows[paper.source_id]
        assert (row["title"], row["pdf_url"], row["track"]) == (
            paper.title,
            paper.pdf_url,
            paper.track,
        )
        assert tuple(row["authors"]) == AUTHORS and row["doi"] == f"10.18653/v1/{paper.source_id}"
    assert sum(row["track"] == "findings" for row in rows.values()) == case.findings
    assert not any("skip" in row["title"] for row in rows.values())


def test_workshops_filed_under_emnlp_2019_are_not_its_papers(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    # D19-50 to D19-66 are workshops (two-digit volumes); not every booktitle says "workshop".
    main = AclVolume("1", booktitle("EMNLP", 2019), papers("EMNLP", 3))
    lantern = AclVolume("50", "Proceedings of Beyond Vision and Language (LANTERN)", papers("W", 2))
    write_collection(tmp_path, "D19", 2019, [main, lantern])
    summary = collect_mirror(tmp_path, serve, store, "EMNLP", 2019)
    assert summary.papers == 3 and set(rows_by_id(store)) == {"D19-1001", "D19-1002", "D19-1003"}


def test_requests_name_the_collection_files_of_the_venue_year() -> None:
    assert [r.url for r in SOURCE.start_requests("ACL", 2019)] == [
        "https://raw.githubusercontent.com/acl-org/acl-anthology/master/data/xml/P19.xml"
    ]
    assert [r.url.rsplit("/", 1)[1] for r in SOURCE.start_requests("EMNLP", 2024)] == [
        "2024.emnlp.xml",
        "2024.findings.xml",
    ]
    assert SOURCE.official_url("NAACL", 2019) == "https://aclanthology.org/events/naacl-2019/"


def test_venue_years_are_the_years_each_venue_met() -> None:
    years = SOURCE.venue_years()
    assert years["ACL"] == years["EMNLP"] == tuple(range(2012, 2026))
    assert years["NAACL"] == (2012, 2013, 2015, 2016, 2018, 2019, 2021, 2022, 2024, 2025)
    assert years["EACL"] == (2012, 2014, 2017, 2021, 2023, 2024)
    assert years["COLING"] == (2012, 2014, 2016, 2018, 2020, 2022, 2024, 2025)
    with pytest.raises(ValueError, match="no NAACL 2023"):
        SOURCE.start_requests("NAACL", 2023)
    assert [part.track for part in proceedings("ACL", 2020)] == ["main"]  # Findings began later


# -- the full-size listings of the 2019 study ----------------------------------------------------


def build_study_year(
    root: Path, venue: str, year: int, name: str, side: dict[str, str]
) -> tuple[list[tuple[str, StandIn]], int]:
    """Write the venue-year's collection numbered as the study's list ``name`` is: each number
    it lists holds one of its stand-ins, a number it lacks a paper it did not list; ``side``
    names the study's volumes that are side tracks. Returns the study's main papers with their
    Anthology ids, and how many main-conference papers were written."""
    part = proceedings(venue, year)[0]
    papers = iter(stand_ins(name))
    volumes, listed = [], []
    for volume, numbering in study_list(name).anthology_volumes.items():
        entries = []
        for n in range(1, numbering["last"] + 1):
            if n in numbering["missing"]:
                entries.append(AclPaper(f"A paper the study did not list ({volume}/{n})", AUTHORS))
                continue
            paper = next(papers)
            entries.append(AclPaper(paper.title, paper.authors))
            if volume not in side:
                listed.append((anthology_id(part.collection, volume, str(n)), paper))
        label = side.get(volume, volume_label(part, volume))
        volumes.append(AclVolume(volume, booktitle(venue, year, label), entries))
    assert next(papers, None) is None, "every paper of the study's list is placed"
    write_collection(root, part.collection, year, volumes)
    return listed, sum(len(volume.papers) for volume in volumes if volume.volume_id in part.volumes)


@dataclass(frozen=True)
class StudyYear:
    venue: str
    year: int
    name: str  # the study's list
    study_total: int
    side: dict[str, str]  # the study's volumes that are not main papers: volume -> label
    collected: int
    not_in_study: int = 0


STUDY_YEARS = [
    # The study counted the 28 industry papers of N19-2 and missed N19-1338 (its ids jump
    # from 337 to 339): the main volume has 424 papers, 423 of them in the study.
    StudyYear("NAACL", 2019, "naacl_2019", 451, {"2": INDUSTRY}, collected=424, not_in_study=1),
    StudyYear("ACL", 2018, "acl_2018", 381, {}, collected=381),  # P18-1 long + P18-2 short
    # ACL 2019 printed long and short papers in one volume, P19-1; the study added the 60
    # student research workshop papers of P19-2.
    StudyYear("ACL", 2019, "acl_2019", 720, {"2": SRW}, collected=660),
    StudyYear("ACL", 2020, "acl_2020", 778, {}, collected=778),  # 2020.acl-main
]


@pytest.mark.parametrize("case", STUDY_YEARS, ids=lambda case: f"{case.venue}{case.year}")
def test_full_size_listing_numbered_as_the_studys(
    tmp_path: Path, serve: Serve, store: Store, case: StudyYear
) -> None:
    assert study_list(case.name).papers == case.study_total
    listed, written = build_study_year(tmp_path, case.venue, case.year, case.name, case.side)
    summary = collect_mirror(tmp_path, serve, store, case.venue, case.year)
    assert summary.papers == case.collected == written
    assert len(listed) + case.not_in_study == case.collected
    rows = rows_by_id(store)
    for paper_id, paper in listed:
        row = rows[paper_id]
        assert row["title"] == paper.title
        assert row["pdf_url"] == f"https://aclanthology.org/{paper_id}.pdf"
        assert tuple(row["authors"]) == paper.authors


# -- bad input -----------------------------------------------------------------------------------


def _one_year(root: Path, count: int = 3) -> Path:
    write_acl_year(root, "NAACL", 2019, papers("NAACL", count))
    return file_for_url(root, proceedings("NAACL", 2019)[0].url)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            (b"<collection ", b"<anthology ", b"</collection>", b"</anthology>"),
            "no <collection id=",
        ),
        ((b'<volume id="1">', b'<volume id="9">'), "no <volume id='1'> (N19-1)"),
        (
            (b"<booktitle>", b"<maintitle>", b"</booktitle>", b"</maintitle>"),
            "has no <meta><booktitle>",
        ),
        ((b"<title>", b"<name>", b"</title>", b"</name>"), "paper N19-1001 has no <title>"),
        ((b"<paper ", b"<article ", b"</paper>", b"</article>"), "volume N19-1 has no <paper>"),
        ((b"Workshop)", b"Selected Papers)"), "volume N19-2 ('Proceedings"),
        ((b"</collection>", b""), "not an Anthology XML file"),
    ],
    ids=["root", "volume", "booktitle", "title", "paper", "unknown-volume", "truncated"],
)
def test_changed_structure_is_a_one_line_error_naming_url_and_element(
    tmp_path: Path, change: tuple[bytes, ...], problem: str
) -> None:
    file = _one_year(tmp_path)
    body = file.read_bytes()
    for old, new in zip(change[::2], change[1::2], strict=True):
        body = body.replace(old, new)
    with pytest.raises(ListingError) as info:
        parse(proceedings("NAACL", 2019)[0], body)
    message = str(info.value)
    assert message.startswith(collection_url("N19") + ": ") and "\n" not in message
    assert problem in message


def test_a_main_volume_that_is_a_side_track_is_refused(tmp_path: Path) -> None:
    body = _one_year(tmp_path).read_bytes()
    body = body.replace(
        b"Human Language Technologies</booktitle>", b"Demonstrations</booktitle>", 1
    )
    with pytest.raises(ListingError, match=r"volume N19-1 is a side track"):
        parse(proceedings("NAACL", 2019)[0], body)


def test_collect_of_a_changed_file_fails_with_its_url(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    file = _one_year(tmp_path)
    file.write_bytes(b"<html><body>404: Not Found</body></html>")
    with pytest.raises(
        CollectError, match=r"N19\.xml: no <collection id='N19'> root element \(found <html>\)"
    ):
        collect_mirror(tmp_path, serve, store, "NAACL", 2019)
    assert store.papers.rows(Selection()) == []


def test_an_entry_without_pdf_is_kept_and_marked(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    main = [*papers("NAACL", 2), AclPaper("A paper without its PDF", AUTHORS, has_pdf=False)]
    expected = write_acl_year(tmp_path, "NAACL", 2019, main)
    assert expected[-1].pdf_url is None
    summary = collect_mirror(tmp_path, serve, store, "NAACL", 2019)
    assert (summary.papers, summary.without_pdf) == (3, 1)
    row = rows_by_id(store)["N19-1003"]
    assert row["pdf_url"] is None and row["doc_status"] == "skipped"
    assert row["page_url"] == "https://aclanthology.org/N19-1003/"


def test_a_duplicated_entry_is_kept_once(tmp_path: Path, serve: Serve, store: Store) -> None:
    file = _one_year(tmp_path)
    body = file.read_text("utf-8")
    first = body[body.index('    <paper id="1">') : body.index('    <paper id="2">')]
    file.write_text(body.replace(first, first * 2, 1), "utf-8")
    summary = collect_mirror(tmp_path, serve, store, "NAACL", 2019)
    assert (summary.papers, summary.duplicates) == (3, 1)


def test_non_utf8_bytes_are_read_as_the_legacy_characters_they_were(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_acl_year(tmp_path, "NAACL", 2019, [AclPaper("Café Étude", ("José Núñez",))])
    file = file_for_url(tmp_path, proceedings("NAACL", 2019)[0].url)
    body = file.read_bytes()
    for char in "éÉú":
        body = body.replace(char.encode("utf-8"), char.encode("cp1252"))
    file.write_bytes(body + b"<!-- stray \x81 byte -->")
    collect_mirror(tmp_path, serve, store, "NAACL", 2019)
    row = rows_by_id(store)["N19-1001"]
    assert row["title"] == "Café Étude" and row["authors"] == ["José Núñez"]

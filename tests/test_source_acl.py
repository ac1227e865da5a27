"""The ACL Anthology source: collection XML files, served by a mirror of GitHub raw files."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from fwcensus.fetch.client import FetchSettings, HttpClient
from fwcensus.mirror.acl_site import (
    INDUSTRY,
    SRW,
    AclPaper,
    AclVolume,
    booktitle,
    volume_label,
    write_acl_year,
    write_collection,
)
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.sources.acl_anthology import (
    AclAnthologySource,
    Proceedings,
    anthology_id,
    collection_url,
    proceedings,
)
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest
from fwcensus.sources.collect import CollectError, CollectSummary, collect
from fwcensus.store import Store

from conftest import Serve
from study2019 import shared_dir

REAL = "fixtures-real/acl-anthology/data/xml"
SOURCE = AclAnthologySource()
AUTHORS = ("Ada Lovelace", "Émile Borel", "Mausam")


def real_file(name: str) -> bytes:
    return (shared_dir() / REAL / name).read_bytes()


def parse(part: Proceedings, body: bytes, venue: str = "NAACL", year: int = 2019) -> ListingPage:
    request = ListingRequest(part.url, venue, year, meta={"proceedings": part})
    return SOURCE.parse(request, body, part.url)


def papers(label: str, count: int) -> list[AclPaper]:
    return [AclPaper(f"{label} with BERT & <XML> number {n}", AUTHORS) for n in range(count)]


def collect_mirror(root: Path, serve: Serve, store: Store, venue: str, year: int) -> CollectSummary:
    server = serve(root)
    with HttpClient(FetchSettings(mirror=server.url, rate=0)) as client:
        return collect(store, client, venue, year, source=SOURCE)


def rows_by_id(store: Store) -> dict[str, dict]:
    return {row["source_id"]: row for row in store.paper_rows(Selection())}


# -- the recorded real files ---------------------------------------------------------------------


def test_recorded_naacl_2019_file_gives_its_papers() -> None:
    page = parse(Proceedings("N19", ("1",)), real_file("N19.trimmed.xml"))
    assert [p.source_id for p in page.papers] == [f"N19-100{n}" for n in range(1, 6)]
    first, second = page.papers[:2]
    assert first.title == (
        "Entity Recognition at First Sight: Improving NER with Eye Movement Information"
    )
    assert first.authors == ("Nora Hollenstein", "Ce Zhang")
    assert first.pdf_url == "https://aclanthology.org/N19-1001.pdf"
    assert first.page_url == "https://aclanthology.org/N19-1001/"
    assert first.doi == "10.18653/v1/N19-1001"
    assert first.code_urls == ("https://github.com/DS3Lab/ner-at-first-sight",)
    assert second.title == "The emergence of number and syntax units in LSTM language models"
    assert len(second.authors) == 6 and first.track == "main" and first.arxiv_id is None
    assert page.papers[2].code_urls == ()  # a dataset link is not code


def test_recorded_acl_2024_file_gives_its_papers_at_their_latest_revision() -> None:
    page = parse(Proceedings("2024.acl", ("long",)), real_file("2024.acl.trimmed.xml"), "ACL", 2024)
    assert [p.source_id for p in page.papers] == [f"2024.acl-long.{n}" for n in (1, 2, 3)]
    mage = page.papers[2]
    assert mage.title == "MAGE: Machine-generated Text Detection in the Wild"
    assert mage.pdf_url == "https://aclanthology.org/2024.acl-long.3.pdf"  # v2, unsuffixed
    assert mage.authors[0] == "Yafu Li" and len(mage.authors) == 9  # affiliations left out
    assert page.papers[0].doi == "10.18653/v1/2024.acl-long.1"


def test_a_trimmed_real_file_lacks_the_short_volume_and_says_so() -> None:
    part = proceedings("ACL", 2024)[0]
    with pytest.raises(ListingError) as info:
        parse(part, real_file("2024.acl.trimmed.xml"), "ACL", 2024)
    message = str(info.value)
    assert message.startswith(collection_url("2024.acl")) and "\n" not in message
    assert "no <volume id='short'> (2024.acl-short)" in message


def _structure(body: bytes) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Parent/child tag pairs and tag/attribute pairs of an XML document."""
    root = ET.fromstring(body)
    pairs = {(parent.tag, child.tag) for parent in root.iter() for child in parent}
    attributes = {(element.tag, name) for element in root.iter() for name in element.attrib}
    return pairs, attributes


def _order(body: bytes, path: str) -> list[str]:
    """Child tags of the first element at ``path``, repeats (authors, editors) counted once."""
    element = ET.fromstring(body).find(path)
    assert element is not None, path
    tags = [child.tag for child in element]
    return [tag for index, tag in enumerate(tags) if index == 0 or tags[index - 1] != tag]


def _is_subsequence(ours: list[str], real: list[str]) -> bool:
    remaining = iter(real)
    return all(tag in remaining for tag in ours)


@pytest.mark.parametrize(
    ("venue", "year", "real"),
    [("NAACL", 2019, "N19.trimmed.xml"), ("ACL", 2024, "2024.acl.trimmed.xml")],
)
def test_builder_writes_only_the_structure_of_the_real_files(
    tmp_path: Path, venue: str, year: int, real: str
) -> None:
    code = "https://github.com/a/b" if year < 2020 else None  # the 2024 file has no PwC links
    main = [AclPaper("Learning NER with FastText", AUTHORS, code_url=code)]
    findings = main if len(proceedings(venue, year)) > 1 else []
    write_acl_year(tmp_path, venue, year, main * 3, findings)
    body = file_for_url(tmp_path, proceedings(venue, year)[0].url).read_bytes()
    real_body = real_file(real)
    ours, real_structure = _structure(body), _structure(real_body)
    both_eras = [
        _structure(real_file(name)) for name in ("N19.trimmed.xml", "2024.acl.trimmed.xml")
    ]
    assert ours[0] <= set().union(*(pairs for pairs, _ in both_eras))
    assert ours[1] <= set().union(*(attributes for _, attributes in both_eras))
    # The era's own marks: volume attributes, meta order, the trailing event.
    assert {pair for pair in ours[1] if pair[0] == "volume"} == {
        pair for pair in real_structure[1] if pair[0] == "volume"
    }
    event = ("collection", "event")
    assert (event in ours[0]) == (event in real_structure[0])
    for path in ("volume/meta", "volume/paper"):
        assert _is_subsequence(_order(body, path), _order(real_body, path)), path
    assert body.splitlines()[0] == real_body.splitlines()[0]
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

# The study's links end in an Anthology id: N19-1001 or 2020.acl-main.1.
STUDY_ID = re.compile(
    r"[A-Z]\d\d-(?P<volume>\d)(?P<number>\d{3})"
    r"|\d{4}\.[a-z]+-(?P<new_volume>[a-z]+)\.(?P<new_number>\d+)"
)


@dataclass(frozen=True)
class StudyPaper:
    volume: str
    number: int
    title: str
    authors: tuple[str, ...]


def load_study(name: str) -> list[StudyPaper]:
    raw = json.loads((shared_dir() / f"reference/study2019/per_paper/{name}").read_text("utf-8"))
    out = []
    for entry in raw:
        link = unquote(entry["pdf_link"]).rsplit("/", 1)[1].removesuffix(".pdf")
        match = STUDY_ID.fullmatch(link)
        assert match, link
        volume = match["volume"] or match["new_volume"]
        number = int(match["number"] or match["new_number"])
        # Its 2020 scrape put the title first in the author list.
        authors = [" ".join(a.split()) for a in entry["authors"] if a != entry["name"]]
        out.append(StudyPaper(volume, number, entry["name"], tuple(filter(None, authors))))
    return out


def build_study_year(
    root: Path, venue: str, year: int, study: Sequence[StudyPaper], side: dict[str, str]
) -> int:
    """Write the venue-year's collection with the study's papers at their real numbers (a number
    the study lacks gets a stand-in); ``side`` names the study's volumes that are side tracks.
    Returns how many main-conference papers it wrote."""
    part = proceedings(venue, year)[0]
    by_volume: dict[str, dict[int, StudyPaper]] = {}
    for paper in study:
        by_volume.setdefault(paper.volume, {})[paper.number] = paper
    volumes = []
    for volume, numbered in sorted(by_volume.items()):
        entries = [
            AclPaper(numbered[n].title, numbered[n].authors)
            if n in numbered
            else AclPaper(f"A paper the study did not list ({volume}/{n})", ("Stand In",))
            for n in range(1, max(numbered) + 1)
        ]
        label = side.get(volume, volume_label(part, volume))
        volumes.append(AclVolume(volume, booktitle(venue, year, label), entries))
    write_collection(root, part.collection, year, volumes)
    return sum(len(volume.papers) for volume in volumes if volume.volume_id in part.volumes)


@dataclass(frozen=True)
class StudyYear:
    venue: str
    year: int
    file: str
    study_total: int
    side: dict[str, str]  # the study's volumes that are not main papers: volume -> label
    collected: int
    stand_ins: int = 0


STUDY_YEARS = [
    # The study counted the 28 industry papers of N19-2 and missed N19-1338 (its ids jump
    # from 337 to 339): the main volume has 424 papers, 423 of them in the study.
    StudyYear("NAACL", 2019, "naacl_2019.json", 451, {"2": INDUSTRY}, collected=424, stand_ins=1),
    StudyYear("ACL", 2018, "acl_2018.json", 381, {}, collected=381),  # P18-1 long + P18-2 short
    # ACL 2019 printed long and short papers in one volume, P19-1; the study added the 60
    # student research workshop papers of P19-2.
    StudyYear("ACL", 2019, "acl_2019.json", 720, {"2": SRW}, collected=660),
    StudyYear("ACL", 2020, "acl_2020.json", 778, {}, collected=778),  # 2020.acl-main
]


@pytest.mark.parametrize("case", STUDY_YEARS, ids=lambda case: f"{case.venue}{case.year}")
def test_full_size_listing_from_the_study_titles(
    tmp_path: Path, serve: Serve, store: Store, case: StudyYear
) -> None:
    study = load_study(case.file)
    assert len(study) == case.study_total
    written = build_study_year(tmp_path, case.venue, case.year, study, case.side)
    summary = collect_mirror(tmp_path, serve, store, case.venue, case.year)
    assert summary.papers == case.collected == written
    in_study_main = [paper for paper in study if paper.volume not in case.side]
    assert len(in_study_main) + case.stand_ins == case.collected
    rows = rows_by_id(store)
    part = proceedings(case.venue, case.year)[0]
    for paper in in_study_main:
        paper_id = anthology_id(part.collection, paper.volume, str(paper.number))
        row = rows[paper_id]
        assert row["title"] == " ".join(paper.title.split())
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
    assert store.paper_rows(Selection()) == []


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

"""Write ACL Anthology collection files (``data/xml/<collection>.xml``) into a mirror folder.

The project cannot ship the Anthology's files, so it writes its own content into their real
structure, taken from the two recorded files in shared/fixtures-real/acl-anthology:
- collections up to 2019 follow ``N19.xml``: numbered volumes whose ``<meta>`` starts with the
  booktitle and the volume ``<url>``, a ``<frontmatter>``, then papers with title, authors,
  pages, abstract, ``<url hash>``, DOI, bibkey and Papers-with-Code ``<pwccode>``;
- collections from 2020 follow ``2024.acl.xml``: named volumes with ``ingest-date`` and
  ``type``, a ``<meta>`` ending in ``<url>``, ``<venue>`` and ``<doi>``, and a trailing
  ``<event>`` listing the volumes presented with the conference (its Findings among them).
Both eras protect capitals in titles with ``<fixed-case>`` and indent by two blanks, as the
Anthology's own writer does; the XML declaration is the one Python's ElementTree writes, which is
the real files' too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from fwcensus.mirror.urls import write_mirror_file
from fwcensus.sources.acl_anthology import (
    FINDINGS_YEARS,
    OLD_COLLECTION,
    SITE,
    Proceedings,
    anthology_id,
    collection_url,
    proceedings,
)

CONFERENCE = {
    "ACL": "Annual Meeting of the Association for Computational Linguistics",
    "NAACL": "Conference of the North American Chapter of the Association for Computational"
    " Linguistics: Human Language Technologies",
    "EMNLP": "Conference on Empirical Methods in Natural Language Processing",
    "EACL": "Conference of the European Chapter of the Association for Computational Linguistics",
    "COLING": "International Conference on Computational Linguistics",
}
# Labels the real booktitles end with, by the volume's role.
LONG = "Volume 1: Long Papers"
SHORT = "Volume 2: Short Papers"
SRW = "Student Research Workshop"
DEMOS = "System Demonstrations"
INDUSTRY = "Industry Papers"
# Elements the real files write on one line: text mixed with <fixed-case>, and names.
INLINE = frozenset({"title", "booktitle", "abstract", "author", "editor"})
PAGES_PER_PAPER = 9
DECOYS_PER_VOLUME = 2


@dataclass(frozen=True)
class AclPaper:
    title: str
    authors: tuple[str, ...]
    has_pdf: bool = True  # False: no <url>, as for an entry the Anthology holds no PDF of
    code_url: str | None = None


@dataclass(frozen=True)
class AclVolume:
    volume_id: str  # "1", "long", or a Findings volume's venue ("acl")
    booktitle: str
    papers: Sequence[AclPaper]  # numbered 1, 2, … in this order


@dataclass(frozen=True)
class ExpectedPaper:
    """What a collector should find for one written paper."""

    source_id: str
    title: str
    pdf_url: str | None
    track: str


def booktitle(venue: str, year: int, label: str = "") -> str:
    """A booktitle in the real wording: the conference, then the volume's label if any."""
    title = f"Proceedings of the {year} {CONFERENCE[venue]}"
    return f"{title} ({label})" if label else title


def findings_booktitle(venue: str, year: int) -> str:
    return f"Findings of the Association for Computational Linguistics: {venue} {year}"


def write_collection(
    root: Path,
    collection: str,
    year: int,
    volumes: Sequence[AclVolume],
    colocated: Sequence[str] = (),
) -> Path:
    """Write one collection file where the mirror serves its raw GitHub URL; return the file.

    ``colocated`` volume ids become the trailing ``<event>`` of a collection from 2020 on.
    """
    element = ET.Element("collection", id=collection)
    old = bool(OLD_COLLECTION.fullmatch(collection))
    for volume in volumes:
        element.append(_volume(collection, year, volume, old))
    if colocated and not old:
        element.append(_event(collection, colocated))
    _indent(element)
    data = ET.tostring(element, encoding="UTF-8", xml_declaration=True)
    return write_mirror_file(root, collection_url(collection), data)


def write_acl_year(
    root: Path,
    venue: str,
    year: int,
    main: Sequence[AclPaper],
    findings: Sequence[AclPaper] = (),
) -> list[ExpectedPaper]:
    """Write every collection file the source reads for one venue-year; return what it lists.

    ``main`` papers are dealt over the main volumes in turn (long, short, long…). Each file also
    gets what a collector must skip: a student research workshop and a demonstrations volume
    in the main collection, and the other venues' volumes in the year's Findings collection.
    """
    main_part, *findings_parts = proceedings(venue, year)
    if bool(findings_parts) != bool(findings):
        has = "has a Findings volume" if findings_parts else "has no Findings volume"
        raise ValueError(f"{venue} {year} {has}: give Findings papers exactly when it has one")
    shares = [main[index :: len(main_part.volumes)] for index in range(len(main_part.volumes))]
    volumes = [
        AclVolume(volume, booktitle(venue, year, volume_label(main_part, volume)), papers)
        for volume, papers in zip(main_part.volumes, shares, strict=True)
    ]
    colocated = [part.volume_name(part.volumes[0]) for part in findings_parts]
    side = _side_volumes(venue, year, main_part)
    write_collection(root, main_part.collection, year, volumes + side, colocated)
    expected = _expected(main_part, volumes)
    for part in findings_parts:
        own = AclVolume(part.volumes[0], findings_booktitle(venue, year), findings)
        write_collection(root, part.collection, year, [own, *_other_findings(venue, year)])
        expected += _expected(part, [own])
    return expected


def volume_label(part: Proceedings, volume: str) -> str:
    """The booktitle label of a main volume: none for one volume, else long or short papers."""
    if len(part.volumes) == 1:
        return ""
    return LONG if volume == part.volumes[0] else SHORT


def _side_volumes(venue: str, year: int, part: Proceedings) -> list[AclVolume]:
    """A student research workshop and a demonstrations volume, numbered or named per era."""
    if OLD_COLLECTION.fullmatch(part.collection):
        last = max(int(volume) for volume in part.volumes)
        ids = [str(last + 1), str(last + 2)]
    else:
        ids = ["srw", "demos"]
    return [
        AclVolume(volume, booktitle(venue, year, label), _decoys(label))
        for volume, label in zip(ids, (SRW, DEMOS), strict=True)
    ]


def _other_findings(venue: str, year: int) -> list[AclVolume]:
    return [
        AclVolume(other.lower(), findings_booktitle(other, year), _decoys(f"{other} Findings"))
        for other, years in FINDINGS_YEARS.items()
        if other != venue and year in years
    ]


def _decoys(label: str) -> list[AclPaper]:
    return [
        AclPaper(f"{label} paper {number} that a collector must skip", ("Decoy Author",))
        for number in range(1, DECOYS_PER_VOLUME + 1)
    ]


def _expected(part: Proceedings, volumes: Sequence[AclVolume]) -> list[ExpectedPaper]:
    out = []
    for volume in volumes:
        for number, paper in enumerate(volume.papers, 1):
            paper_id = anthology_id(part.collection, volume.volume_id, str(number))
            pdf_url = f"{SITE}/{paper_id}.pdf" if paper.has_pdf else None
            out.append(ExpectedPaper(paper_id, " ".join(paper.title.split()), pdf_url, part.track))
    return out


def _volume(collection: str, year: int, volume: AclVolume, old: bool) -> ET.Element:
    name = f"{collection}-{volume.volume_id}"
    attributes = {"id": volume.volume_id}
    if not old:
        attributes |= {"ingest-date": f"{year}-09-01", "type": "proceedings"}
    element = ET.Element("volume", attributes)
    meta = ET.SubElement(element, "meta")
    _fixed_case(meta, "booktitle", volume.booktitle)
    if old:
        _hashed(meta, "url", name)
    editor = ET.SubElement(meta, "editor")
    _child(editor, "first", "Ada")
    _child(editor, "last", "Lovelace")
    _child(meta, "publisher", "Association for Computational Linguistics")
    _child(meta, "address", "Online")
    _child(meta, "month", "July")
    _child(meta, "year", str(year))
    if not old:
        _hashed(meta, "url", name)
        _child(meta, "venue", collection.split(".")[1])
        _child(meta, "doi", f"10.18653/v1/{name}")
    frontmatter = ET.SubElement(element, "frontmatter")
    _hashed(frontmatter, "url", anthology_id(collection, volume.volume_id, "0"))
    _child(frontmatter, "bibkey", f"{name.lower()}-{year}")
    for number, paper in enumerate(volume.papers, 1):
        element.append(_paper(collection, year, volume.volume_id, number, paper, old))
    return element


def _paper(
    collection: str, year: int, volume: str, number: int, paper: AclPaper, old: bool
) -> ET.Element:
    paper_id = anthology_id(collection, volume, str(number))
    element = ET.Element("paper", id=str(number))
    _fixed_case(element, "title", paper.title)
    for author in paper.authors:
        first, _, last = author.rpartition(" ")
        name = ET.SubElement(element, "author")
        if first:
            _child(name, "first", first)
        _child(name, "last", last)
    first_page = 1 + (number - 1) * PAGES_PER_PAPER
    dash = "\u2013" if old else "-"  # as N19.xml / 2024.acl.xml
    _child(element, "pages", f"{first_page}{dash}{first_page + PAGES_PER_PAPER - 1}")
    _child(element, "abstract", "A stand-in abstract written for fwcensus's tests.")
    if paper.has_pdf:
        _hashed(element, "url", paper_id)
    surname = paper.authors[0].split()[-1].lower() if paper.authors else "anonymous"
    ids = [("doi", f"10.18653/v1/{paper_id}"), ("bibkey", f"{surname}-etal-{year}-{number}")]
    for tag, text in ids if old else reversed(ids):  # N19.xml: doi, bibkey; 2024: bibkey, doi
        _child(element, tag, text)
    if paper.code_url:
        code = ET.SubElement(element, "pwccode", url=paper.code_url, additional="false")
        code.text = paper.code_url.removeprefix("https://github.com/")
    return element


def _event(collection: str, colocated: Sequence[str]) -> ET.Element:
    year, venue = collection.split(".")[:2]
    event = ET.Element("event", id=f"{venue}-{year}")
    listed = ET.SubElement(event, "colocated")
    for volume_id in colocated:
        _child(listed, "volume-id", volume_id)
    return event


def _child(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _hashed(parent: ET.Element, tag: str, text: str) -> None:
    # The real hash is the file's CRC-32; the stand-in hashes the name the same way.
    _child(parent, tag, text).set("hash", f"{zlib.crc32(text.encode()):08x}")


def _fixed_case(parent: ET.Element, tag: str, text: str) -> None:
    """Append ``<tag>text</tag>``, wrapping words whose capitals must survive BibTeX's
    lower-casing (acronyms, inner capitals: "NER", "FastText") in ``<fixed-case>``."""
    words = (
        f"<fixed-case>{escape(word)}</fixed-case>" if _protected(word) else escape(word)
        for word in text.split(" ")
    )
    parent.append(ET.fromstring(f"<{tag}>{' '.join(words)}</{tag}>"))


def _protected(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return any(char.isupper() for char in letters[1:])


def _indent(element: ET.Element, level: int = 0) -> None:
    """Two blanks per level, as the real files; inline elements are left as they are
    (ElementTree's own indent would put line breaks inside titles with <fixed-case>)."""
    if element.tag in INLINE or len(element) == 0:
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level

"""ACL Anthology: ACL, NAACL, EMNLP, EACL and COLING, 2012-2025, with their Findings apart.

The Anthology's own metadata is the listing: one XML file per collection in the
acl-org/acl-anthology repository (``data/xml/<collection>.xml``), read from GitHub's raw file
host, so aclanthology.org itself only serves the PDFs. A collection holds volumes, a volume
holds ``<paper>`` entries (its front matter is a ``<frontmatter>``, never a paper).

Two naming eras, both handled by one parser:
- up to 2019 a collection is a letter and the year (``P18`` ACL, ``N19`` NAACL, ``D19`` EMNLP,
  ``E17`` EACL, ``C18`` COLING) with numbered volumes; paper ids read ``P18-1001``;
- from 2020 a collection is ``<year>.<venue>`` with named volumes (``main``, ``long``,
  ``short``…); paper ids read ``2024.acl-long.1``. Findings of every venue of a year share one
  collection, ``<year>.findings``, one volume per venue (``2024.findings-acl.1``).

Which volumes are the main conference is a table (``MAIN``), not a guess, and the parser checks
it against the file: a listed volume must exist and must not be a side track, and every other
volume of a main collection must be a recognised side track (student research workshop,
demonstrations, tutorials, industry, a workshop filed under the conference's letter). A file
that disagrees fails naming the volume, instead of silently counting demos or dropping short
papers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

from fwcensus.catalogue.code_hosts import GITHUB_RAW
from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text

RAW_XML = "https://raw.githubusercontent.com/acl-org/acl-anthology/master/data/xml"
SITE = "https://aclanthology.org"
FINDINGS = "findings"

# Collections named before 2020: one letter, two year digits.
OLD_COLLECTION = re.compile(r"[A-Z]\d\d")
# In those, a two-digit volume is a workshop filed under the conference's letter (D19-50 to
# D19-66 for EMNLP-IJCNLP 2019; the Anthology's ids.md), whatever its booktitle says.
OLD_WORKSHOP_VOLUME = re.compile(r"\d\d")
# Volumes presented with the conference that are not its main papers.
SIDE_TRACK = re.compile(
    r"workshop|demonstration|\bdemos?\b|tutorial|industry|doctoral consortium", re.IGNORECASE
)


@dataclass(frozen=True)
class Proceedings:
    """The volumes of one venue-year in one collection file, and the track they count as."""

    collection: str  # "P18", "2024.acl", "2024.findings"
    volumes: tuple[str, ...]  # volume ids inside the collection: ("1", "2"), ("long", "short")
    track: str = "main"

    @property
    def url(self) -> str:
        return collection_url(self.collection)

    def volume_name(self, volume: str) -> str:
        """The Anthology's name of a volume: ``P18-2``, ``2024.acl-short``."""
        return f"{self.collection}-{volume}"


def collection_url(collection: str) -> str:
    """Where GitHub serves a collection file of the repository's default branch."""
    return f"{RAW_XML}/{collection}.xml"


def _old(letter: str, year: int, *volumes: str) -> Proceedings:
    return Proceedings(f"{letter}{year % 100:02d}", volumes)


def _new(name: str, year: int, *volumes: str) -> Proceedings:
    return Proceedings(f"{year}.{name}", volumes)


# Main-conference volumes per venue-year; a year a venue did not meet is simply absent.
MAIN: dict[str, dict[int, Proceedings]] = {
    "ACL": {
        # Long and short papers in two volumes; later numbers are SRW, demos, tutorials.
        **{year: _old("P", year, "1", "2") for year in range(2012, 2019)},
        2019: _old("P", 2019, "1"),  # one volume for long and short papers; P19-2 is the SRW
        2020: _new("acl", 2020, "main"),
        **{year: _new("acl", year, "long", "short") for year in range(2021, 2026)},
    },
    "NAACL": {  # no NAACL in 2014 (ACL in Baltimore), 2017, 2020, 2023
        2012: _old("N", 2012, "1"),
        2013: _old("N", 2013, "1"),
        2015: _old("N", 2015, "1"),
        2016: _old("N", 2016, "1"),
        2018: _old("N", 2018, "1", "2"),  # N18-3 holds the industry papers
        2019: _old("N", 2019, "1"),  # long and short in one volume; N19-2 is industry
        2021: _new("naacl", 2021, "main"),
        2022: _new("naacl", 2022, "main"),
        2024: _new("naacl", 2024, "long", "short"),
        2025: _new("naacl", 2025, "long", "short"),
    },
    "EMNLP": {
        **{year: _old("D", year, "1") for year in range(2012, 2020)},
        **{year: _new("emnlp", year, "main") for year in range(2020, 2026)},
    },
    "EACL": {  # EACL met in 2012, 2014, 2017, 2021, 2023 and 2024 only
        2012: _old("E", 2012, "1"),
        2014: _old("E", 2014, "1", "4"),  # short papers were ingested after SRW and demos
        2017: _old("E", 2017, "1", "2"),
        2021: _new("eacl", 2021, "main"),
        2023: _new("eacl", 2023, "main"),
        2024: _new("eacl", 2024, "long", "short"),
    },
    "COLING": {  # biennial until 2024, then COLING 2025
        2012: _old("C", 2012, "1", "2"),  # C12-2 holds the main conference's poster papers
        2014: _old("C", 2014, "1"),
        2016: _old("C", 2016, "1"),
        2018: _old("C", 2018, "1"),
        2020: _new("coling", 2020, "main"),
        2022: _new("coling", 2022, "1"),
        2024: _new("lrec", 2024, "main"),  # LREC-COLING 2024, one joint conference
        2025: _new("coling", 2025, "main"),
    },
}

# Years whose Findings volume (``<year>.findings-<venue>``) exists; Findings began with EMNLP
# 2020, and ACL 2020, NAACL 2021, EACL 2021 and COLING never had one.
FINDINGS_YEARS: dict[str, tuple[int, ...]] = {
    "ACL": (2021, 2022, 2023, 2024, 2025),
    "NAACL": (2022, 2024, 2025),
    "EMNLP": (2020, 2021, 2022, 2023, 2024, 2025),
    "EACL": (2023, 2024),
}


def proceedings(venue: str, year: int) -> tuple[Proceedings, ...]:
    """Every collection file of one venue-year, main conference first, then its Findings."""
    main = MAIN.get(venue, {}).get(year)
    if main is None:
        raise ValueError(f"the ACL Anthology source has no {venue} {year}")
    if year not in FINDINGS_YEARS.get(venue, ()):
        return (main,)
    return main, Proceedings(f"{year}.{FINDINGS}", (venue.lower(),), track=FINDINGS)


def anthology_id(collection: str, volume: str, paper: str) -> str:
    """``N19-1001`` up to 2019 (three-digit paper number), ``2024.acl-long.1`` from 2020."""
    if OLD_COLLECTION.fullmatch(collection):
        return f"{collection}-{volume}{int(paper):03d}"
    return f"{collection}-{volume}.{paper}"


class AclAnthologySource:
    name = "acl-anthology"
    hosts = (GITHUB_RAW, Host(urlsplit(SITE).netloc))  # the XML, the PDFs
    in_all = True

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return {venue: tuple(sorted(years)) for venue, years in MAIN.items()}

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        return [
            ListingRequest(part.url, venue, year, meta={"proceedings": part})
            for part in proceedings(venue, year)
        ]

    def official_url(self, venue: str, year: int) -> str:
        return f"{SITE}/events/{venue.lower()}-{year}/"

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        part: Proceedings = request.meta["proceedings"]
        root = _collection(body, final_url, part.collection)
        volumes = {str(volume.get("id")): volume for volume in root.findall("volume")}
        for volume in part.volumes:
            if volume not in volumes:
                raise ListingError(
                    final_url,
                    f"no <volume id={volume!r}> ({part.volume_name(volume)}) in collection"
                    f" {part.collection}; it has {', '.join(volumes) or 'no volumes'}",
                )
        if part.track == "main":  # a findings collection also holds other venues' volumes
            _check_side_tracks(final_url, part, volumes)
        papers = tuple(
            paper
            for volume in part.volumes
            for paper in _volume_papers(request, final_url, part, volumes[volume])
        )
        return ListingPage(papers=papers)


def _collection(body: bytes, url: str, collection: str) -> ET.Element:
    try:
        root = ET.fromstring(decode_text(body).encode("utf-8"))
    except ET.ParseError as exc:
        raise ListingError(url, f"not an Anthology XML file: {exc}") from exc
    if root.tag != "collection" or root.get("id") != collection:
        found = f"<{root.tag} id={root.get('id')!r}>" if root.get("id") else f"<{root.tag}>"
        raise ListingError(url, f"no <collection id={collection!r}> root element (found {found})")
    return root


def _check_side_tracks(url: str, part: Proceedings, volumes: dict[str, ET.Element]) -> None:
    for volume_id, volume in volumes.items():
        if volume_id in part.volumes or _old_workshop(part, volume_id):
            continue
        label = _booktitle(url, part, volume_id, volume)
        if not SIDE_TRACK.search(label):
            raise ListingError(
                url,
                f"volume {part.volume_name(volume_id)} ({label!r}) is neither a main-conference"
                " volume of the table nor a known side track",
            )


def _old_workshop(part: Proceedings, volume_id: str) -> bool:
    return bool(
        OLD_COLLECTION.fullmatch(part.collection) and OLD_WORKSHOP_VOLUME.fullmatch(volume_id)
    )


def _volume_papers(
    request: ListingRequest, url: str, part: Proceedings, volume: ET.Element
) -> list[Paper]:
    volume_id = str(volume.get("id"))
    label = _booktitle(url, part, volume_id, volume)
    if SIDE_TRACK.search(label):
        raise ListingError(
            url, f"volume {part.volume_name(volume_id)} is a side track ({label!r}), not papers"
        )
    if part.track == FINDINGS and FINDINGS not in label.lower():
        raise ListingError(
            url, f"volume {part.volume_name(volume_id)} is not a Findings volume ({label!r})"
        )
    entries = volume.findall("paper")
    if not entries:
        raise ListingError(url, f"volume {part.volume_name(volume_id)} has no <paper> entries")
    return [_paper(request, url, part, volume_id, entry) for entry in entries]


def _booktitle(url: str, part: Proceedings, volume_id: str, volume: ET.Element) -> str:
    booktitle = volume.find("meta/booktitle")
    label = _text(booktitle)
    if not label:
        raise ListingError(url, f"volume {part.volume_name(volume_id)} has no <meta><booktitle>")
    return label


def _paper(
    request: ListingRequest, url: str, part: Proceedings, volume_id: str, entry: ET.Element
) -> Paper:
    number = str(entry.get("id", ""))
    if not number.isdigit():
        raise ListingError(
            url, f"a <paper> of volume {part.volume_name(volume_id)} has no numeric id"
        )
    paper_id = anthology_id(part.collection, volume_id, number)
    title = _text(entry.find("title"))
    if not title:
        raise ListingError(url, f"paper {paper_id} has no <title>")
    return Paper(
        source=AclAnthologySource.name,
        source_id=paper_id,
        venue=request.venue,
        year=request.year,
        title=title,
        authors=tuple(filter(None, (_name(author) for author in entry.findall("author")))),
        pdf_url=_pdf_url(_text(entry.find("url"))),
        page_url=f"{SITE}/{paper_id}/",
        doi=_text(entry.find("doi")) or None,
        track=part.track,
        code_urls=tuple(
            filter(None, (str(code.get("url", "")).strip() for code in entry.findall("pwccode")))
        ),
    )


def _pdf_url(url_text: str) -> str | None:
    """The Anthology's rule: ``<url>`` names the file on aclanthology.org (its latest revision),
    unless it is a full URL to a copy held elsewhere."""
    if not url_text:
        return None
    return url_text if "://" in url_text else f"{SITE}/{url_text}.pdf"


def _name(author: ET.Element) -> str:
    # Either part may be missing (mononyms have only <last>).
    return " ".join(
        part for part in (_text(author.find("first")), _text(author.find("last"))) if part
    )


def _text(element: ET.Element | None) -> str:
    """All text inside ``element`` (``<fixed-case>``, ``<tex-math>`` included), blanks collapsed."""
    return "" if element is None else " ".join("".join(element.itertext()).split())

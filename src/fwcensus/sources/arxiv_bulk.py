"""arXiv's bulk PDFs: the manifest of its requester-pays S3 bucket and the names inside its tars.

``s3://arxiv/pdf/arXiv_pdf_manifest.xml`` is ``<arXivPDF>`` holding one ``<file>`` per tar, each
with ``content_md5sum, filename, first_item, last_item, md5sum, num_items, seq_num, size,
timestamp, yymm`` (arXiv's bulk-data help). A tar (``pdf/arXiv_pdf_{yymm}_{seq:03d}.tar``, about
500 MB) holds the PDFs of papers whose id falls in that month: ``YYMM/ID vN.pdf`` written without
the space (``1501/1501.00001v2.pdf``), old-style ids with the archive glued to the number and
the slash gone (``0001/astro-ph0001001v1.pdf`` is ``astro-ph/0001001``).

This module only parses: fetch/s3.py reads the bucket.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fwcensus.errors import ConfigError, ManifestError

BUCKET = "arxiv"
MANIFEST_KEY = "pdf/arXiv_pdf_manifest.xml"
MANIFEST_FIELDS = (
    "content_md5sum", "filename", "first_item", "last_item", "md5sum", "num_items", "seq_num",
    "size", "timestamp", "yymm",
)  # fmt: skip
# arXiv began in August 1991: a two-digit year from 91 on is 19YY, below it 20YY.
FIRST_YEAR = 91
_MEMBER = re.compile(
    r"(?P<yymm>\d{4})/(?P<id>\d{4}\.\d{4,5}|(?P<archive>[a-z]+(?:-[a-z]+)?)(?P<number>\d{7}))"
    r"(?:v(?P<version>\d+))?\.pdf"
)
_YYMM = re.compile(r"\d{2}(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class TarEntry:
    """One tar of the manifest."""

    filename: str  # key in the bucket: "pdf/arXiv_pdf_1501_002.tar"
    md5sum: str  # of the tar object: a tar is done for this md5 only
    size: int
    num_items: int
    yymm: str
    seq_num: int
    first_item: str
    last_item: str
    timestamp: str
    content_md5sum: str

    @property
    def stem(self) -> str:
        """``arXiv_pdf_1501_002``: the tar's name without folder and suffix."""
        return self.filename.rsplit("/", 1)[-1].removesuffix(".tar")


@dataclass(frozen=True)
class MemberId:
    """What a tar member's name says: the paper's id, its version and its month."""

    arxiv_id: str  # as the store keys arXiv papers: "1501.00001", "astro-ph/0001001"
    version: int  # 0 when the name carries none
    yymm: str


def parse_manifest(body: bytes, where: str) -> list[TarEntry]:
    """Every ``<file>`` of the manifest, in its order."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ManifestError(f"{where}: not XML ({exc})") from None
    if root.tag != "arXivPDF":
        raise ManifestError(f"{where}: root <{root.tag}> is not <arXivPDF>")
    entries = [_entry(element, where) for element in root.findall("file")]
    if not entries:
        raise ManifestError(f"{where}: <arXivPDF> lists no <file>")
    return entries


def _entry(element: ET.Element, where: str) -> TarEntry:
    values = {name: (element.findtext(name) or "").strip() for name in MANIFEST_FIELDS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        label = values["filename"] or "a <file>"
        raise ManifestError(f"{where}: {label} has no {', '.join(missing)}")
    try:
        return TarEntry(
            filename=values["filename"],
            md5sum=values["md5sum"].lower(),
            size=int(values["size"]),
            num_items=int(values["num_items"]),
            yymm=values["yymm"],
            seq_num=int(values["seq_num"]),
            first_item=values["first_item"],
            last_item=values["last_item"],
            timestamp=values["timestamp"],
            content_md5sum=values["content_md5sum"].lower(),
        )
    except ValueError as exc:
        raise ManifestError(f"{where}: {values['filename']}: {exc}") from None


def check_months(months: Iterable[str]) -> tuple[str, ...]:
    """``YYMM`` strings as given, each checked."""
    chosen = tuple(dict.fromkeys(months))
    bad = [m for m in chosen if not _YYMM.fullmatch(m)]
    if bad:
        raise ConfigError(f"not a month as YYMM: {', '.join(bad)}")
    return chosen


def select_tars(entries: Sequence[TarEntry], months: Sequence[str]) -> list[TarEntry]:
    """The tars of ``months`` (every tar when empty), oldest month first."""
    wanted = set(months)
    chosen = [e for e in entries if not wanted or e.yymm in wanted]
    return sorted(chosen, key=lambda e: (month_of(e.yymm), e.seq_num))


def member_id(name: str) -> MemberId | None:
    """The paper a member's name stands for, or None when it is no paper's PDF."""
    match = _MEMBER.fullmatch(name)
    if match is None:
        return None
    arxiv_id = match["id"]
    if match["archive"]:
        arxiv_id = f"{match['archive']}/{match['number']}"
    return MemberId(arxiv_id, int(match["version"] or 0), match["yymm"])


def id_month(arxiv_id: str) -> str:
    """The YYMM an arXiv id was given in: ``1501.00001`` and ``astro-ph/0001001`` tell it."""
    return arxiv_id.rsplit("/", 1)[-1][:4]


def month_of(yymm: str) -> str:
    """``1501`` -> ``2015-01``; ``9108`` -> ``1991-08``."""
    century = 1900 if int(yymm[:2]) >= FIRST_YEAR else 2000
    return f"{century + int(yymm[:2])}-{yymm[2:]}"

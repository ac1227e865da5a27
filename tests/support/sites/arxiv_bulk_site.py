"""arXiv's bulk-PDF bucket, built from generated papers (tests, benchmarks).

The layout is arXiv's (``sources/arxiv_bulk.py``): ``pdf/arXiv_pdf_manifest.xml`` in the
recorded manifest's structure (``<arXivPDF>`` of ``<file>`` elements with the same ten fields, in
the same order) and ``pdf/arXiv_pdf_{yymm}_{seq:03d}.tar`` holding ``YYMM/IDvN.pdf`` members.
The papers are the demo's generated ones (``demo/papertext.py``), each with the frameworks it
uses, mentions or cites, so a test knows every verdict to expect. ``content_md5sum`` is not
documented; here it is the md5 of the members' bytes in order.
"""

from __future__ import annotations

import hashlib
import io
import random
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from fwcensus.demo.papertext import Usage, make_authors, make_paper, make_title, make_topic
from fwcensus.demo.pdfgen import render_paper_pdf
from fwcensus.sources.arxiv_bulk import (
    BUCKET,
    MANIFEST_FIELDS,
    MANIFEST_KEY,
    member_id,
    month_of,
)

TIMESTAMP = "2024-01-02 03:04:05"
# Tar member times are fixed so the same papers always make the same bytes (and md5).
MEMBER_MTIME = 1_700_000_000


@dataclass(frozen=True)
class Member:
    name: str  # "1501/1501.00001v2.pdf"
    data: bytes


@dataclass
class BulkTar:
    yymm: str
    seq_num: int
    members: list[Member] = field(default_factory=list)
    cut_at: int | None = None  # keep only this many bytes of the tar: one cut off mid-member

    @property
    def key(self) -> str:
        return f"pdf/arXiv_pdf_{self.yymm}_{self.seq_num:03d}.tar"

    def data(self) -> bytes:
        whole = tar_bytes(self.members)
        return whole if self.cut_at is None else whole[: self.cut_at]


def generated_pdf(seed: int, usage: Usage, yymm: str) -> bytes:
    """One generated paper of the month ``yymm`` using, mentioning and citing as ``usage`` says."""
    rng = random.Random(seed)
    year = int(month_of(yymm)[:4])
    topic = make_topic(rng, year)
    doc = make_paper(rng, usage, year, topic, make_title(rng, topic), make_authors(rng))
    return render_paper_pdf(doc)


def tar_bytes(members: Sequence[Member]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.size = len(member.data)
            info.mtime = MEMBER_MTIME
            tar.addfile(info, io.BytesIO(member.data))
    return out.getvalue()


def manifest_xml(tars: Sequence[BulkTar], md5_override: dict[str, str] | None = None) -> bytes:
    """The manifest of ``tars``; ``md5_override`` states a wrong md5 for some keys."""
    lines = ["<?xml version='1.0' standalone='yes'?>", "<arXivPDF>"]
    for tar in tars:
        data = tar.data()
        items = [found for m in tar.members if (found := member_id(m.name))]
        names = [m.name.split("/", 1)[1].removesuffix(".pdf") for m in tar.members]
        values = {
            "content_md5sum": hashlib.md5(b"".join(m.data for m in tar.members)).hexdigest(),
            "filename": tar.key,
            "first_item": _item(names[0]) if names else "",
            "last_item": _item(names[-1]) if names else "",
            "md5sum": (md5_override or {}).get(tar.key) or hashlib.md5(data).hexdigest(),
            "num_items": str(len(items)),
            "seq_num": str(tar.seq_num),
            "size": str(len(data)),
            "timestamp": TIMESTAMP,
            "yymm": tar.yymm,
        }
        lines.append("  <file>")
        lines += [f"    <{name}>{values[name]}</{name}>" for name in MANIFEST_FIELDS]
        lines.append("  </file>")
    lines.append("</arXivPDF>")
    return ("\n".join(lines) + "\n").encode()


def _item(name: str) -> str:
    """The manifest names items without their version: ``1501.00001``, ``astro-ph0001001``."""
    stem, sep, version = name.rpartition("v")
    return stem if sep and version.isdigit() else name


def upload(
    endpoint: str,
    tars: Sequence[BulkTar],
    manifest: bytes | None = None,
    bucket: str = BUCKET,
) -> None:
    """Put the tars and their manifest into ``bucket`` of the mirror at ``endpoint`` (which
    takes any credentials: these are the bucket owner's, who pays nothing)."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="mirror-owner",
        aws_secret_access_key="mirror-owner",
    )
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket)
    for tar in tars:
        client.put_object(Bucket=bucket, Key=tar.key, Body=tar.data())
    client.put_object(Bucket=bucket, Key=MANIFEST_KEY, Body=manifest or manifest_xml(tars))

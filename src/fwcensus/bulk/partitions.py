"""The Parquet partitions of a bulk run: one file per tar, which is also the tar's done-marker.

Layout (under ``--out``, default ``fwcensus.bulk/`` beside the store), Hive-style by month::

    arxiv/yymm=1501/arXiv_pdf_1501_002.<md5 of the tar>.parquet

A partition holds one row per paper judged in the tar (``SCHEMA``); its key-value metadata
says which papers the tar was asked for (``fwcensus.asked``: their ids, or ``all``). It is
written to a hidden temporary name and renamed into place only when complete, so a tar is done
exactly when its partition exists under the md5 the manifest gave when the tar was read, for
the papers now wanted of it (``is_done``); a tar whose md5 changed is read again, and its new
partition replaces the old one. Readers (``bulk/arxiv_months.py``) take each paper once, at
its highest version, whatever tars it appears in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from fwcensus.bulk.judge import JudgedPdf
from fwcensus.models import Evidence, Role, TextStatus, Verdict
from fwcensus.sources.arxiv_bulk import MemberId, TarEntry
from fwcensus.store.archives import ArchiveRead
from fwcensus.store.texts import TextSummary
from fwcensus.store.verdicts import MethodVerdicts

SOURCE = "arxiv"
ASKED, ALL = "fwcensus.asked", "all"  # the partition's key-value metadata: the papers asked
# The fields of models.Evidence, by name.
EVIDENCE = pa.struct(
    [
        ("page", pa.int32()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
        ("section", pa.string()),
        ("snippet", pa.string()),
        ("rule", pa.string()),
        ("via", pa.string()),
    ]
)
VERDICT = pa.struct(
    [
        ("method", pa.string()),
        ("framework", pa.string()),
        ("role", pa.string()),
        ("confidence", pa.float64()),
        ("evidence", pa.list_(EVIDENCE)),
    ]
)
JUDGED = pa.struct([("method", pa.string()), ("detector", pa.string())])
# Typed so that mypy takes every column's type as the DataType it is.
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("arxiv_id", pa.string()),
    ("version", pa.int32()),
    ("yymm", pa.string()),
    ("member", pa.string()),  # "1501/1501.00001v2.pdf"
    ("tar", pa.string()),  # "pdf/arXiv_pdf_1501_002.tar"
    ("tar_md5", pa.string()),
    ("pdf_sha256", pa.string()),
    ("pdf_bytes", pa.int64()),
    ("text_status", pa.string()),  # ok | no-text | failed
    ("error", pa.string()),
    ("pages", pa.int32()),
    ("chars", pa.int64()),
    ("sections", pa.int32()),
    ("links", pa.int32()),
    ("code_links", pa.int32()),
    ("text_sha256", pa.string()),
    ("extractor", pa.string()),
    ("judged", pa.list_(JUDGED)),  # the methods that judged the text, with their versions
    ("verdicts", pa.list_(VERDICT)),  # every method's verdicts, each with its evidence
]
SCHEMA = pa.schema(_FIELDS)


@dataclass(frozen=True)
class PaperRow:
    """One judged member, before it becomes a partition row."""

    member: str
    found: MemberId
    judged: JudgedPdf


def partition_table(tar: TarEntry, rows: Sequence[PaperRow], extractor: str) -> pa.Table:
    return pa.Table.from_pylist([_row(tar, row, extractor) for row in rows], schema=SCHEMA)


def _row(tar: TarEntry, row: PaperRow, extractor: str) -> dict[str, Any]:
    text = row.judged.text
    return {
        "arxiv_id": row.found.arxiv_id,
        "version": row.found.version,
        "yymm": row.found.yymm,
        "member": row.member,
        "tar": tar.filename,
        "tar_md5": tar.md5sum,
        "pdf_sha256": row.judged.pdf_sha256,
        "pdf_bytes": row.judged.pdf_bytes,
        "text_status": text.status.value,
        "error": text.error,
        "pages": text.pages,
        "chars": text.chars,
        "sections": text.sections,
        "links": text.links,
        "code_links": text.code_links,
        "text_sha256": text.text_sha256,
        "extractor": extractor,
        "judged": [{"method": m.method, "detector": m.detector} for m in row.judged.judged],
        "verdicts": [
            {
                "method": m.method,
                "framework": v.framework,
                "role": v.role.value,
                "confidence": v.confidence,
                "evidence": [asdict(e) for e in v.evidence],
            }
            for m in row.judged.judged
            for v in m.verdicts
        ],
    }


def archive_reads(table: pa.Table, bucket: str) -> list[ArchiveRead]:
    """The partition's rows as the store takes them."""
    reads = []
    for row in table.to_pylist():
        archive = f"s3://{bucket}/{row['tar']}"
        verdicts: dict[str, list[Verdict]] = {j["method"]: [] for j in row["judged"]}
        for v in row["verdicts"]:
            evidence = tuple(Evidence(**e) for e in v["evidence"])
            verdicts[v["method"]].append(
                Verdict(v["framework"], Role(v["role"]), v["confidence"], evidence)
            )
        reads.append(
            ArchiveRead(
                source=SOURCE,
                source_id=row["arxiv_id"],
                archive=archive,
                member_url=f"{archive}#{row['member']}",
                pdf_sha256=row["pdf_sha256"],
                pdf_bytes=row["pdf_bytes"],
                extractor=row["extractor"],
                text=TextSummary(
                    status=TextStatus(row["text_status"]),
                    text_sha256=row["text_sha256"],
                    pages=row["pages"],
                    chars=row["chars"],
                    error=row["error"],
                    sections=row["sections"],
                    links=row["links"],
                    code_links=row["code_links"],
                ),
                judged=tuple(
                    MethodVerdicts(j["method"], j["detector"], tuple(verdicts[j["method"]]))
                    for j in row["judged"]
                ),
            )
        )
    return reads


def partition_path(out: Path, tar: TarEntry) -> Path:
    return out / SOURCE / f"yymm={tar.yymm}" / f"{tar.stem}.{tar.md5sum}.parquet"


def partition_glob(out: Path) -> str:
    return str(out / SOURCE / "yymm=*" / "*.parquet")


def write_partition(
    out: Path, tar: TarEntry, table: pa.Table, asked: frozenset[str] | None
) -> Path:
    """Write the tar's partition in one rename (the done-marker), saying which papers were
    asked of it (None: every PDF), then drop the partitions of the same tar read at another
    md5."""
    final = partition_path(out, tar)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp")
    metadata = {ASKED: ALL if asked is None else json.dumps(sorted(asked))}
    pq.write_table(table.replace_schema_metadata(metadata), tmp, compression="zstd")
    os.replace(tmp, final)
    for older in final.parent.glob(f"{tar.stem}.*.parquet"):
        if older != final:
            older.unlink()
    return final


def is_done(out: Path, tar: TarEntry, asked: frozenset[str] | None) -> bool:
    """Whether the tar has a partition at its current md5 that answers for ``asked`` (None:
    every PDF): one written for every PDF answers for any papers, one written for some papers
    only for those (papers the store gained since make the tar worth reading again)."""
    path = partition_path(out, tar)
    if not path.is_file():
        return False
    said = (pq.read_schema(path).metadata or {}).get(ASKED.encode(), b"").decode()
    if said == ALL:
        return True
    return asked is not None and bool(said) and asked <= set(json.loads(said))

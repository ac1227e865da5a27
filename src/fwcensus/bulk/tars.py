"""One tar of arXiv's bucket, read as one task: streamed from S3 member by member (never
unpacked to disk; one PDF in memory at a time), each wanted PDF judged as ``inspect`` judges a
file, the results returned as the tar's partition.

- The highest version of an id in the tar wins: a lower version met later is skipped, a higher
  one met later is judged and replaces the earlier.
- A member that is no paper's PDF by its name is skipped; one named as a PDF that is not one,
  or one the time or memory limit stops, is recorded failed, and the tar goes on.
- A tar cut off inside a member records that member failed with the reason; one cut off
  between members shows as fewer items than the manifest lists (both are in ``problems``).
- The md5 of every byte read is compared with the manifest's: a tar that does not match is
  returned unmatched and its results are not trusted (the caller stores nothing).
"""

from __future__ import annotations

import hashlib
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

import pyarrow as pa

from fwcensus.bulk.judge import JudgedPdf, judge_pdf, snapshot_resolver
from fwcensus.bulk.partitions import PaperRow, partition_table
from fwcensus.extract.pdf_text import EXTRACTOR
from fwcensus.extract.pool import Limits, sandbox
from fwcensus.fetch.s3 import S3Reader, S3Settings
from fwcensus.models import ExtractedText, TextStatus
from fwcensus.sources.arxiv_bulk import TarEntry, member_id
from fwcensus.store.texts import text_summary

CHUNK = 1 << 20  # bytes read at a time from a member, and from what follows the last one


@dataclass(frozen=True)
class TarTask:
    tar: TarEntry
    s3: S3Settings
    wanted: frozenset[str] | None  # arXiv ids to judge; None: every PDF in the tar
    limits: Limits
    resolver: bytes | None  # the library answers (judge.resolver_snapshot)


@dataclass(frozen=True)
class TarResult:
    tar: TarEntry
    table: pa.Table  # the partition: one row per paper judged
    md5_read: str
    bytes_read: int
    members: int  # members of the tar
    skipped: int  # not a paper's PDF by name, not wanted, or an older version
    seconds: float
    problems: tuple[str, ...] = ()

    @property
    def md5_matches(self) -> bool:
        return self.md5_read == self.tar.md5sum

    @property
    def failed(self) -> int:
        return sum(
            status != TextStatus.OK.value for status in self.table["text_status"].to_pylist()
        )


@dataclass
class _Hashing:
    """Wraps the S3 body: hashes and counts every byte tarfile reads."""

    raw: BinaryIO
    md5: hashlib._Hash = field(default_factory=hashlib.md5)
    size: int = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.md5.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def process_tar(task: TarTask, progress: Callable[[int], None] = lambda _: None) -> TarResult:
    """Read and judge one tar; ``progress(n)`` is told each time n more papers are judged."""
    started = time.monotonic()
    body = _Hashing(S3Reader(task.s3).open(task.tar.filename))
    best: dict[str, PaperRow] = {}
    members = skipped = 0
    problems: list[str] = []
    with (
        sandbox(task.limits) as extract,
        snapshot_resolver(task.resolver) as resolve,
        # typeshed asks any fileobj for write, tell and seek; a stream ("r|") is only read.
        tarfile.open(fileobj=body, mode="r|", bufsize=CHUNK) as archive,  # type: ignore[call-overload]
    ):
        try:
            for member in archive:
                members += 1
                found = member_id(member.name) if member.isfile() else None
                earlier = best.get(found.arxiv_id) if found else None
                if (
                    found is None
                    or (task.wanted is not None and found.arxiv_id not in task.wanted)
                    or (earlier is not None and earlier.found.version >= found.version)
                ):
                    skipped += 1
                    continue
                skipped += earlier is not None  # the lower version read before is dropped
                data, complete = _read_member(archive, member)
                if complete:
                    judged = judge_pdf(data, extract, resolve)
                else:
                    problems.append(f"the tar ends inside {member.name}")
                    judged = _cut_off(data, member.size)
                best[found.arxiv_id] = PaperRow(member.name, found, judged)
                progress(1)
        except tarfile.ReadError as exc:  # a header cut off: the members before it stand
            problems.append(f"the tar ends after {members} members: {exc}")
        body.drain()
    if members < task.tar.num_items:
        problems.append(f"the tar holds {members} items, the manifest lists {task.tar.num_items}")
    return TarResult(
        tar=task.tar,
        table=partition_table(task.tar, list(best.values()), EXTRACTOR),
        md5_read=body.md5.hexdigest(),
        bytes_read=body.size,
        members=members,
        skipped=skipped,
        seconds=time.monotonic() - started,
        problems=tuple(problems),
    )


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> tuple[bytes, bool]:
    """The member's bytes, and whether they are all there (False: the tar ends inside it)."""
    stream = archive.extractfile(member)
    assert stream is not None  # a regular file always has data
    chunks = []
    try:
        while chunk := stream.read(CHUNK):
            chunks.append(chunk)
    except tarfile.ReadError:
        return b"".join(chunks), False
    return b"".join(chunks), True


def _cut_off(data: bytes, announced: int) -> JudgedPdf:
    text = ExtractedText(
        TextStatus.FAILED,
        error=f"the tar ends inside this member: {len(data)} of {announced} bytes read",
    )
    summary, _ = text_summary(text)
    return JudgedPdf(hashlib.sha256(data).hexdigest(), len(data), summary, ())

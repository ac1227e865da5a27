"""Papers' PDFs a bulk run read inside archives (arXiv's S3 tars): the run's one write, which sets
each paper's document, text row and verdicts together, and which archive member each paper's
PDF was read as.

Reached as ``store.archives``. Neither the PDF nor its text is kept as a blob (all of arXiv's
would be terabytes); the document names its archive instead (``documents.archive``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fwcensus.store.documents import mark_read_in_archive
from fwcensus.store.tables import SQL_BATCH, Tables, now
from fwcensus.store.texts import TextSummary, upsert_text
from fwcensus.store.verdicts import MethodVerdicts, clear_verdicts, replace_verdicts


@dataclass(frozen=True)
class ArchiveRead:
    """A paper's PDF as a bulk run read and judged it inside an archive."""

    source: str
    source_id: str
    archive: str  # the archive's URL: "s3://arxiv/pdf/arXiv_pdf_1501_002.tar"
    member_url: str  # the PDF inside it: "s3://arxiv/pdf/arXiv_pdf_1501_002.tar#1501/..."
    pdf_sha256: str
    pdf_bytes: int
    extractor: str
    text: TextSummary
    judged: tuple[MethodVerdicts, ...]  # empty when the text is not usable


class ArchiveTables(Tables):
    def members(self, source: str, source_ids: Iterable[str]) -> dict[str, str]:
        """``source_id -> member URL`` of the given papers whose PDF was read in an archive."""
        wanted = list(source_ids)
        found: dict[str, str] = {}
        for start in range(0, len(wanted), SQL_BATCH):
            batch = wanted[start : start + SQL_BATCH]
            rows = self._conn.execute(
                "SELECT p.source_id, d.final_url FROM papers p JOIN documents d"
                " ON d.paper_id = p.id AND d.kind = 'pdf' AND d.archive IS NOT NULL"
                f" WHERE p.source = ? AND p.source_id IN ({', '.join('?' * len(batch))})",
                (source, *batch),
            )
            found.update({row[0]: row[1] for row in rows})
        return found

    def save_reads(self, reads: Sequence[ArchiveRead]) -> int:
        """Store papers' PDFs read inside an archive, their texts' rows and their verdicts, in
        one transaction, replacing what was stored for them; papers not in the store are
        left out. Returns how many were stored."""
        stored = 0
        stamp = now()
        with self._store.transaction() as tx:
            for read in reads:
                row = tx.execute(
                    "SELECT id FROM papers WHERE source = ? AND source_id = ?",
                    (read.source, read.source_id),
                ).fetchone()
                if row is None:
                    continue
                paper_id = int(row["id"])
                mark_read_in_archive(tx, paper_id, read.pdf_sha256, read.pdf_bytes,
                                     read.member_url, read.archive, stamp)  # fmt: skip
                upsert_text(tx, read.pdf_sha256, read.text, read.extractor)
                clear_verdicts(tx, paper_id)
                for judged in read.judged:
                    assert read.text.text_sha256 is not None, "verdicts need a text"
                    replace_verdicts(tx, paper_id, judged.method, read.text.text_sha256,
                                     judged.verdicts, judged.detector)  # fmt: skip
                stored += 1
        return stored

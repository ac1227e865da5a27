"""The parts of bulk runs on their own: the manifest, member names, which tars to ask for which
papers, the done rule of partitions, and what the store does with documents read in archives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest

from bulk_support import store_paper, tar_of
from fwcensus.bulk.partitions import SCHEMA, is_done, partition_path, write_partition
from fwcensus.bulk.stage import plan_tars
from fwcensus.models import Evidence, Role, Selection, TextStatus, Verdict
from fwcensus.sources.arxiv_bulk import (
    ManifestError,
    MemberId,
    TarEntry,
    check_months,
    member_id,
    month_of,
    parse_manifest,
    select_tars,
)
from fwcensus.store import Store
from fwcensus.store.archives import ArchiveRead
from fwcensus.store.texts import TextSummary
from fwcensus.store.verdicts import MethodVerdicts

from support.sites.arxiv_bulk_site import manifest_xml


def entry(yymm: str, seq: int, first: str, last: str, md5: str = "a" * 32) -> TarEntry:
    return TarEntry(f"pdf/arXiv_pdf_{yymm}_{seq:03d}.tar", md5, 1, 1, yymm, seq, first, last,
                    "2024-01-02 03:04:05", "b" * 32)  # fmt: skip


def test_the_manifest_in_arxivs_structure_is_read_in_full() -> None:
    tars = [tar_of("0001", 1, ["astro-ph0001001v1", "hep-th0001208v2"]), tar_of("1501", 2, [])]
    tars[1].members = tar_of("1501", 2, ["1501.00001v1"]).members
    entries = parse_manifest(manifest_xml(tars), "manifest")
    assert [(e.filename, e.yymm, e.seq_num, e.num_items) for e in entries] == [
        ("pdf/arXiv_pdf_0001_001.tar", "0001", 1, 2),
        ("pdf/arXiv_pdf_1501_002.tar", "1501", 2, 1),
    ]
    assert (entries[0].first_item, entries[0].last_item) == ("astro-ph0001001", "hep-th0001208")
    assert entries[0].stem == "arXiv_pdf_0001_001" and len(entries[0].md5sum) == 32


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html/>", "root <html> is not <arXivPDF>"),
        (b"<arXivPDF></arXivPDF>", "<arXivPDF> lists no <file>"),
        (b"<arXivPDF><file><filename>pdf/x.tar</filename></file></arXivPDF>", "pdf/x.tar has no"),
        (b"not xml", "not XML"),
    ],
)
def test_a_manifest_that_is_not_arxivs_is_one_line(body: bytes, error: str) -> None:
    with pytest.raises(ManifestError, match=error):
        parse_manifest(body, "s3://arxiv/pdf/arXiv_pdf_manifest.xml")


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("1501/1501.00001v2.pdf", MemberId("1501.00001", 2, "1501")),
        ("0704/0704.0001v1.pdf", MemberId("0704.0001", 1, "0704")),
        ("0001/astro-ph0001001v1.pdf", MemberId("astro-ph/0001001", 1, "0001")),
        ("9912/math9912001.pdf", MemberId("math/9912001", 0, "9912")),
        ("0101/cond-mat0101001v3.pdf", MemberId("cond-mat/0101001", 3, "0101")),
        ("1501/README.txt", None),
        ("1501/1501.00001v2.ps", None),
        ("1501.00001v2.pdf", None),
    ],
)
def test_member_names(name: str, found: MemberId | None) -> None:
    assert member_id(name) == found


def test_months() -> None:
    assert (month_of("9108"), month_of("0001"), month_of("2412")) == (
        "1991-08",
        "2000-01",
        "2024-12",
    )
    assert check_months(["1501", "1501", "0001"]) == ("1501", "0001")
    with pytest.raises(ValueError, match="1513"):
        check_months(["1513"])
    tars = [entry("1501", 2, "", ""), entry("9912", 1, "", ""), entry("1501", 1, "", "")]
    assert [t.stem for t in select_tars(tars, [])] == [
        "arXiv_pdf_9912_001",
        "arXiv_pdf_1501_001",
        "arXiv_pdf_1501_002",
    ]
    assert [t.stem for t in select_tars(tars, ["9912"])] == ["arXiv_pdf_9912_001"]


def test_each_tar_is_asked_for_the_papers_between_its_first_and_last_item() -> None:
    tars = [
        entry("0001", 1, "astro-ph0001001", "hep-th0001208"),
        entry("0001", 2, "hep-th0001209", "quant-ph0001119"),
        entry("1501", 1, "1501.00001", "1501.00500"),
        entry("1501", 2, "1501.00501", "1501.01000"),
    ]
    wanted = {"hep-th/0001300", "cond-mat/0001005", "1501.00500", "1501.00501", "1502.00001"}
    plans = plan_tars(tars, wanted)
    assert [(p.tar.stem, sorted(p.asked or ())) for p in plans] == [
        ("arXiv_pdf_0001_001", ["cond-mat/0001005"]),
        ("arXiv_pdf_0001_002", ["hep-th/0001300"]),
        ("arXiv_pdf_1501_001", ["1501.00500"]),
        ("arXiv_pdf_1501_002", ["1501.00501"]),
    ]
    assert [p.asked for p in plan_tars(tars[:1], None)] == [None]


def test_a_partition_is_done_for_its_md5_and_the_papers_asked(tmp_path: Path) -> None:
    tar = entry("1501", 1, "1501.00001", "1501.00009")
    empty = SCHEMA.empty_table()
    assert not is_done(tmp_path, tar, frozenset({"1501.00001"}))
    write_partition(tmp_path, tar, empty, frozenset({"1501.00001", "1501.00002"}))
    assert is_done(tmp_path, tar, frozenset({"1501.00002"}))
    assert not is_done(tmp_path, tar, frozenset({"1501.00003"}))  # collected since
    assert not is_done(tmp_path, tar, None)  # --all wants every PDF
    repacked = entry("1501", 1, "1501.00001", "1501.00009", md5="c" * 32)
    assert not is_done(tmp_path, repacked, frozenset({"1501.00001"}))
    write_partition(tmp_path, repacked, pa.Table.from_pylist([], schema=SCHEMA), None)
    assert is_done(tmp_path, repacked, frozenset({"1501.00003"})) and is_done(
        tmp_path, repacked, None
    )
    assert not partition_path(tmp_path, tar).exists()  # the older md5's partition is gone
    assert not list(tmp_path.rglob("*.tmp"))


def archived(arxiv_id: str, text_sha: str = "t" * 64) -> ArchiveRead:
    verdict = Verdict("pytorch", Role.USED, 0.9, (Evidence(2, 0, 9, "We use PyTorch", "r"),))
    return ArchiveRead(
        source="arxiv", source_id=arxiv_id, archive="s3://arxiv/pdf/arXiv_pdf_1501_001.tar",
        member_url=f"s3://arxiv/pdf/arXiv_pdf_1501_001.tar#1501/{arxiv_id}v1.pdf",
        pdf_sha256="p" * 64, pdf_bytes=1000, extractor="x",
        text=TextSummary(TextStatus.OK, text_sha, 8, 20000, None, 5, 2, 0),
        judged=(MethodVerdicts("evidence", "evidence/1", (verdict,)),),
    )  # fmt: skip


def test_documents_read_in_archives_are_left_alone_by_blob_stages(tmp_path: Path) -> None:
    with Store(tmp_path / "fwcensus.db") as store:
        store.papers.upsert([store_paper("1501.00001")], "listing")
        assert store.archives.save_reads([archived("1501.00001"), archived("1501.09999")]) == 1
        assert store.documents.reset_missing_blobs() == 0  # no blob, and not to be fetched again
        assert store.texts.jobs(Selection()) == []
        assert store.verdicts.jobs(Selection(), "evidence", "evidence/2") == []
        assert [job.text_sha256 for job in store.repos.jobs(Selection())] == [None]
        (paper,) = store.papers.rows(Selection())
        assert (paper["doc_status"], paper["text_status"], paper["pages"]) == ("fetched", "ok", 8)
        verdicts = store.verdicts.rows(Selection(), "evidence")
        assert [(v["framework"], v["role"], len(v["evidence"])) for v in verdicts] == [
            ("pytorch", "used", 1)
        ]
        # Stored again (a tar read twice): replaced, not added.
        store.archives.save_reads([archived("1501.00001")])
        assert len(store.verdicts.rows(Selection(), "evidence")) == 1
        # A new PDF URL from the source: fetched again like any other document.
        moved = replace(store_paper("1501.00001"), pdf_url="https://x/1.pdf")
        store.papers.upsert([moved], "listing")
        assert [d.url for d in store.documents.with_status(Selection())] == ["https://x/1.pdf"]

"""arXiv per month and primary category: DuckDB over the bulk partitions, each paper once at
its highest version; exported, and shown in the report beside the venues."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bulk_support import bulk_row, bulk_tar, fwcensus, store_paper, write_bulk
from fwcensus.bulk.arxiv_months import month_shares
from fwcensus.store import Store
from fwcensus.store.db import bulk_dir_for


def test_each_paper_counts_once_per_month_and_category(tmp_path: Path) -> None:
    db = tmp_path / "fwcensus.db"
    folder = bulk_dir_for(db)
    write_bulk(folder, bulk_tar("1501", 1),
          bulk_row("1501/1501.00001v1.pdf", "tensorflow"),  # replaced by v2 in the second tar
          bulk_row("1501/1501.00002v1.pdf", "pytorch"),
          bulk_row("1501/1501.00003v1.pdf", "pytorch", "tensorflow"),
          bulk_row("1501/1501.00004v1.pdf", "keras"),
          bulk_row("1501/1501.00005v1.pdf", ok=False))  # fmt: skip
    write_bulk(folder, bulk_tar("1501", 2), bulk_row("1501/1501.00001v2.pdf", "pytorch"))
    write_bulk(folder, bulk_tar("9108", 1), bulk_row("9108/hep-th9108001v1.pdf"))
    with Store(db) as store:
        store.papers.upsert([store_paper("1501.00001", "cs.LG"), store_paper("1501.00002", "cs.CV"),
                             store_paper("1501.00003", "cs.LG")], "listing")  # fmt: skip
        shares = month_shares(store, folder, "evidence")
    got = {(s.month, s.category): (s.papers, s.with_text, s.pytorch, s.tensorflow, s.both,
                                   s.neither) for s in shares}  # fmt: skip
    assert got == {
        ("1991-08", "all"): (1, 1, 0, 0, 0, 1),
        ("1991-08", "unknown"): (1, 1, 0, 0, 0, 1),
        ("2015-01", "all"): (5, 4, 3, 2, 1, 0),
        ("2015-01", "cs.LG"): (2, 2, 2, 1, 1, 0),
        ("2015-01", "cs.CV"): (1, 1, 1, 0, 0, 0),
        ("2015-01", "unknown"): (2, 1, 0, 1, 0, 0),  # keras counts as TensorFlow
    }
    assert [s.month for s in shares][:2] == ["1991-08", "1991-08"]  # 1991 before 2015
    january = next(s for s in shares if s.month == "2015-01" and s.category == "all")
    assert january.share == 2 / 3  # PyTorch only 2 (00001 v2, 00002), TensorFlow only 1
    assert january.ci_low is not None and january.ci_low < 2 / 3 < january.ci_high


def test_the_months_are_exported_and_in_the_report(tmp_path: Path) -> None:
    db = tmp_path / "fwcensus.db"
    write_bulk(bulk_dir_for(db), bulk_tar("2301", 1), bulk_row("2301/2301.00001v1.pdf", "pytorch"),
          bulk_row("2301/2301.00002v1.pdf", "jax"))  # fmt: skip
    with Store(db) as store:
        store.papers.upsert([store_paper("2301.00001", "cs.LG")], "listing")

    exported = fwcensus("export", "arxiv-months", "--format", "csv", "--db", db)
    assert exported.returncode == 0, exported.stderr
    records = list(csv.DictReader(io.StringIO(exported.stdout)))
    evidence = {(r["month"], r["category"]): r for r in records if r["method"] == "evidence"}
    assert set(evidence) == {("2023-01", "all"), ("2023-01", "cs.LG"), ("2023-01", "unknown")}
    assert (evidence["2023-01", "all"]["papers"], evidence["2023-01", "all"]["pytorch"]) == (
        "2",
        "1",
    )
    assert evidence["2023-01", "all"]["share"] == "1.0"

    report = fwcensus("report", "--db", db, "--out", tmp_path / "report")
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "report" / "index.html").read_text()
    assert 'id="arxiv-months"' in page and "<td>2023-01</td><td>2</td>" in page
    assert (tmp_path / "report" / "arxiv-months.svg").is_file()

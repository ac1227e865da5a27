from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from fwcensus.aggregate.stage import aggregate_shares
from fwcensus.detect.stage import DETECTORS
from fwcensus.detect.substring2019 import METHOD
from fwcensus.models import (
    DocStatus,
    Evidence,
    ExtractedText,
    FetchResult,
    Paper,
    Role,
    Selection,
    TextStatus,
    Verdict,
)
from fwcensus.report.export import PAPER_COLUMNS, SHARE_COLUMNS, VERDICT_COLUMNS, export
from fwcensus.report.stage import write_report
from fwcensus.store import Store

HOSTILE_TITLE = '<script>alert("title")</script> & <b>bold</b>'
HOSTILE_SNIPPET = "uses PyTorch <img src=x onerror=alert(1)>"


def fill(store: Store) -> None:
    papers = [
        Paper("cvf", "A", "CVPR", 2019, HOSTILE_TITLE, ("Eve <e@x>",),
              "https://openaccess.thecvf.com/a.pdf"),
        Paper("cvf", "B", "CVPR", 2019, "Plain", ("Bob",), "javascript:alert(2)//.pdf"),
    ]  # fmt: skip
    store.papers.upsert(papers, "L")
    for doc in store.documents.with_status(Selection()):
        sha = store.blobs.put_bytes(b"%PDF-1.4 " + str(doc.id).encode())
        store.documents.save_fetch(
            doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED
        )
        store.texts.save(sha, ExtractedText(TextStatus.OK, pages=("x",)), "test")
    for job in store.verdicts.jobs(Selection(), METHOD, DETECTORS[METHOD]):
        evidence = (Evidence(3, 5, 12, HOSTILE_SNIPPET, f"{METHOD}:pytorch"),)
        verdict = Verdict("pytorch", Role.USED, 1.0, evidence)
        store.verdicts.save(job.paper_id, METHOD, job.text_sha256, [verdict], DETECTORS[METHOD])
    aggregate_shares(store, METHOD)


def test_report_escapes_outside_text_and_links_only_http(store: Store, tmp_path: Path) -> None:
    fill(store)
    files = write_report(store, tmp_path / "report", METHOD)
    html = files.index.read_text()
    assert HOSTILE_TITLE not in html and "<img src=x" not in html
    # Titles and sentences reach the page as JSON with "<", ">" and "&" escaped; the browser's
    # script shows them with textContent (tests/test_browser.py checks it in Chromium).
    assert '\\u003cscript\\u003ealert(\\"title\\")\\u003c/script\\u003e' in html
    assert "uses PyTorch \\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert '"u":"https://openaccess.thecvf.com/a.pdf"' in html
    assert "javascript:" not in html  # not a link, and not even kept as a URL
    # The same records are a JSON file beside the page (plain JSON: never read as HTML).
    [data] = [p for p in files.data if p.name == "cvpr-2019.json"]
    records = json.loads(data.read_text())
    assert {r["t"] for r in records} == {HOSTILE_TITLE, "Plain"}
    assert not any("javascript:" in p.read_text() for p in files.data)
    # Offline: no script, style or image is loaded from anywhere.
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)
    assert {p.suffix for p in files.images} == {".svg", ".png"}


def test_exports_have_the_documented_columns(store: Store) -> None:
    fill(store)
    for table, columns in (("papers", PAPER_COLUMNS), ("verdicts", VERDICT_COLUMNS),
                           ("shares", SHARE_COLUMNS)):  # fmt: skip
        out = io.StringIO()
        export(store, table, "csv", out, Selection())
        rows = list(csv.reader(io.StringIO(out.getvalue())))
        assert tuple(rows[0]) == columns
        out = io.StringIO()
        count = export(store, table, "json", out, Selection())
        records = json.loads(out.getvalue())
        assert len(records) == count == len(rows) - 1
        assert all(set(columns) <= set(r) for r in records)
    out = io.StringIO()
    export(store, "verdicts", "json", out, Selection())
    [first, _] = json.loads(out.getvalue())
    assert first["evidence"][0]["snippet"] == HOSTILE_SNIPPET and first["pages"] == [3]


def test_framework_and_growth_tables_and_parquet(store: Store, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from fwcensus.aggregate import frameworks as fw
    from fwcensus.report.export import FRAMEWORK_COLUMNS

    fill(store)
    rows = fw.framework_rows(fw.paper_facts(store), [METHOD])
    by = {(r.framework, r.definition): r for r in rows}
    assert {r.framework for r in rows} == {"pytorch", "tensorflow"}  # what substring can find
    pt = by[("pytorch", fw.OF_ALL_PAPERS)]
    assert (pt.papers, pt.base, pt.share) == (2, 2, 1.0) and pt.ci_low is not None
    assert not any(r.definition == fw.OF_PAPERS_WITH_CODE for r in rows)  # hook: no repo data
    path = tmp_path / "f.parquet"
    with path.open("wb") as out:
        count = export(store, "frameworks", "parquet", out, Selection())
    table = pq.read_table(path)
    assert tuple(table.column_names) == FRAMEWORK_COLUMNS and table.num_rows == count
    with path.open("wb") as out:
        export(store, "verdicts", "parquet", out, Selection())
    record = pq.read_table(path).to_pylist()[0]
    assert (
        record["pages"] == [3] and json.loads(record["evidence"])[0]["snippet"] == HOSTILE_SNIPPET
    )


def test_bootstrap_ratio_is_seeded_and_brackets_the_estimate() -> None:
    from fwcensus.aggregate.intervals import bootstrap_ratio

    interval = bootstrap_ratio((60, 300), (30, 200), seed=1)
    assert interval == bootstrap_ratio((60, 300), (30, 200), seed=1)
    assert interval is not None and interval[0] < 2.0 < interval[1]  # type: ignore[operator]
    assert bootstrap_ratio((5, 10), (0, 10)) is None


def test_browser_data_is_escaped_inside_its_script_blocks(store: Store, tmp_path: Path) -> None:
    fill(store)
    html = write_report(store, tmp_path / "r", METHOD).index.read_text()
    blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert blocks and all("<" not in b for b in blocks)
    assert any("\\u003cscript\\u003ealert" in b for b in blocks)

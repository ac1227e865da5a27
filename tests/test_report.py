from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from fwcensus.aggregate.shares import aggregate_shares
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
from fwcensus.report.html import write_report
from fwcensus.store import Store

HOSTILE_TITLE = '<script>alert("title")</script> & <b>bold</b>'
HOSTILE_SNIPPET = "uses PyTorch <img src=x onerror=alert(1)>"


def fill(store: Store) -> None:
    papers = [
        Paper("cvf", "A", "CVPR", 2019, HOSTILE_TITLE, ("Eve <e@x>",),
              "https://openaccess.thecvf.com/a.pdf"),
        Paper("cvf", "B", "CVPR", 2019, "Plain", ("Bob",), "javascript:alert(2)//.pdf"),
    ]  # fmt: skip
    store.upsert_papers(papers, "L")
    for doc in store.documents(Selection()):
        sha = store.blobs.put_bytes(b"%PDF-1.4 " + str(doc.id).encode())
        store.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED)
        store.save_text(sha, ExtractedText(TextStatus.OK, pages=("x",)), "test")
    for job in store.detect_jobs(Selection(), METHOD):
        evidence = (Evidence(3, 5, 12, HOSTILE_SNIPPET, f"{METHOD}:pytorch"),)
        verdict = Verdict("pytorch", Role.USED, 1.0, evidence)
        store.save_verdicts(job.paper_id, METHOD, job.text_sha256, [verdict])
    aggregate_shares(store, METHOD)


def test_report_escapes_outside_text_and_links_only_http(store: Store, tmp_path: Path) -> None:
    fill(store)
    files = write_report(store, tmp_path / "report", METHOD)
    html = files.index.read_text()
    assert HOSTILE_TITLE not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "uses PyTorch &lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://openaccess.thecvf.com/a.pdf#page=3"' in html
    assert 'href="javascript:' not in html
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

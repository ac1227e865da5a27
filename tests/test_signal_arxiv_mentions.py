"""arxiv-mentions signal: arXiv papers and their verdicts month by month, from the bulk runs'
partitions when there are any, else the store's own arXiv papers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bulk_support import bulk_row, bulk_tar, write_bulk
from fwcensus.detect.stage import DETECTORS
from fwcensus.fetch.api import ApiClient
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
from fwcensus.plugins import fetch_settings
from fwcensus.signals.arxiv_mentions import SIGNAL, USING, WITH_TEXT
from fwcensus.signals.stage import collect_signals
from fwcensus.store import Store
from fwcensus.store.db import bulk_dir_for

METHOD = "evidence"
# arXiv id -> (roles of the text, fetched with text)
PAPERS = {
    "1905.00001": ({"pytorch": Role.USED}, True),
    "1905.00002": ({"keras": Role.USED, "pytorch": Role.MENTIONED}, True),  # Keras is TF's
    "1905.00003": ({}, True),
    "1905.00004": ({"pytorch": Role.USED}, False),  # no text: not counted at all
    "1907.00005": ({"tensorflow": Role.USED, "jax": Role.USED}, True),
    "cs/0701001": ({"pytorch": Role.USED}, True),  # an old-style id, before `since`
}


def build(store: Store) -> dict[str, int]:
    papers = [
        Paper("arxiv", key, "arXiv", int(key[:2]) + 2000 if "/" not in key else 2007,
              f"On {key}", ("Ada Lovelace",), f"https://arxiv.org/pdf/{key}", arxiv_id=key)
        for key in PAPERS
    ]  # fmt: skip
    store.papers.upsert(papers, "L")
    ids = {r["paper_id"]: r["source_id"] for r in store.papers.rows(Selection())}
    for doc in store.documents.with_status(Selection()):
        if not PAPERS[ids[doc.paper_id]][1]:
            continue
        sha = store.blobs.put_bytes(b"%PDF-1.4 " + str(doc.id).encode())
        store.documents.save_fetch(
            doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED
        )
        store.texts.save(sha, ExtractedText(TextStatus.OK, pages=("x",)), "test")
    for job in store.verdicts.jobs(Selection(), METHOD, DETECTORS[METHOD]):
        verdicts = [
            Verdict(f, role, 0.9, (Evidence(1, 0, 5, f"We use {f}.", "version"),))
            for f, role in sorted(PAPERS[ids[job.paper_id]][0].items())
        ]
        store.verdicts.save(job.paper_id, METHOD, job.text_sha256, verdicts, DETECTORS[METHOD])
    return {key: pid for pid, key in ids.items()}


def test_months_count_papers_with_text_and_those_using_each_family(
    store: Store, tmp_path: Path
) -> None:
    ids = build(store)
    lines: list[str] = []
    with ApiClient(fetch_settings()) as api:  # asked nothing: no mirror needed
        [summary] = collect_signals(store, api, [SIGNAL], "2015-01", date(2019, 7, 20),
                                    lines.append, env={})  # fmt: skip

    assert summary.outcome == "complete" and summary.requests == 0
    rows = list(store.signals.value_rows("arxiv-mentions"))
    got = {(r["framework"], r["measure"], r["period"]): r["value"] for r in rows}
    assert got[("pytorch", USING, "2019-05")] == 1
    assert got[("tensorflow", USING, "2019-05")] == 1  # Keras counts as TensorFlow
    assert got[("pytorch", WITH_TEXT, "2019-05")] == 3
    assert got[("jax", USING, "2019-07")] == 1 and got[("pytorch", USING, "2019-07")] == 0
    assert ("keras", USING, "2019-05") not in got  # merged into its family
    assert {r["period"] for r in rows} == {"2019-05", "2019-07"}
    complete = {r["period"]: r["complete"] for r in rows}
    assert complete == {"2019-05": True, "2019-07": False}
    # Each value leads to the papers behind it.
    [may] = {tuple(r["requests"]) for r in rows if r["period"] == "2019-05"}
    assert may[0].startswith("fwcensus-store:papers?venue=arXiv&method=evidence&month=2019-05")
    body = store.signals.latest_request("arxiv-mentions", may[0])
    assert body is not None
    papers = json.loads(body.body)
    assert papers["using"]["pytorch"] == [ids["1905.00001"]]
    assert sorted(papers["with_text"]) == sorted(ids[k] for k in ("1905.00001", "1905.00002",
                                                                  "1905.00003"))  # fmt: skip


def test_a_store_without_arxiv_papers_gives_no_values(store: Store) -> None:
    with ApiClient(fetch_settings()) as api:
        [summary] = collect_signals(store, api, [SIGNAL], "2015-01", date(2019, 7, 20),
                                    lambda line: None, env={})  # fmt: skip
    assert summary.outcome == "complete" and summary.stored == 0


def test_the_bulk_runs_partitions_come_first_with_their_arxiv_ids(store: Store) -> None:
    build(store)  # the store's own arXiv papers say otherwise: they are not read
    folder = bulk_dir_for(store.path)
    write_bulk(folder, bulk_tar("1905", 1),
               bulk_row("1905/1905.10001v1.pdf", "tensorflow"),  # v2 in the next tar wins
               bulk_row("1905/1905.10002v1.pdf", "keras", "pytorch"),
               bulk_row("1905/1905.10003v1.pdf", ok=False))  # fmt: skip
    write_bulk(folder, bulk_tar("1905", 2), bulk_row("1905/1905.10001v2.pdf", "pytorch"))
    write_bulk(folder, bulk_tar("1906", 1), bulk_row("1906/1906.10004v1.pdf", "jax"))
    with ApiClient(fetch_settings()) as api:
        [summary] = collect_signals(store, api, [SIGNAL], "2015-01", date(2019, 7, 20),
                                    lambda line: None, env={})  # fmt: skip

    assert summary.outcome == "complete" and summary.requests == 0
    rows = list(store.signals.value_rows("arxiv-mentions"))
    got = {(r["framework"], r["measure"], r["period"]): r["value"] for r in rows}
    assert got[("pytorch", USING, "2019-05")] == 2
    assert got[("tensorflow", USING, "2019-05")] == 1  # Keras counts as TensorFlow, v1 replaced
    assert got[("pytorch", WITH_TEXT, "2019-05")] == 2  # the PDF without text is not counted
    assert got[("jax", USING, "2019-06")] == 1
    assert {r["period"] for r in rows} == {"2019-05", "2019-06"}  # not the store's 2019-07
    [may] = {tuple(r["requests"]) for r in rows if r["period"] == "2019-05"}
    assert may[0] == "fwcensus-bulk:arxiv?method=evidence&month=2019-05"
    body = store.signals.latest_request("arxiv-mentions", may[0])
    assert body is not None
    papers = json.loads(body.body)
    assert papers["with_text"] == ["1905.10001", "1905.10002"]
    assert papers["using"]["pytorch"] == ["1905.10001", "1905.10002"]
    assert papers["using"]["tensorflow"] == ["1905.10002"] and papers["using"]["jax"] == []

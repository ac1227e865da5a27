"""The report's pass over the store and the sections it feeds, without a browser: the pass
counts what the whole-store functions count, the 2019 study's facts are the published ones,
arXiv months come from the ids, the sentences say what the rows say, the tables' CSV files hold
the rows, and ``report --serve`` serves the folder."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES, aggregate_shares
from fwcensus.collect.identity import link_works
from fwcensus.detect.evidence import METHOD as EVIDENCE
from fwcensus.detect.stage import DETECTORS
from fwcensus.detect.substring2019 import METHOD as SUBSTRING
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
from fwcensus.report import study, summary
from fwcensus.report.arxiv import month_of
from fwcensus.report.paper_data import DataWriter, Inline
from fwcensus.report.scan import scan
from fwcensus.report.stage import write_report
from fwcensus.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
METHODS = [SUBSTRING, EVIDENCE]
# key: (venue, year, source, arXiv id, track, {method: {framework: role}})
PAPERS = {
    "a": ("CVPR", 2019, "cvf", "1811.00001", "main",
          {SUBSTRING: {"pytorch": "used", "tensorflow": "used"}, EVIDENCE: {"pytorch": "used"}}),
    "b": ("CVPR", 2019, "cvf", None, "main",
          {SUBSTRING: {"tensorflow": "used"}, EVIDENCE: {"tensorflow": "cited"}}),
    "c": ("ICCV", 2019, "cvf", None, "main",
          {SUBSTRING: {"pytorch": "used"}, EVIDENCE: {"pytorch": "used", "jax": "used"}}),
    "d": ("ICCV", 2021, "cvf", None, "main", {SUBSTRING: {}, EVIDENCE: {"mxnet": "used"}}),
    # The preprint of "a", a year earlier: over all venues it is one work, of 2019.
    "e": ("arXiv", 2018, "arxiv", "1811.00001", "cs.CV",
          {SUBSTRING: {"tensorflow": "used"}, EVIDENCE: {"tensorflow": "used"}}),
    "f": ("arXiv", 2021, "arxiv", "2103.00002", "cs.LG",
          {SUBSTRING: {"pytorch": "used"}, EVIDENCE: {"pytorch": "used"}}),
    "g": ("arXiv", 2021, "arxiv", "2103.00003", "cs.LG",
          {SUBSTRING: {"tensorflow": "used"}, EVIDENCE: {"keras": "used"}}),
}  # fmt: skip


def fill(store: Store) -> None:
    for key, (venue, year, source, arxiv_id, track, _) in PAPERS.items():
        paper = Paper(source, arxiv_id if source == "arxiv" else key, venue, year,
                      f"Paper {key}", ("A B",), f"https://x.org/{key}.pdf", arxiv_id=arxiv_id,
                      track=track)  # fmt: skip
        store.papers.upsert([paper], "L")
    link_works(store)
    ids = {r["source_id"]: r["paper_id"] for r in store.papers.rows(Selection())}
    for doc in store.documents.with_status(Selection()):
        sha = store.blobs.put_bytes(f"%PDF {doc.id}".encode())
        store.documents.save_fetch(
            doc.id, FetchResult(ok=True, sha256=sha, size=9), DocStatus.FETCHED
        )
        store.texts.save(sha, ExtractedText(TextStatus.OK, pages=(f"text {doc.id}",)), "test")
    for key, (_, _, source, arxiv_id, _, roles) in PAPERS.items():
        paper_id = ids[arxiv_id if source == "arxiv" else key]
        for method in METHODS:
            [job] = [j for j in store.verdicts.jobs(Selection(), method, DETECTORS[method])
                     if j.paper_id == paper_id]  # fmt: skip
            verdicts = [
                Verdict(f, Role(role), 0.9, (Evidence(1, 0, 5, f"uses {f}", f"{method}:t"),))
                for f, role in roles[method].items()
            ]
            store.verdicts.save(paper_id, method, job.text_sha256, verdicts, DETECTORS[method])
    for method in METHODS:
        aggregate_shares(store, method)


def test_the_pass_counts_what_the_whole_store_counts(store: Store, tmp_path: Path) -> None:
    fill(store)
    writer = DataWriter(tmp_path)
    scanned = scan(store, METHODS, EVIDENCE, writer)
    data = writer.finish(Inline.NEVER)
    facts = fw.paper_facts(store)
    expected = fw.framework_rows(facts, METHODS)
    got = fw.rows_of_tallies(scanned.tallies, METHODS)
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert sorted(fw.growth_of_tallies(scanned.tallies, METHODS), key=repr) == sorted(
        fw.growth_rows(facts, METHODS), key=repr
    )
    # The preprint of 2018 counts over all venues in 2019, with its venue paper, once.
    assert scanned.tallies[(ALL_VENUES, 2019)].members == 3  # a+e, b, c
    [preprints] = [f for f in data.files if (f.venue, f.year) == ("arXiv cs.CV", 2018)]
    assert preprints.work_years == (2019,)
    [record] = json.loads((tmp_path / "data" / preprints.file).read_text())
    assert record["wy"] == 2019 and record["arx"] == 1  # the year is the file's: 2018
    # Named both and used one (a); named without use (b's TensorFlow, cited).
    assert scanned.differences[("CVPR", 2019)] == {
        "both_named_one_used": 1,
        "named_not_used:tensorflow": 2,
    }
    # arXiv by month of the first version (from the id) and primary category, then all.
    months = {(r.month, r.category): r for r in scanned.arxiv.rows()}
    assert set(months) == {("2018-11", "all"), ("2018-11", "cs.CV"), ("2021-03", "all"),
                           ("2021-03", "cs.LG")}  # fmt: skip
    march = months[("2021-03", "cs.LG")]
    assert (march.papers, march.pytorch, march.tensorflow, march.both) == (2, 1, 1, 0)
    assert march.share == 0.5 and march.source == "text"  # Keras counts as TensorFlow


def test_arxiv_months_come_from_the_ids() -> None:
    assert month_of("2103.01234") == "2021-03"
    assert month_of("0704.0001") == "2007-04"
    assert month_of("cs/9912001") == "1999-12"
    assert month_of("math.GT/0309136") == "2003-09"
    assert month_of("2113.01234") is None and month_of(None) is None
    assert month_of("ICLR-17") is None


def test_the_studys_fact_table_is_its_published_numbers() -> None:
    facts = study.load()
    with (FIXTURES / "study2019" / "published.csv").open(encoding="utf-8") as rows:
        published = [
            (r["venue"], r["month"], int(r["pytorch_only"]), int(r["tensorflow_only"]),
             int(r["papers"]))
            for r in csv.DictReader(rows)
        ]  # fmt: skip
    assert [(r.venue, r.month, r.pytorch_only, r.tensorflow_only, r.papers)
            for r in facts.rows] == published  # fmt: skip
    assert "Chillee/pytorch-vs-tensorflow" in facts.source and "3ef0c7d" in facts.source
    iclr = {r.year: r for r in facts.rows if r.venue == "ICLR"}
    assert iclr[2021].papers == 3012 and "submissions" in facts.notes["ICLR 2021"]


def share(venue: str, year: int, pt: int, tf: int, both: int = 0, method: str = EVIDENCE):
    from fwcensus.aggregate.stage import share_row

    counts = {"venue": venue, "year": year, "track": "main", "listed": 900, "fetched": 880,
              "with_text": 870, "pytorch": pt + both, "tensorflow": tf + both, "both": both,
              "neither": 100}  # fmt: skip
    return share_row(counts, method)


def test_the_studys_differences_carry_their_known_reasons() -> None:
    facts = study.load()
    shares = [share("ICLR", 2021, 300, 100), share("ICLR", 2021, 400, 150, method=SUBSTRING),
              share("CVPR", 2019, 300, 100), share("NeurIPS", 2024, 9, 9)]  # fmt: skip
    counts = {("ICLR", 2021): {"named_not_used:pytorch": 7, "both_named_one_used": 3}}
    [cvpr, iclr] = study.compare(facts, shares, counts)  # not NeurIPS 2024: not in the study
    assert (iclr.venue, iclr.year, iclr.study.papers) == ("ICLR", 2021, 3012)
    assert iclr.reasons[0].text == facts.notes["ICLR 2021"]
    assert [(r.count, r.measure, r.framework) for r in iclr.reasons[1:]] == [
        (7, "named_not_used", "pytorch"),
        (3, "both_named_one_used", ""),
    ]
    assert "no reason is known" in cvpr.reasons[0].text  # 900 listed here, 1294 in the study
    values = study.series_values([iclr])
    assert values[0] == {"venue_year": "ICLR 2021", "series": study.STUDY, "pytorch_only": 756,
                         "tensorflow_only": 217, "papers": 3012, "share": 756 / 973,
                         "ci_low": iclr.study.interval[0],  # type: ignore[index]
                         "ci_high": iclr.study.interval[1]}  # type: ignore[index]  # fmt: skip
    assert {v["series"] for v in values} == set(study.SERIES)


def test_the_sentences_say_what_the_rows_say() -> None:
    rows = [share("CVPR", 2019, 60, 40), share("CVPR", 2023, 90, 10, both=4),
            share("ICCV", 2023, 70, 30)]  # fmt: skip
    rows += [share(ALL_VENUES, 2019, 60, 40), share(ALL_VENUES, 2023, 160, 40, both=4)]
    jax = fw.FrameworkRow(ALL_VENUES, 2023, EVIDENCE, "jax", fw.OF_FRAMEWORK_PAPERS, 0, 300,
                          870, 0.0, 0.0, 0.01)  # fmt: skip
    said = summary.sentences(rows, [jax], {"jax": "JAX"}, ("framework", "any_framework"))
    texts = [s.text for s in said]
    assert texts[0] == (
        "Over all venues in 2023, 160 of 200 papers that used one of PyTorch and TensorFlow"
        " (not both) used PyTorch: 80% [74%, 85%]."
    )
    assert texts[1].startswith("That is up from 60% [50%, 69%] in 2019 (60 of 100); the two")
    assert "do not overlap" in texts[1]
    assert texts[2] == (
        "In 2023 the share was highest at CVPR, 90 of 100 (90% [83%, 94%]), and lowest at"
        " ICCV, 70 of 100 (70% [60%, 78%])."
    )
    assert texts[3] == (
        "Left out of that share over all venues in 2023: 4 papers that used both and 100 that"
        " used neither, of 304 papers with a verdict."
    )
    assert texts[4] == "No other catalogue framework was used over all venues in 2023."
    used = dataclasses.replace(jax, papers=12, share=0.04, ci_low=0.023, ci_high=0.069)
    said = summary.sentences(rows, [used], {"jax": "JAX"}, ("framework", "any_framework"))
    assert said[4].text == (
        "Beyond the two, the most used framework over all venues in 2023 was JAX: 12 of 300"
        " papers that used any catalogue framework (4% [2%, 7%])."
    )
    assert len(summary.sentences(rows, [], {}, ("framework", "any_framework"))) == 4
    counts = [p for s in said for p in s.parts if isinstance(p, summary.Count)]
    expected = {(ALL_VENUES, "one_of_two"), (ALL_VENUES, "both"), ("ICCV", "pytorch_only")}
    assert {(c.venue, c.measure) for c in counts} >= expected
    assert summary.sentences([], [], {}, ("framework", "any_framework")) == []


def test_tables_hold_the_rows_as_csv(store: Store, tmp_path: Path) -> None:
    fill(store)
    files = write_report(store, tmp_path / "r", EVIDENCE)
    tables = {p.name: list(csv.DictReader(p.open(encoding="utf-8"))) for p in files.tables}
    shares = [r for r in store.shares.rows() if r.method == EVIDENCE]
    assert [(r["venue"], int(r["year"]), int(r["pytorch_only"])) for r in tables["shares.csv"]] == [
        (r.venue, r.year, r.pytorch_only) for r in shares
    ]
    [cvpr, iccv] = tables["study2019.csv"]  # the venue-years both hold
    assert (cvpr["venue"], cvpr["study_papers"], cvpr["evidence_listed"]) == ("CVPR", "1294", "2")
    assert (iccv["venue"], iccv["year"], iccv["study_pytorch_only"]) == ("ICCV", "2019", "263")
    html = files.index.read_text(encoding="utf-8")
    for path in files.tables:
        assert f'href="tables/{path.name}"' in html
    assert [(r["month"], r["category"]) for r in tables["arxiv-months.csv"]] == [
        ("2018-11", "all"), ("2018-11", "cs.CV"), ("2021-03", "all"), ("2021-03", "cs.LG")
    ]  # fmt: skip
    assert "<td>2021-03</td><td>2</td>" in html  # the month's row, all categories


def test_report_serve_serves_the_folder_on_localhost(tmp_path: Path) -> None:
    db = tmp_path / "fwcensus.db"
    with Store(db) as opened:
        fill(opened)
    out = tmp_path / "report"
    process = subprocess.Popen(
        [sys.executable, "-m", "fwcensus", "report", "--db", str(db), "--out", str(out),
         "--data", "files", "--serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ},
    )  # fmt: skip
    try:
        url = _printed_url(process, deadline=time.monotonic() + 120)
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as answer:
            page = answer.read().decode("utf-8")
        assert "The answer" in page and 'class="venue-data"' not in page  # nothing inlined
        index_url = url.replace("index.html", "data/index.json")
        with urllib.request.urlopen(index_url, timeout=10) as answer:
            assert answer.headers["Content-Type"] == "application/json"
            index = json.loads(answer.read())
        assert index["inline"] is False and len(index["files"]) == 5
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


def _printed_url(process: subprocess.Popen[str], deadline: float) -> str:
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"report --serve ended: {process.stderr.read() if process.stderr else ''}")
        found = re.search(r"http://127\.0\.0\.1:\d+/index\.html", line)
        if found:
            return found.group(0)
    pytest.fail("report --serve printed no URL in time")

"""The pipeline as users run it: the CLI in a subprocess, against a mirror on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.demo.sites.cvf_site import CvfEntry, write_cvf_year
from fwcensus.mirror.urls import file_for_url, write_mirror_file
from fwcensus.store import Store

from conftest import Serve
from facts import study_list
from study2019 import build_cvpr2019_mirror

PDF_TEMPLATE = b"%%PDF-1.4\n%% paper %d\n" + b"0" * 4000 + b"\n%%%%EOF\n"


def fwcensus(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "fwcensus", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )
    if check and result.returncode != 0:
        raise AssertionError(f"fwcensus {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def expected_from_truth(truth: dict, method: str) -> dict[tuple[str, int], dict[str, int]]:
    """Per venue-year counts computed from the sample's own ground truth only: under
    substring-2019 what the text names, under evidence what the paper used by its text or its
    code (families merged: Keras counts as TensorFlow)."""
    family = load_catalogue().family
    out: dict[tuple[str, int], Counter] = {}
    for paper in truth["papers"]:
        c = out.setdefault((paper["venue"], paper["year"]), Counter())
        c["listed"] += 1
        c["fetched"] += paper["expect_fetch"] == "fetched"
        has_text = paper["expect_text"] == "ok"
        c["with_text"] += has_text
        if method == "substring-2019":
            pt = has_text and paper["names_pytorch"]
            tf = has_text and paper["names_tensorflow"]
        else:
            # The generator's second framework only re-implements the baselines (labels call
            # that baseline, not use): the paper's own is the first.
            used = {family(f) for f in (*paper["used"][:1], *paper["code_uses"])}
            pt, tf = has_text and "pytorch" in used, has_text and "tensorflow" in used
        c["pytorch"] += pt
        c["tensorflow"] += tf
        c["both"] += pt and tf
        c["neither"] += has_text and not pt and not tf
    # Every demo venue comes from one source (CVF), so no paper is another's version: the row
    # over all venues is the plain sum.
    for (_, year), counter in list(out.items()):
        out.setdefault(("All venues", year), Counter()).update(counter)
    return {key: dict(counter) for key, counter in out.items()}


class _TableReader(HTMLParser):
    """Reads the rows of the report's #shares table as a person sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_table = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", "shares") in attrs:
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data.strip()


def test_demo_report_matches_the_samples_ground_truth(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = fwcensus("demo", "--out", out)
    assert "Report:" in result.stderr
    truth = json.loads((out / "truth.json").read_text())
    assert any(p["broken"] for p in truth["papers"])

    shares = json.loads(
        fwcensus("export", "shares", "--format", "json", "--db", out / "fwcensus.db").stdout
    )
    assert {r["method"] for r in shares} == {"substring-2019", "evidence"}  # side by side
    for method in ("substring-2019", "evidence"):
        wanted = expected_from_truth(truth, method)
        got = {(r["venue"], r["year"]): {k: r[k] for k in wanted[(r["venue"], r["year"])]}
               for r in shares if r["method"] == method}  # fmt: skip
        assert got == wanted, method

    # The report leads with the default method, evidence.
    expected = expected_from_truth(truth, "evidence")

    reader = _TableReader()
    reader.feed((out / "report" / "index.html").read_text())
    table = {(row[0], int(row[1])): row for row in reader.rows if row}
    assert set(table) == set(expected)
    for key, counts in expected.items():
        row = table[key]
        order = ("listed", "fetched", "with_text", "pytorch", "tensorflow", "both", "neither")
        assert [int(v) for v in row[2:9]] == [counts[k] for k in order], key
        pt_only = counts["pytorch"] - counts["both"]
        tf_only = counts["tensorflow"] - counts["both"]
        if pt_only + tf_only:
            assert row[11] == f"{100 * pt_only / (pt_only + tf_only):.1f}%"
    assert (out / "report" / "pytorch-share.svg").read_text().lstrip().startswith("<svg")

    # A second run finds the store complete: nothing is duplicated, nothing fetched again.
    again = fwcensus("demo", "--out", out)
    assert "0 fetched" in again.stderr and "0 new" in again.stderr
    with Store(out / "fwcensus.db") as store:
        assert store.conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == len(
            truth["papers"]
        )


def _pdf_mirror(root: Path, n: int) -> list[str]:
    entries = [CvfEntry(f"Paper {i}", ("Ada Lovelace",), f"Lovelace_Paper_{i}_CVPR_2024_paper")
               for i in range(n)]  # fmt: skip
    urls = write_cvf_year(root, "CVPR", 2024, entries)
    for i, url in enumerate(urls):
        write_mirror_file(root, url, PDF_TEMPLATE % i)
    return urls


def _fetched(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(
                "SELECT COUNT(*) FROM documents WHERE status = 'fetched'"
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_kill_9_during_fetch_then_rerun_loses_and_duplicates_nothing(
    tmp_path: Path, serve: Serve
) -> None:
    root = tmp_path / "mirror"
    urls = _pdf_mirror(root, 40)
    server = serve(root, "delay:0.05@*.pdf")  # keeps a download in flight most of the time
    db = tmp_path / "fwcensus.db"
    fwcensus("collect", "--venue", "CVPR", "--year", "2024", "--db", db, "--mirror", server.url,
             "--rate", "0")  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "fwcensus", "fetch", "--db", str(db), "--mirror", server.url,
         "--rate", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while _fetched(db) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # polling the store for progress, not waiting out a race
    assert proc.poll() is None, "fetch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with Store(db) as store:
        assert store.integrity_ok()
        done_before = _fetched(db)
        assert 10 <= done_before < 40
    fwcensus("fetch", "--db", db, "--mirror", server.url, "--rate", "0")
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT d.url, d.status, d.sha256 FROM documents d JOIN papers p ON p.id = d.paper_id"
        ).fetchall()
        assert sorted(r[0] for r in rows) == sorted(urls)  # every paper once, none lost
        assert {r[1] for r in rows} == {"fetched"}
        for i, url in enumerate(urls):
            sha = next(r[2] for r in rows if r[0] == url)
            assert store.blobs.read_bytes(sha) == PDF_TEMPLATE % i
        assert not list(store.blobs.tmp.iterdir())
    pdf_requests = [r for r in server.requests if r.endswith(".pdf")]
    assert len(pdf_requests) <= 40 + 2  # at most the in-flight downloads were repeated


def test_a_truncated_pdf_fails_at_fetch_and_retry_failed_downloads_it_again(
    tmp_path: Path, serve: Serve
) -> None:
    root = tmp_path / "mirror"
    urls = _pdf_mirror(root, 3)
    whole = [PDF_TEMPLATE % i for i in range(3)]
    write_mirror_file(root, urls[0], whole[0][:1000])  # answered 200, whole, but itself cut
    server = serve(root, "truncate:300*2@*/Lovelace_Paper_1_*")  # cut off on the wire, twice
    db = tmp_path / "fwcensus.db"
    net = ("--db", db, "--mirror", server.url, "--rate", "0")
    fwcensus("collect", "--venue", "CVPR", "--year", "2024", *net)
    fwcensus("fetch", *net, "--attempts", "2")
    papers = {p["pdf_url"]: p for p in _export_papers(db)}
    assert [papers[url]["doc_status"] for url in urls] == ["failed", "failed", "fetched"]
    assert papers[urls[0]]["doc_error"] == "truncated after 1000 bytes"
    assert papers[urls[1]]["doc_error"] == "truncated after 300 bytes"
    stored = [p.read_bytes() for p in (tmp_path / "fwcensus.blobs").rglob("*") if p.is_file()]
    assert [blob for blob in stored if blob.startswith(b"%PDF")] == [whole[2]]  # beside listings
    status = fwcensus("status", "--db", db).stderr
    assert "truncated after" in status  # the host's most frequent failure

    asked = len(server.requests)
    fwcensus("fetch", *net)  # failed documents wait for --retry-failed
    assert not [r for r in server.requests[asked:] if r.endswith(".pdf")]
    write_mirror_file(root, urls[0], whole[0])
    fwcensus("fetch", *net, "--retry-failed")
    papers = {p["pdf_url"]: p for p in _export_papers(db)}
    assert {papers[url]["doc_status"] for url in urls} == {"fetched"}
    with Store(db) as store:
        assert [store.blobs.read_bytes(papers[url]["pdf_sha256"]) for url in urls] == whole


def _export_papers(db: Path) -> list[dict]:
    return json.loads(fwcensus("export", "papers", "--format", "json", "--db", db).stdout)


def test_changed_listing_structure_fails_the_command_with_one_line(
    tmp_path: Path, serve: Serve
) -> None:
    root = tmp_path / "mirror"
    _pdf_mirror(root, 3)
    listing = file_for_url(root, "https://openaccess.thecvf.com/CVPR2024?day=all")
    listing.write_bytes(listing.read_bytes().replace(b'<dt class="ptitle">', b'<dt class="title">'))
    server = serve(root)
    result = fwcensus("collect", "--venue", "cvpr", "--year", "2024", "--db", tmp_path / "x.db",
                      "--mirror", server.url, "--rate", "0", check=False)  # fmt: skip
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: listing https://openaccess.thecvf.com/CVPR2024?day=all")
    assert "ptitle" in lines[0]


def test_full_size_cvpr_2019_run_gives_the_studys_per_paper_counts(
    tmp_path: Path, serve: Serve
) -> None:
    study = study_list("cvpr_2019")
    root = tmp_path / "mirror"
    expected = build_cvpr2019_mirror(root, with_pdfs=True)
    assert len(expected) == study.papers == 1294
    server = serve(root)
    db = tmp_path / "fwcensus.db"
    fwcensus("run", "--venue", "CVPR", "--year", "2019", "--mirror", server.url, "--rate", "0",
             "--db", db, "--out", tmp_path / "report")  # fmt: skip
    papers = _export_papers(db)
    assert Counter((p["title"], p["pdf_url"]) for p in papers) == Counter(expected)
    assert {p["doc_status"] for p in papers} == {"fetched"}
    shares = json.loads(fwcensus("export", "shares", "--format", "json", "--db", db).stdout)
    [share] = [s for s in shares if s["method"] == "substring-2019" and s["venue"] == "CVPR"]
    counts = {key: share[key] for key in ("year", "listed", "with_text", "pytorch_only",
                                          "tensorflow_only", "both", "neither")}  # fmt: skip
    assert counts == {"year": 2019, "listed": 1294, "with_text": 1294,
                      "pytorch_only": study.pytorch_only, "tensorflow_only": study.tensorflow_only,
                      "both": study.both, "neither": study.neither}  # fmt: skip


def test_demo_with_a_misbehaving_mirror_loses_no_paper(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    faults = "503%30@*.pdf;truncate%10@*.pdf;drop%5@*.pdf;429:1%5@*.pdf"
    fwcensus("demo", "--out", out, "--faults", faults)
    truth = json.loads((out / "truth.json").read_text())
    papers = json.loads(
        fwcensus("export", "papers", "--format", "json", "--db", out / "fwcensus.db").stdout
    )
    assert sorted(p["pdf_url"] for p in papers) == sorted(p["pdf_url"] for p in truth["papers"])
    for paper in papers:
        assert paper["doc_status"] in ("fetched", "failed"), paper
        if paper["doc_status"] == "failed":
            assert paper["doc_error"], paper  # every failure says why
    expected_ok = {p["pdf_url"] for p in truth["papers"] if p["expect_fetch"] == "fetched"}
    fetched = {p["pdf_url"] for p in papers if p["doc_status"] == "fetched"}
    assert fetched <= expected_ok  # a broken file is never taken for a PDF
    assert len(fetched) > len(expected_ok) / 2  # retries got most through

"""The fetch stage: concurrent polite downloads into the blob store, against the mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus.fetch.pdfcheck import TRAILER_WINDOW, PdfSniffer
from fwcensus.fetch.policy import FetchError, FetchSettings
from fwcensus.fetch.stage import fetch_documents
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.models import DocStatus, Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.store import Store

from conftest import Serve

PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 200 + b"%%EOF\n"
HOST = "https://openaccess.thecvf.com"


def settings(server_url: str, **overrides: object) -> FetchSettings:
    values = {"rate": 0.0, "read_timeout": 2.0, "attempts": 3, "backoff": 0.05, **overrides}
    return fetch_settings(mirror=server_url, **values)  # type: ignore[arg-type]


def papers(n: int, host: str = HOST, prefix: str = "P") -> list[Paper]:
    return [
        Paper("cvf", f"{prefix}{i}", "CVPR", 2019, f"Paper {i}", ("A",),
              f"{host}/content_CVPR_2019/papers/{prefix}{i}_CVPR_2019_paper.pdf")
        for i in range(n)
    ]  # fmt: skip


def rows(store: Store) -> dict[str, dict]:
    return {r["source_id"]: r for r in store.papers.rows(Selection())}


def test_pdfs_are_validated_by_their_bytes(tmp_path: Path, serve: Serve, store: Store) -> None:
    listed = papers(5)
    write_mirror_file(tmp_path, listed[0].pdf_url, PDF)
    expired = b"<!DOCTYPE html><html><body>Session expired</body></html>"
    write_mirror_file(tmp_path, listed[1].pdf_url, expired)
    write_mirror_file(tmp_path, listed[2].pdf_url, b"")  # a 200 with an empty body
    write_mirror_file(tmp_path, listed[3].pdf_url, PDF)  # served as an HTML page, below
    store.papers.upsert(listed, "L")  # listed[4] has no file: 404
    server = serve(tmp_path, "html@*/P3_CVPR_2019_paper.pdf")
    summary = fetch_documents(store, settings(server.url), Selection())
    got = rows(store)
    assert (summary.fetched, summary.failed) == (1, 4)
    assert store.blobs.read_bytes(got["P0"]["pdf_sha256"]) == PDF
    assert got["P1"]["doc_error"].startswith("not a PDF: application/pdf starting '<!DOCTYPE")
    assert got["P2"]["doc_error"] == "not a PDF: empty body"
    assert got["P3"]["doc_error"].startswith("not a PDF: application/pdf")
    assert got["P4"]["doc_error"] == "HTTP 404"
    assert not list(store.blobs.tmp.iterdir())  # rejected bodies left no file behind


def test_faults_are_retried_and_every_document_settles(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    listed = papers(12)
    for paper in listed:
        write_mirror_file(tmp_path, paper.pdf_url, PDF + paper.source_id.encode())
    store.papers.upsert(listed, "L")
    faults = (
        "429:1*1@*/P0_*;503*2@*/P1_*;truncate:100*1@*/P2_*;drop*1@*/P3_*;hang:30*1@*/P4_*;"
        "delay:0.2@*/P5_*;503@*/P6_*"
    )
    server = serve(tmp_path, faults)
    summary = fetch_documents(store, settings(server.url, read_timeout=0.5), Selection())
    got = rows(store)
    assert (summary.fetched, summary.failed) == (11, 1)
    for paper in listed:
        row = got[paper.source_id]
        if paper.source_id == "P6":
            assert (row["doc_status"], row["doc_error"], row["attempts"]) == (
                "failed",
                "HTTP 503",
                3,
            )
        else:
            assert row["doc_status"] == "fetched", (paper.source_id, row["doc_error"])
            assert store.blobs.read_bytes(row["pdf_sha256"]) == PDF + paper.source_id.encode()
    assert got["P1"]["attempts"] == 3 and got["P2"]["attempts"] == 2


def test_size_limit_and_robots_txt_skip_documents_with_their_reason(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    listed = papers(3)
    for paper in listed:
        write_mirror_file(tmp_path, paper.pdf_url, PDF)
    big = tmp_path / "openaccess.thecvf.com/content_CVPR_2019/papers/P2_CVPR_2019_paper.pdf"
    big.write_bytes(PDF + b"0" * 5000)
    robots = "User-agent: *\nDisallow: /content_CVPR_2019/papers/P1_\n"
    write_mirror_file(tmp_path, f"{HOST}/robots.txt", robots)
    store.papers.upsert(listed, "L")
    server = serve(tmp_path)
    summary = fetch_documents(store, settings(server.url, max_bytes=len(PDF) + 100), Selection())
    got = rows(store)
    assert (summary.fetched, summary.skipped) == (1, 2)
    assert got["P1"]["doc_status"] == "skipped"
    assert got["P1"]["doc_error"] == "disallowed by robots.txt (robots.txt)"
    assert got["P2"]["doc_status"] == "skipped" and got["P2"]["doc_error"].startswith("too large")
    assert not any("P1_" in r for r in server.requests)  # never asked for
    assert server.requests.count("openaccess.thecvf.com/robots.txt") == 1


def test_robots_txt_answering_5xx_disallows_until_a_later_run(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    listed = papers(2)
    for paper in listed:
        write_mirror_file(tmp_path, paper.pdf_url, PDF)
    store.papers.upsert(listed, "L")
    server = serve(tmp_path, "500*1@*/robots.txt")
    summary = fetch_documents(store, settings(server.url), Selection())
    assert (summary.fetched, summary.left_pending) == (0, 2)  # nothing asked, nothing lost
    assert not any(r.endswith(".pdf") for r in server.requests)
    assert {r["doc_status"] for r in rows(store).values()} == {"pending"}
    again = fetch_documents(store, settings(server.url), Selection())  # robots.txt now reads
    assert again.fetched == 2


def test_a_redirect_to_another_host_is_charged_to_that_host(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    moved = papers(6, host="https://a.example", prefix="A")
    direct = papers(6, host="https://b.example", prefix="B")
    for paper in moved:
        target = paper.pdf_url.replace("a.example", "b.example")
        write_mirror_file(tmp_path, target, PDF + paper.source_id.encode())
        write_mirror_file(tmp_path, paper.pdf_url, b"")
        meta = tmp_path / (paper.pdf_url.split("://", 1)[1] + ".meta.json")
        meta.write_text(f'{{"status": 301, "headers": {{"Location": "{target}"}}}}')
    for paper in direct:
        write_mirror_file(tmp_path, paper.pdf_url, PDF + paper.source_id.encode())
    store.papers.upsert(moved + direct, "L")
    # b.example takes 8 requests a second and our client sends 4 a second to each host. Were
    # the redirected requests charged to a.example, b.example would get 8 a second, jittered,
    # and answer 429 to the ones that come too soon.
    server = serve(tmp_path, host_rates={"b.example": 8.0, "a.example": 8.0})
    summary = fetch_documents(store, settings(server.url, rate=4.0, attempts=1), Selection())
    assert summary.fetched == 12
    assert sum(server.violations.values()) == 0
    got = rows(store)
    assert got["A0"]["doc_status"] == "fetched"
    assert store.blobs.read_bytes(got["A0"]["pdf_sha256"]) == PDF + b"A0"


def test_a_host_that_keeps_failing_is_paused_then_left_pending(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    bad = papers(8, host="https://down.example", prefix="D")
    good = papers(3)
    for paper in good:
        write_mirror_file(tmp_path, paper.pdf_url, PDF)
    store.papers.upsert(bad + good, "L")
    server = serve(tmp_path, "503@down.example/content*")
    options = {"attempts": 2, "breaker_errors": 2, "breaker_pause": 0.05, "breaker_trips": 2}
    summary = fetch_documents(store, settings(server.url, **options), Selection())
    assert summary.fetched == 3
    assert summary.left_pending >= 1  # given up for this run, not failed: a re-run retries them
    pending = store.documents.with_status(Selection(), (DocStatus.PENDING,))
    assert {d.url for d in pending} <= {p.pdf_url for p in bad}
    assert summary.failed + summary.left_pending == 8
    tried = [r for r in server.requests if r.startswith("down.example/content")]
    assert len(tried) < 8 * 2  # the paused host was not asked for every document


def test_rerun_transfers_nothing_and_retry_failed_only_the_failed(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    listed = papers(3)
    for paper in listed[:2]:
        write_mirror_file(tmp_path, paper.pdf_url, PDF + paper.source_id.encode())
    store.papers.upsert(listed, "L")
    server = serve(tmp_path)
    fetch_documents(store, settings(server.url), Selection())
    before = len(server.requests)
    again = fetch_documents(store, settings(server.url), Selection())
    assert (again.fetched, again.already, again.bytes) == (0, 2, 0)
    assert len(server.requests) == before  # not even robots.txt: nothing was pending
    write_mirror_file(tmp_path, listed[2].pdf_url, PDF)
    retried = fetch_documents(store, settings(server.url), Selection(), retry_failed=True)
    assert (retried.fetched, retried.already) == (1, 2)
    assert [r for r in server.requests[before:] if r.endswith(".pdf")] == [
        listed[2].pdf_url.split("://", 1)[1]
    ]


def test_whole_request_time_limit_applies_under_the_read_timeout(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    [paper] = papers(1)
    write_mirror_file(tmp_path, paper.pdf_url, PDF)
    store.papers.upsert([paper], "L")
    server = serve(tmp_path, "delay:3@*.pdf")
    options = {"read_timeout": 10.0, "total_timeout": 0.5, "attempts": 2}
    summary = fetch_documents(store, settings(server.url, **options), Selection())
    assert summary.failed == 1
    assert rows(store)["P0"]["doc_error"] == "timeout: over 0.5s in all"


def test_a_redirect_loop_fails_with_its_reason(tmp_path: Path, serve: Serve, store: Store) -> None:
    [paper] = papers(1)
    other = paper.pdf_url.replace(".pdf", "-moved.pdf")
    for source, target in ((paper.pdf_url, other), (other, paper.pdf_url)):
        write_mirror_file(tmp_path, source, b"")
        meta = tmp_path / (source.split("://", 1)[1] + ".meta.json")
        meta.write_text(f'{{"status": 302, "headers": {{"Location": "{target}"}}}}')
    store.papers.upsert([paper], "L")
    server = serve(tmp_path)
    summary = fetch_documents(store, settings(server.url), Selection())
    assert summary.failed == 1
    assert rows(store)["P0"]["doc_error"].startswith("redirect loop via https://")
    assert len([r for r in server.requests if r.endswith(".pdf")]) == 2  # not retried


def test_a_pdf_cut_short_fails_as_truncated_and_stores_nothing(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    listed = papers(6)
    half = PDF[: len(PDF) // 2]  # a whole answer of a file that is itself cut
    bodies = {
        "P0": half,
        "P1": PDF,  # cut by the server on every attempt: shorter than its Content-Length
        "P2": PDF + b"x" * 1100,  # the trailer is more than 1 KiB before the end
        "P3": PDF + b"x" * 900,  # a few stray bytes after the trailer are tolerated
        "P4": PDF + b" \r\n\x00" * 800,  # and so is whitespace, however long
        "P5": PDF,
    }
    for paper in listed:
        write_mirror_file(tmp_path, paper.pdf_url, bodies[paper.source_id])
    store.papers.upsert(listed, "L")
    server = serve(tmp_path, "truncate:100*3@*/P1_*")
    summary = fetch_documents(store, settings(server.url), Selection())
    got = rows(store)
    assert (summary.fetched, summary.failed) == (3, 3)
    assert got["P0"]["doc_error"] == f"truncated after {len(half)} bytes"
    assert got["P1"]["doc_error"] == "truncated after 100 bytes"
    assert got["P1"]["attempts"] == 3  # a broken transfer is tried again within the run
    assert got["P2"]["doc_error"] == f"truncated after {len(bodies['P2'])} bytes"
    assert {got[p]["doc_status"] for p in ("P3", "P4", "P5")} == {"fetched"}
    assert {got[p]["pdf_sha256"] for p in ("P0", "P1", "P2")} == {None}
    blobs = [p for p in store.blobs.root.rglob("*") if p.is_file()]
    assert len(blobs) == 3 and not list(store.blobs.tmp.iterdir())

    retried = fetch_documents(store, settings(server.url), Selection(), retry_failed=True)
    assert (retried.fetched, retried.failed) == (1, 2)  # the server now sends P1 whole
    assert store.blobs.read_bytes(rows(store)["P1"]["pdf_sha256"]) == PDF


def test_the_trailer_is_found_however_the_body_is_cut_into_chunks() -> None:
    body = PDF + b"junk" * 100 + b"\n" * 3000
    for size in (1, 7, 1024, len(body)):
        sniffer = PdfSniffer("u", "application/pdf")
        for start in range(0, len(body), size):
            sniffer.feed(body[start : start + size])
        sniffer.finish()
        assert len(sniffer.tail.rstrip()) <= TRAILER_WINDOW  # only the window is kept
    cut = PdfSniffer("u", "application/pdf")
    cut.feed(body[:-3500])
    with pytest.raises(FetchError, match=f"^u: truncated after {len(body) - 3500} bytes$"):
        cut.finish()

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from fwcensus.fetch.client import USER_AGENT, FetchError, FetchSettings, HttpClient
from fwcensus.fetch.documents import fetch_documents
from fwcensus.fetch.ratelimit import HostRateLimiter
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.models import DocStatus, Paper, Selection
from fwcensus.store import Store

from conftest import Serve

PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 200 + b"%%EOF\n"
HOST = "https://openaccess.thecvf.com"


def settings(server_url: str, **overrides: float) -> FetchSettings:
    values = {"rate": 0.0, "read_timeout": 2.0, "attempts": 3, "backoff": 0.05, **overrides}
    return FetchSettings(mirror=server_url, **values)  # type: ignore[arg-type]


def test_get_sends_the_user_agent_and_reads_through_the_mirror(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    client = HttpClient(FetchSettings(mirror="http://m:1"), transport=httpx.MockTransport(handler))
    response = client.get(f"{HOST}/CVPR2019?day=2019-06-18")
    assert response.body == b"ok"
    assert response.final_url == f"{HOST}/CVPR2019?day=2019-06-18"
    assert str(seen[0].url) == "http://m:1/openaccess.thecvf.com/CVPR2019?day=2019-06-18"
    assert seen[0].headers["user-agent"] == USER_AGENT
    assert "fwcensus/" in USER_AGENT and "https://" in USER_AGENT


def test_429_with_retry_after_is_honoured_then_succeeds(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/CVPR2024?day=all", b"<html>listing</html>")
    server = serve(tmp_path, "429:1*1@openaccess.thecvf.com/CVPR2024*")
    waits: list[float] = []
    client = HttpClient(settings(server.url), sleep=waits.append)
    response = client.get(f"{HOST}/CVPR2024?day=all")
    assert response.body == b"<html>listing</html>"
    assert response.attempts == 2
    assert 1.0 in waits  # slept exactly what Retry-After asked
    assert len(server.requests) == 2


def test_retry_after_beyond_the_limit_fails_at_once(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/x", b"x")
    server = serve(tmp_path, "429:3600@*")
    client = HttpClient(settings(server.url, max_retry_after=60))
    with pytest.raises(FetchError, match="Retry-After 3600s"):
        client.get(f"{HOST}/x")
    assert len(server.requests) == 1


def test_503_is_retried_with_backoff_until_attempts_run_out(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/x", b"x")
    server = serve(tmp_path, "503@*")
    waits: list[float] = []
    client = HttpClient(settings(server.url), sleep=waits.append)
    with pytest.raises(FetchError) as info:
        client.get(f"{HOST}/x")
    assert (info.value.reason, info.value.status, info.value.attempts) == ("HTTP 503", 503, 3)
    assert len(waits) == 2  # two pauses between three attempts


def test_a_hang_past_the_timeout_is_a_timeout_then_retried(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/x", b"x")
    server = serve(tmp_path, "hang:30*1@*")
    client = HttpClient(settings(server.url, read_timeout=0.3))
    assert client.get(f"{HOST}/x").body == b"x"
    server_always = serve(tmp_path, "hang:30@*")
    client = HttpClient(settings(server_always.url, read_timeout=0.3, attempts=2))
    with pytest.raises(FetchError, match="timeout"):
        client.get(f"{HOST}/x")


def test_404_is_not_retried(tmp_path: Path, serve: Serve) -> None:
    server = serve(tmp_path)
    client = HttpClient(settings(server.url))
    with pytest.raises(FetchError, match="HTTP 404"):
        client.get(f"{HOST}/missing")
    assert len(server.requests) == 1


def test_rate_limit_spaces_requests_per_host() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = HostRateLimiter(rate=1.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        limiter.wait("a.org")
    limiter.wait("b.org")  # another host has its own budget
    assert slept == [1.0, 1.0]


def test_hosts_with_a_published_rate_keep_it() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = HostRateLimiter(
        10.0, {"export.arxiv.org": 1 / 3}, clock=lambda: clock[0], sleep=sleep
    )
    for _ in range(3):
        limiter.wait("export.arxiv.org")
    assert slept == pytest.approx([3.0, 3.0])
    assert HostRateLimiter(0, {"export.arxiv.org": 1 / 3}).wait("export.arxiv.org") == 0


def _papers(n: int) -> list[Paper]:
    return [
        Paper("cvf", f"P{i}", "CVPR", 2019, f"Paper {i}", ("A",),
              f"{HOST}/content_CVPR_2019/papers/P{i}_CVPR_2019_paper.pdf")
        for i in range(n)
    ]  # fmt: skip


def test_fetch_stage_validates_pdfs_by_their_bytes(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    papers = _papers(5)
    root = tmp_path / "mirror"
    write_mirror_file(root, papers[0].pdf_url, PDF)
    write_mirror_file(
        root, papers[1].pdf_url, b"<!DOCTYPE html><html><body>Session expired</body></html>"
    )
    write_mirror_file(root, papers[2].pdf_url, b"")
    write_mirror_file(root, papers[3].pdf_url, PDF)  # served as an HTML page by the fault below
    store.upsert_papers(papers, "L")  # papers[4] has no file: 404
    server = serve(root, "html@*/P3_CVPR_2019_paper.pdf")
    with HttpClient(settings(server.url)) as client:
        summary = fetch_documents(store, client, Selection())
    rows = {r["source_id"]: r for r in store.paper_rows(Selection())}
    assert (summary.fetched, summary.failed) == (1, 4)
    assert rows["P0"]["doc_status"] == "fetched"
    assert store.blobs.read_bytes(rows["P0"]["pdf_sha256"]) == PDF
    assert rows["P1"]["doc_error"].startswith("not a PDF: application/pdf starting '<!DOCTYPE")
    assert rows["P2"]["doc_error"] == "not a PDF: empty body"
    assert rows["P3"]["doc_error"].startswith("not a PDF: application/pdf")
    assert rows["P4"]["doc_error"] == "HTTP 404"
    assert not list(store.blobs.tmp.iterdir())  # rejected bodies left no file behind


def test_truncated_transfer_is_retried_from_the_start(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    [paper] = _papers(1)
    write_mirror_file(tmp_path, paper.pdf_url, PDF)
    store.upsert_papers([paper], "L")
    server = serve(tmp_path, "truncate:100*1@*")
    with HttpClient(settings(server.url)) as client:
        fetch_documents(store, client, Selection())
    [row] = store.paper_rows(Selection())
    assert row["doc_status"] == "fetched" and row["attempts"] == 2
    assert store.blobs.read_bytes(row["pdf_sha256"]) == PDF


def test_too_large_documents_are_skipped(tmp_path: Path, serve: Serve, store: Store) -> None:
    [paper] = _papers(1)
    write_mirror_file(tmp_path, paper.pdf_url, PDF)
    store.upsert_papers([paper], "L")
    server = serve(tmp_path)
    with HttpClient(settings(server.url, max_bytes=100)) as client:
        summary = fetch_documents(store, client, Selection())
    assert summary.skipped == 1
    assert store.documents(Selection(), (DocStatus.SKIPPED,))[0].error.startswith("too large")


def test_rerun_fetches_only_what_is_missing(tmp_path: Path, serve: Serve, store: Store) -> None:
    papers = _papers(3)
    for p in papers:
        write_mirror_file(tmp_path, p.pdf_url, PDF + p.source_id.encode())
    store.upsert_papers(papers, "L")
    server = serve(tmp_path)
    with HttpClient(settings(server.url)) as client:
        fetch_documents(store, client, Selection())
        assert len(server.requests) == 3
        again = fetch_documents(store, client, Selection())
    assert (again.fetched, again.already) == (0, 3)
    assert len(server.requests) == 3

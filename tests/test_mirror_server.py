"""Mirror server over real HTTP: the URL/file rule, serving, sidecars, conditional requests,
the request log, per-host rate limits, latency and every fault kind."""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from fwcensus.fetch.mirror_urls import to_mirror
from fwcensus.mirror import urls
from fwcensus.mirror.faults import Fault, FaultPlan, parse_faults
from fwcensus.mirror.server import MirrorServer, parse_host_rates
from fwcensus.mirror.urls import file_for, file_for_url, meta_for

CVPR = "https://openaccess.thecvf.com/CVPR2019?day=2019-06-18"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
LISTING = b"<!DOCTYPE html><html><body><a href='x.pdf'>x</a></body></html>"


def put(root: Path, url: str, body: bytes, meta: dict[str, object] | None = None) -> Path:
    """Store ``body`` where the mirror serves ``url``, as a mirror builder would."""
    file = file_for_url(root, url)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(body)
    if meta is not None:
        meta_for(file).write_text(json.dumps(meta), encoding="utf-8")
    return file


@pytest.fixture
def root(tmp_path: Path) -> Path:
    put(tmp_path, CVPR, LISTING)
    put(tmp_path, "https://example.org/paper.pdf", PDF)
    put(tmp_path, "https://example.org/", b"<html>home</html>")
    return tmp_path


def served(root: Path, spec: str = "", seed: int = 0) -> MirrorServer:
    return MirrorServer(root, faults=parse_faults(spec, seed) if spec else None)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


# --- the URL rule -------------------------------------------------------------------


def test_to_mirror_rewrites_host_path_and_query() -> None:
    mirror = "http://127.0.0.1:8000/"
    assert to_mirror(CVPR, mirror) == (
        "http://127.0.0.1:8000/openaccess.thecvf.com/CVPR2019?day=2019-06-18"
    )
    assert to_mirror("https://example.org", mirror) == "http://127.0.0.1:8000/example.org/"
    assert to_mirror("http://h.org/a/b#frag", "http://m") == "http://m/h.org/a/b"
    assert to_mirror("https://u:pw@h.org/q?x=%20/1", "http://m") == "http://m/h.org/q?x=%20/1"


def test_to_mirror_keeps_port_and_passes_through_without_mirror() -> None:
    assert to_mirror("http://localhost:8080/x", "http://m") == "http://m/localhost:8080/x"
    assert to_mirror(CVPR, None) == CVPR
    assert to_mirror(CVPR, "") == CVPR


@pytest.mark.parametrize("url", ["ftp://h.org/x", "file:///etc/passwd", "h.org/x", "https://"])
def test_to_mirror_refuses_non_http(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        to_mirror(url, "http://m")


def test_file_for_examples(tmp_path: Path) -> None:
    r = tmp_path
    assert file_for_url(r, CVPR) == r / "openaccess.thecvf.com" / "CVPR2019@day=2019-06-18"
    assert file_for(r, "openaccess.thecvf.com", "/CVPR2019", "day=2019-06-18") == file_for_url(
        r, CVPR
    )
    assert file_for(r, "h.org", "", "") == r / "h.org" / "index.html"
    assert file_for(r, "h.org", "/a/", "") == r / "h.org" / "a" / "index.html"
    assert file_for(r, "h.org", "/a/", "p=1") == r / "h.org" / "a" / "index.html@p=1"
    assert file_for(r, "H.org:8080", "/x", "") == r / "h.org:8080" / "x"
    assert file_for(r, "h.org", "/my%20paper.pdf", "") == r / "h.org" / "my paper.pdf"
    # The query stays raw; only '/' is escaped so it cannot open a directory level.
    assert (
        file_for(r, "h.org", "/api", "q=a%20b&next=/x/y")
        == r / "h.org" / "api@q=a%20b&next=%2Fx%2Fy"
    )
    assert file_for(r, "h.org", "/a%2Fb", "") == r / "h.org" / "a%2Fb"


def test_file_for_uses_index_inside_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "h.org" / "CVPR2019").mkdir(parents=True)
    assert file_for(tmp_path, "h.org", "/CVPR2019", "") == tmp_path / "h.org/CVPR2019/index.html"


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("h.org", "/../secret"),
        ("h.org", "/a/%2e%2e/%2E%2E/secret"),
        ("h.org", "/a/./b"),
        ("..", "/x"),
        ("", "/x"),
        ("a/b", "/x"),
        ("h.org", "/a%00b"),
    ],
)
def test_file_for_refuses_escapes(tmp_path: Path, host: str, path: str) -> None:
    with pytest.raises(ValueError):
        file_for(tmp_path, host, path, "")


def test_meta_for_is_a_sidecar() -> None:
    assert meta_for(Path("/m/h/x.pdf")) == Path("/m/h/x.pdf.meta.json")
    assert urls.META_SUFFIX == ".meta.json"


# --- serving ------------------------------------------------------------------------


def test_round_trip_from_real_url(root: Path, client: httpx.Client) -> None:
    url = "https://api.example.org/v1/search?q=a%20b&page=2/3"
    put(root, url, b'{"hits": []}')
    with served(root) as m:
        r = client.get(to_mirror(url, m.url))
        assert r.status_code == 200
        assert r.content == b'{"hits": []}'
        assert r.headers["content-type"] == "application/json"
        listing = client.get(to_mirror(CVPR, m.url))
        assert listing.content == LISTING
        assert listing.headers["content-type"] == "text/html; charset=utf-8"
        assert client.get(to_mirror("https://example.org", m.url)).content == b"<html>home</html>"


def test_pdf_served_with_type_and_length(root: Path, client: httpx.Client) -> None:
    with served(root) as m:
        r = client.get(f"{m.url}/example.org/paper.pdf")
        head = client.head(f"{m.url}/example.org/paper.pdf")
    assert r.status_code == 200
    assert r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-length"] == str(len(PDF))
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(PDF))


@pytest.mark.parametrize(
    ("name", "body", "ctype"),
    [
        ("doc.pdf", b"not really", "application/pdf"),
        ("feed.atom", b"<feed/>", "application/xml"),
        ("data.json", b"x", "application/json"),
        ("page.html", b"x", "text/html; charset=utf-8"),
        ("download", b"%PDF-1.7 ...", "application/pdf"),
        ("api", b'  [{"a": 1}]', "application/json"),
        ("query@search_query=cat:cs.LG", b'<?xml version="1.0"?><feed/>', "application/xml"),
        ("listing", b"<html></html>", "text/html; charset=utf-8"),
        ("paper.pdf@download=1", b"whatever", "application/pdf"),
    ],
)
def test_content_type_by_extension_then_sniffing(
    tmp_path: Path, client: httpx.Client, name: str, body: bytes, ctype: str
) -> None:
    (tmp_path / "h.org").mkdir()
    (tmp_path / "h.org" / name).write_bytes(body)
    path, _, query = name.partition("@")
    with served(tmp_path) as m:
        r = client.get(f"{m.url}/h.org/{path}" + (f"?{query}" if query else ""))
    assert r.status_code == 200
    assert r.content == body
    assert r.headers["content-type"] == ctype


def test_missing_file_is_404_html(root: Path, client: httpx.Client) -> None:
    with served(root) as m:
        r = client.get(f"{m.url}/example.org/nope.pdf")
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert b"404" in r.content


def test_escape_attempt_is_refused(root: Path, client: httpx.Client) -> None:
    (root / "secret.txt").write_text("top secret")
    with served(root) as m:
        r = client.get(f"{m.url}/example.org/%2e%2e/secret.txt")
    assert r.status_code == 400
    assert b"top secret" not in r.content


def test_sidecar_status_and_headers(root: Path, client: httpx.Client) -> None:
    url = "https://api.github.com/repos/a/b"
    body = b'{"message": "API rate limit exceeded"}'
    meta = {
        "status": 403,
        "headers": {
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "1700000000",
            "content-type": "application/json; charset=utf-8",
            "Content-Length": "999",
            "Content-Encoding": "gzip",
        },
    }
    put(root, url, body, meta)
    with served(root) as m:
        r = client.get(to_mirror(url, m.url))
    assert r.status_code == 403
    assert r.content == body
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert r.headers["x-ratelimit-reset"] == "1700000000"
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert r.headers["content-length"] == str(len(body))  # recorded framing is not replayed
    assert "content-encoding" not in r.headers


def test_sidecar_without_body(root: Path, client: httpx.Client) -> None:
    file = file_for_url(root, "https://h.org/gone")
    file.parent.mkdir(parents=True)
    meta_for(file).write_text(json.dumps({"status": 410, "headers": {"X-Why": "gone"}}))
    with served(root) as m:
        r = client.get(f"{m.url}/h.org/gone")
    assert (r.status_code, r.content, r.headers["x-why"]) == (410, b"", "gone")


def test_requests_log_in_order(root: Path, client: httpx.Client) -> None:
    with served(root) as m:
        client.get(to_mirror(CVPR, m.url))
        client.get(f"{m.url}/example.org/paper.pdf")
        client.head(f"{m.url}/example.org/missing")
        client.get(f"{m.url}/example.org/paper.pdf")
        assert m.requests == [
            "openaccess.thecvf.com/CVPR2019?day=2019-06-18",
            "example.org/paper.pdf",
            "example.org/missing",
            "example.org/paper.pdf",
        ]
        assert m.requests.count("example.org/paper.pdf") == 2


def test_url_and_lifecycle(root: Path) -> None:
    m = MirrorServer(root)
    with pytest.raises(RuntimeError):
        _ = m.url
    assert m.start() is m
    assert m.url.startswith("http://127.0.0.1:")
    m.stop()
    m.stop()  # idempotent
    with pytest.raises(NotADirectoryError):
        MirrorServer(root / "nope")


# --- conditional requests -----------------------------------------------------------


def test_file_answers_carry_strong_validators(root: Path, client: httpx.Client) -> None:
    file = file_for_url(root, "https://example.org/paper.pdf")
    put(root, "https://example.org/same.pdf", PDF)
    put(root, "https://example.org/other.pdf", PDF + b"%")
    with served(root) as m:
        r, same, other = (
            client.get(f"{m.url}/example.org/{n}.pdf") for n in ("paper", "same", "other")
        )
        missing = client.get(f"{m.url}/example.org/nope.pdf")
    assert re.fullmatch(r'"[0-9a-f]{32}"', r.headers["etag"])  # quoted, strong (no W/)
    assert same.headers["etag"] == r.headers["etag"]  # derived from the bytes alone
    assert other.headers["etag"] != r.headers["etag"]
    mtime = file.stat().st_mtime
    assert r.headers["last-modified"] == email.utils.formatdate(mtime, usegmt=True)
    assert "etag" not in missing.headers
    assert "last-modified" not in missing.headers


def test_conditional_request_is_304_without_body(root: Path, client: httpx.Client) -> None:
    with served(root) as m:
        url = f"{m.url}/example.org/paper.pdf"
        first = client.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_tag = client.get(url, headers={"If-None-Match": etag})
        by_date = client.get(url, headers={"If-Modified-Since": modified})
        head = client.head(url, headers={"If-None-Match": etag})
        # Same keep-alive connection: a stray body after a 304 would garble this answer.
        after = client.get(url)
    for r in (by_tag, by_date, head):
        assert r.status_code == 304
        assert r.content == b""
        assert r.headers["etag"] == etag
        assert "content-length" not in r.headers
    assert (first.status_code, after.content) == (200, PDF)
    sent = [(e.status, e.body_bytes) for e in m.log]
    assert sent == [(200, len(PDF)), (304, 0), (304, 0), (304, 0), (200, len(PDF))]


@pytest.mark.parametrize("header", ['"nope", {etag}', "W/{etag}", "*"])
def test_if_none_match_lists_weak_tags_and_star(
    root: Path, client: httpx.Client, header: str
) -> None:
    with served(root) as m:
        url = f"{m.url}/example.org/paper.pdf"
        etag = client.get(url).headers["etag"]
        r = client.get(url, headers={"If-None-Match": header.format(etag=etag)})
    assert r.status_code == 304


def test_stale_validators_get_200(root: Path, client: httpx.Client) -> None:
    file = file_for_url(root, "https://example.org/paper.pdf")
    mtime = file.stat().st_mtime
    stale = [
        # If-None-Match decides when present, even if the date alone would match.
        {"If-None-Match": '"other"', "If-Modified-Since": email.utils.formatdate(mtime + 60)},
        {"If-Modified-Since": email.utils.formatdate(mtime - 60, usegmt=True)},
        {"If-Modified-Since": "yesterday"},
        # A date in the future is invalid, so it cannot pin a 304.
        {"If-Modified-Since": email.utils.formatdate(time.time() + 3600, usegmt=True)},
    ]
    with served(root) as m:
        codes = [client.get(f"{m.url}/example.org/paper.pdf", headers=h).status_code for h in stale]
    assert codes == [200] * len(stale)


def test_changed_file_is_sent_again(root: Path, client: httpx.Client) -> None:
    file = file_for_url(root, "https://example.org/paper.pdf")
    changed = PDF + b"% revised\n"
    with served(root) as m:
        url = f"{m.url}/example.org/paper.pdf"
        first = client.get(url)
        file.write_bytes(changed)
        later = file.stat().st_mtime + 10  # a later edit, without waiting for the clock
        os.utime(file, (later, later))
        by_tag = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        by_date = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
    for r in (by_tag, by_date):
        assert (r.status_code, r.content) == (200, changed)
        assert r.headers["etag"] != first.headers["etag"]
        assert r.headers["last-modified"] == email.utils.formatdate(later, usegmt=True)


def test_sidecar_validators_win(root: Path, client: httpx.Client) -> None:
    recorded = {"ETag": 'W/"v1"', "Last-Modified": "Tue, 18 Jun 2019 08:00:00 GMT"}
    put(root, "https://h.org/p.pdf", PDF, {"status": 200, "headers": recorded})
    with served(root) as m:
        url = f"{m.url}/h.org/p.pdf"
        r = client.get(url)
        by_tag = client.get(url, headers={"If-None-Match": '"v1"'})
        later = client.get(url, headers={"If-Modified-Since": "Wed, 19 Jun 2019 00:00:00 GMT"})
        earlier = client.get(url, headers={"If-Modified-Since": "Mon, 17 Jun 2019 00:00:00 GMT"})
    assert (r.headers["etag"], r.headers["last-modified"]) == tuple(recorded.values())
    assert [by_tag.status_code, later.status_code, earlier.status_code] == [304, 304, 200]


def test_faults_take_precedence_over_conditional(root: Path, client: httpx.Client) -> None:
    with served(root) as m:
        etag = client.get(f"{m.url}/example.org/paper.pdf").headers["etag"]
    with served(root, "503*1@*;delay:0.01*1@*") as m:
        url = f"{m.url}/example.org/paper.pdf"
        faulted, delayed = (client.get(url, headers={"If-None-Match": etag}) for _ in range(2))
    assert faulted.status_code == 503
    assert "etag" not in faulted.headers
    assert delayed.status_code == 304  # a delay answers normally, so conditionally too


# --- the request log ----------------------------------------------------------------


def test_log_records_arrival_host_status_and_bytes(root: Path, client: httpx.Client) -> None:
    put(root, "https://example.org/cut.pdf", PDF)
    with served(root, "drop*1@example.org/gone.pdf;truncate:10@*/cut.pdf") as m:
        before = time.monotonic()
        client.get(f"{m.url}/Example.ORG/paper.pdf")
        client.head(f"{m.url}/example.org/paper.pdf")
        missing = client.get(f"{m.url}/example.org/nope?x=1")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(f"{m.url}/example.org/gone.pdf")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(f"{m.url}/example.org/cut.pdf")
        after = time.monotonic()
    assert [(e.host, e.target, e.status, e.body_bytes) for e in m.log] == [
        ("example.org", "Example.ORG/paper.pdf", 200, len(PDF)),
        ("example.org", "example.org/paper.pdf", 200, 0),
        ("example.org", "example.org/nope?x=1", 404, len(missing.content)),
        ("example.org", "example.org/gone.pdf", 0, 0),
        ("example.org", "example.org/cut.pdf", 200, 10),
    ]
    times = [e.time for e in m.log]
    assert before <= times[0] and times == sorted(times) and times[-1] <= after
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.log[0].status = 500  # type: ignore[misc]


def test_log_is_complete_under_concurrency(root: Path, client: httpx.Client) -> None:
    targets = ["example.org/paper.pdf", "example.org/nope"] * 40
    with served(root) as m, ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda t: client.get(f"{m.url}/{t}").status_code, targets))
    assert codes == [200, 404] * 40
    assert len(m.log) == len(m.requests) == len(targets)
    assert sorted(e.target for e in m.log) == sorted(targets)
    assert {(e.status, e.body_bytes) for e in m.log if e.status == 200} == {(200, len(PDF))}


def test_an_answer_the_client_has_is_in_the_log_already(root: Path, client: httpx.Client) -> None:
    # Tests read the log right after their request: the entry must not trail the answer.
    with served(root) as m:
        for n, target in enumerate(["example.org/paper.pdf", "example.org/nope"] * 150):
            ask = client.head if n % 3 else client.get
            ask(f"{m.url}/{target}")
            assert len(m.log) == n + 1, n
            assert m.log[-1].target == target


def test_log_keeps_a_malformed_target(root: Path) -> None:
    with (
        served(root) as m,
        socket.create_connection(("127.0.0.1", int(m.url.rpartition(":")[2]))) as s,
    ):
        s.sendall(
            b"GET http://example.org/paper.pdf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        reply = s.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.0 400") or reply.startswith(b"HTTP/1.1 400")
    assert m.requests == []
    assert [(e.host, e.target, e.status) for e in m.log] == [
        ("", "http://example.org/paper.pdf", 400)
    ]


# --- POST: the body selects the file ----------------------------------------------------

API = "https://api.example.org/v2/projects/p/queries"


def test_post_file_rule_adds_the_body_digest_before_shortening(tmp_path: Path) -> None:
    body = b'{"query":"SELECT 1"}'
    digest = hashlib.sha256(body).hexdigest()[:16]
    get_file = file_for_url(tmp_path, f"{API}?alt=json")
    assert file_for_url(tmp_path, f"{API}?alt=json", post=body) == get_file.with_name(
        f"{get_file.name}#post-{digest}"
    )
    assert file_for_url(tmp_path, API, post=b"") == file_for_url(tmp_path, API).with_name(
        "queries#post-" + hashlib.sha256(b"").hexdigest()[:16]
    )
    long_url = f"{API}?q={'x' * 300}"
    name = f"queries@q={'x' * 300}#post-{digest}"
    shortened = file_for_url(tmp_path, long_url, post=body).name
    assert shortened == f"{name[:120]}#{hashlib.sha256(name.encode()).hexdigest()}"


def test_post_is_answered_from_the_file_its_body_selects(root: Path, client: httpx.Client) -> None:
    first, second, third = b'{"n":1}', b'{"n":2}', b'{"n":3}'
    urls.write_json_answer(root, API, {"answer": 1}, post=first)
    urls.write_json_answer(root, API, {"error": "no"}, 403, {"X-Why": "quota"}, post=second)
    urls.write_json_answer(root, API, {"answer": "get"})
    with served(root) as m:
        target = to_mirror(API, m.url)
        one = client.post(target, content=first, headers={"If-None-Match": "*"})
        two = client.post(target, content=second)
        unknown = client.post(target, content=third)
        got = client.get(target)
    assert (one.status_code, one.json()) == (200, {"answer": 1})
    assert "etag" not in one.headers and "last-modified" not in one.headers  # never conditional
    assert (two.status_code, two.json(), two.headers["x-why"]) == (403, {"error": "no"}, "quota")
    assert unknown.status_code == 404
    assert f"#post-{urls.post_digest(third)}" in unknown.text
    assert got.json() == {"answer": "get"}
    assert m.requests == ["api.example.org/v2/projects/p/queries"] * 4
    assert [(e.method, e.status) for e in m.log] == [
        ("POST", 200),
        ("POST", 403),
        ("POST", 404),
        ("GET", 200),
    ]


def test_post_meets_faults_and_host_rates_and_keeps_the_connection(
    root: Path, client: httpx.Client
) -> None:
    body = b'{"q":"x"}'
    urls.write_json_answer(root, API, {"ok": True}, post=body)
    plan = parse_faults("503*1@api.example.org/v2/*")
    with MirrorServer(root, faults=plan, host_rates={"api.example.org": 1}) as m:
        target = to_mirror(API, m.url)
        faulted, refused = client.post(target, content=body), client.post(target, content=body)
    with served(root) as m:
        # The same keep-alive connection: an unread body would garble the second request.
        again = [client.post(to_mirror(API, m.url), content=body) for _ in range(2)]
    assert faulted.status_code == 503
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "1")
    assert [r.json() for r in again] == [{"ok": True}] * 2


def test_post_with_a_bad_content_length_is_refused(root: Path) -> None:
    with (
        served(root) as m,
        socket.create_connection(("127.0.0.1", int(m.url.rpartition(":")[2]))) as s,
    ):
        s.sendall(b"POST /api.example.org/x HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n")
        reply = s.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 400")
    assert b"Content-Length" in reply
    assert [(e.method, e.status) for e in m.log] == [("POST", 400)]


# --- per-host rate limits and latency ---------------------------------------------------


def test_parse_host_rates() -> None:
    assert parse_host_rates(" h1.org=2, H2.org:8080 = 0.5 ,") == {"h1.org": 2.0, "h2.org:8080": 0.5}
    assert parse_host_rates("") == {}


@pytest.mark.parametrize(
    "item",
    ["h.org", "h.org=", "=2", "h.org=0", "h.org=-1", "h.org=x", "h.org=nan", "h.org=inf", "a/b=1"],
)
def test_bad_host_rate_names_the_item(item: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_host_rates(f"ok.org=1,{item}")
    assert repr(item) in str(info.value)


def test_host_rates_refuse_duplicates_and_bad_values(root: Path) -> None:
    with pytest.raises(ValueError, match="twice"):
        parse_host_rates("h.org=1,H.org=2")
    with pytest.raises(ValueError, match=r"h\.org"):
        MirrorServer(root, host_rates={"h.org": 0})
    with pytest.raises(ValueError, match="latency"):
        MirrorServer(root, latency=-1)


def test_host_rate_refuses_requests_too_soon(root: Path, client: httpx.Client) -> None:
    with MirrorServer(root, host_rates={"Example.org": 10}) as m:
        url = f"{m.url}/example.org/paper.pdf"
        first, refused = client.get(url), client.get(url)
        # Keep asking: refusals must not restart the host's clock, so a request gets through
        # once 0.1 s have passed since the first accepted one.
        deadline = time.monotonic() + 2
        codes = [client.get(url).status_code]
        while codes[-1] == 429 and time.monotonic() < deadline:
            codes.append(client.get(url).status_code)
        unlimited = client.get(to_mirror(CVPR, m.url))
    assert first.status_code == 200
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "1")
    assert codes[-1] == 200
    assert unlimited.status_code == 200
    assert m.violations == {"example.org": len(codes)}  # refused + all codes but the last
    limited = [e for e in m.log if e.host == "example.org"]
    accepted = [e.time for e in limited if e.status == 200]
    assert len(accepted) == 2
    assert accepted[1] - accepted[0] >= 0.1
    assert all(e.time - accepted[0] < 0.1 for e in limited if e.status == 429)
    assert len(limited) == 2 + len(codes)  # refused requests are logged too


def test_host_rates_are_per_host(root: Path, client: httpx.Client) -> None:
    put(root, "https://other.org/a.pdf", PDF)
    targets = ["example.org/paper.pdf", "other.org/a.pdf"] * 2
    with MirrorServer(root, host_rates={"example.org": 1, "other.org": 1}) as m:
        codes = [client.get(f"{m.url}/{t}").status_code for t in targets]
    assert codes == [200, 200, 429, 429]
    assert m.violations == {"example.org": 1, "other.org": 1}


def test_latency_delays_answers_without_serializing_them(root: Path) -> None:
    latency = 0.3
    targets = ["example.org/paper.pdf", "example.org/nope"] * 3
    clients = [httpx.Client(timeout=5) for _ in targets]  # a connection each

    def fetch(c: httpx.Client, target: str) -> tuple[int, float]:
        started = time.monotonic()
        code = c.get(f"{m.url}/{target}").status_code
        return code, time.monotonic() - started

    with MirrorServer(root, latency=latency) as m, ThreadPoolExecutor(len(targets)) as pool:
        started = time.monotonic()
        results = list(pool.map(fetch, clients, targets))
        total = time.monotonic() - started
    for c in clients:
        c.close()
    assert [code for code, _ in results] == [200, 404] * 3
    assert all(elapsed >= latency for _, elapsed in results)
    assert total < 3 * latency  # one after another they would take 6 * latency


def test_stop_ends_latency_promptly(root: Path) -> None:
    before = set(threading.enumerate())
    m = MirrorServer(root, latency=60).start()
    try:
        with httpx.Client(timeout=0.3) as c, pytest.raises(httpx.ReadTimeout):
            c.get(f"{m.url}/example.org/paper.pdf")
    finally:
        started = time.monotonic()
        m.stop()
    assert time.monotonic() - started < 1.0
    assert [t for t in threading.enumerate() if t not in before] == []
    assert [(e.status, e.body_bytes) for e in m.log] == [(0, 0)]  # stopped before answering


# --- faults: parsing ----------------------------------------------------------------


def test_parse_faults_rules_and_defaults() -> None:
    plan = parse_faults("429*2@h/*; 503:5@h/b ;hang@h/c;truncate:10%50@h/d;delay:0.5@*;")
    assert [r.fault for r in plan.rules] == [
        Fault("429", seconds=1),
        Fault("503", seconds=5),
        Fault("hang", seconds=60),
        Fault("truncate", size=10),
        Fault("delay", seconds=0.5),
    ]
    assert plan.rules[0].count == 2
    assert plan.rules[3].percent == 50
    assert parse_faults("503@x").rules[0].fault == Fault("503")
    assert parse_faults("truncate@x").rules[0].fault == Fault("truncate")
    assert parse_faults("").rules == []


@pytest.mark.parametrize(
    "rule",
    [
        "boom@h/x",
        "429",
        "429@",
        "429:abc@h/x",
        "429:1.5@h/x",
        "500:3@h/x",
        "drop:1@h/x",
        "delay@h/x",
        "hang:-1@h/x",
        "429*0@h/x",
        "429*x@h/x",
        "500%150@h/x",
        "500%@h/x",
        "truncate:half@h/x",
        "500*2:3@h/x",
    ],
)
def test_bad_spec_names_the_rule(rule: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_faults(f"404@ok/*;{rule}")
    message = str(info.value)
    assert repr(rule) in message
    assert "\n" not in message


def test_pick_first_firing_rule_wins_and_counts() -> None:
    plan = parse_faults("404*1@h/a;500@h/*")
    assert plan.pick("h/a") == Fault("404")
    assert plan.pick("h/a") == Fault("500")  # the exhausted rule no longer fires
    assert plan.pick("h/b") == Fault("500")
    assert plan.pick("other/a") is None
    # '?' is a glob wildcard, so '*' patterns see the query too.
    assert parse_faults("drop@h/*.pdf").pick("h/x.pdf?dl=1") is None
    assert parse_faults("drop@h/*.pdf*").pick("h/x.pdf?dl=1") == Fault("drop")


def test_percent_is_deterministic_for_a_seed() -> None:
    def pattern(seed: int) -> list[bool]:
        plan = parse_faults("500%30@*", seed=seed)
        return [plan.pick(f"h/{i}") is not None for i in range(200)]

    first = pattern(0)
    assert first == pattern(0)
    assert first != pattern(1)
    assert 30 < sum(first) < 90
    capped = parse_faults("500*3%50@*")
    assert sum(capped.pick("h/x") is not None for _ in range(100)) == 3


def test_count_is_thread_safe(root: Path) -> None:
    plan = parse_faults("500*5@example.org/*")
    with MirrorServer(root, faults=plan) as m, httpx.Client(timeout=5) as c:
        url = f"{m.url}/example.org/paper.pdf"
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: c.get(url).status_code, range(40)))
    assert codes.count(500) == 5
    assert codes.count(200) == 35


# --- faults: over HTTP --------------------------------------------------------------


def test_429_with_retry_after_then_success(root: Path, client: httpx.Client) -> None:
    with served(root, "429:7*2@example.org/*.pdf") as m:
        url = f"{m.url}/example.org/paper.pdf"
        first, second, third = (client.get(url) for _ in range(3))
        assert m.requests == ["example.org/paper.pdf"] * 3
    assert (first.status_code, first.headers["retry-after"]) == (429, "7")
    assert second.status_code == 429
    assert third.status_code == 200
    assert third.content == PDF


def test_429_default_retry_after(root: Path, client: httpx.Client) -> None:
    with served(root, "429@*") as m:
        r = client.get(f"{m.url}/example.org/paper.pdf")
    assert (r.status_code, r.headers["retry-after"]) == (429, "1")


def test_503_retry_after_only_when_given(root: Path, client: httpx.Client) -> None:
    with served(root, "503@example.org/paper.pdf;503:30@example.org/") as m:
        bare = client.get(f"{m.url}/example.org/paper.pdf")
        timed = client.get(f"{m.url}/example.org/")
    assert bare.status_code == 503
    assert "retry-after" not in bare.headers
    assert (timed.status_code, timed.headers["retry-after"]) == (503, "30")


@pytest.mark.parametrize("kind", ["500", "404"])
def test_status_faults(root: Path, client: httpx.Client, kind: str) -> None:
    with served(root, f"{kind}*1@*") as m:
        url = f"{m.url}/example.org/paper.pdf"
        faulted, normal = client.get(url), client.get(url)
    assert faulted.status_code == int(kind)
    assert faulted.headers["content-type"] == "text/html; charset=utf-8"
    assert normal.status_code == 200


def test_hang_times_out_and_stop_ends_it_promptly(root: Path) -> None:
    before = set(threading.enumerate())
    m = served(root, "hang@*").start()
    try:
        with httpx.Client(timeout=0.3) as c, pytest.raises(httpx.ReadTimeout):
            c.get(f"{m.url}/example.org/paper.pdf")
    finally:
        started = time.monotonic()
        m.stop()
    assert time.monotonic() - started < 1.0
    # The handler was still inside its 60 s hang; stop() must have woken and joined it.
    assert [t for t in threading.enumerate() if t not in before] == []


def test_hang_for_seconds_then_closes(root: Path, client: httpx.Client) -> None:
    with served(root, "hang:0.2*1@*") as m:
        url = f"{m.url}/example.org/paper.pdf"
        started = time.monotonic()
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(url)
        assert time.monotonic() - started >= 0.2
        assert client.get(url).status_code == 200


def test_delay_answers_after_seconds(root: Path, client: httpx.Client) -> None:
    with served(root, "delay:0.25@*") as m:
        started = time.monotonic()
        r = client.get(f"{m.url}/example.org/paper.pdf")
        elapsed = time.monotonic() - started
    assert r.status_code == 200
    assert r.content == PDF
    assert elapsed >= 0.25


@pytest.mark.parametrize(("spec", "sent"), [("truncate:10@*", 10), ("truncate@*", len(PDF) // 2)])
def test_truncate_sends_partial_body(
    root: Path, client: httpx.Client, spec: str, sent: int
) -> None:
    received = bytearray()
    with (
        served(root, spec) as m,
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("GET", f"{m.url}/example.org/paper.pdf") as r,
    ):
        assert r.headers["content-length"] == str(len(PDF))
        for chunk in r.iter_raw():
            received += chunk
    assert bytes(received) == PDF[:sent]


def test_html_served_as_pdf(root: Path, client: httpx.Client) -> None:
    with served(root, "html@*.pdf") as m:
        r = client.get(f"{m.url}/example.org/paper.pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"<!DOCTYPE html>")
    assert not r.content.startswith(b"%PDF")


def test_drop_closes_without_response(root: Path, client: httpx.Client) -> None:
    with served(root, "drop*1@*") as m:
        url = f"{m.url}/example.org/paper.pdf"
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(url)
        assert client.get(url).content == PDF
        assert m.requests == ["example.org/paper.pdf"] * 2


def test_percent_over_http_is_deterministic(root: Path, client: httpx.Client) -> None:
    def codes() -> list[int]:
        with served(root, "503%50@*", seed=7) as m:
            return [client.get(f"{m.url}/example.org/{i}").status_code for i in range(20)]

    first = codes()
    assert first == codes()
    assert set(first) == {503, 404}


def test_plan_type() -> None:
    assert isinstance(parse_faults("drop@x"), FaultPlan)


# --- foreground serve() -------------------------------------------------------------


def test_serve_prints_url_and_stops_on_ctrl_c(root: Path) -> None:
    src = Path(urls.__file__).parents[2]
    code = (
        "import signal, sys; from pathlib import Path; from fwcensus.mirror.server import serve; "
        # A background job may inherit SIGINT as ignored; a terminal would deliver it.
        "signal.signal(signal.SIGINT, signal.default_int_handler); "
        "serve(Path(sys.argv[1]), '127.0.0.1', 0, None)"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(root)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith(f"mirror serving {root} at http://127.0.0.1:")
        url = line.rpartition(" at ")[2]
        assert httpx.get(f"{url}/example.org/paper.pdf", timeout=5).content == PDF
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0
    finally:
        proc.kill()
        proc.wait()

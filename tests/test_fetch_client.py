"""The sync client for listings and API pages, against the mirror on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from fwcensus.fetch.api import ApiClient
from fwcensus.fetch.client import USER_AGENT, FetchError, FetchSettings, HttpClient, encode_json
from fwcensus.fetch.mirror_urls import to_mirror
from fwcensus.mirror.server import MirrorServer
from fwcensus.mirror.urls import write_json_answer, write_mirror_file
from fwcensus.plugins import fetch_settings

from conftest import Serve

HOST = "https://openaccess.thecvf.com"


def settings(server_url: str, **overrides: object) -> FetchSettings:
    values = {"rate": 0.0, "read_timeout": 2.0, "attempts": 3, "backoff": 0.05, **overrides}
    return fetch_settings(mirror=server_url, **values)


def pages(server: MirrorServer) -> list[str]:
    """Requests other than the one robots.txt request per host."""
    return [r for r in server.requests if not r.endswith("/robots.txt")]


def test_get_sends_the_user_agent_and_reads_through_the_mirror() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    client = HttpClient(fetch_settings(mirror="http://m:1"), transport=httpx.MockTransport(handler))
    response = client.get(f"{HOST}/CVPR2019?day=2019-06-18")
    assert response.body == b"ok"
    assert response.final_url == f"{HOST}/CVPR2019?day=2019-06-18"
    assert [str(r.url) for r in seen] == [
        "http://m:1/openaccess.thecvf.com/robots.txt",
        "http://m:1/openaccess.thecvf.com/CVPR2019?day=2019-06-18",
    ]
    assert seen[1].headers["user-agent"] == USER_AGENT
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
    assert len(pages(server)) == 2


def test_retry_after_beyond_the_limit_fails_at_once(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/x", b"x")
    server = serve(tmp_path, "429:3600@*/x")
    client = HttpClient(settings(server.url, max_retry_after=60))
    with pytest.raises(FetchError, match="Retry-After 3600s"):
        client.get(f"{HOST}/x")
    assert len(pages(server)) == 1


def test_503_is_retried_with_backoff_until_attempts_run_out(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/x", b"x")
    server = serve(tmp_path, "503@*/x")
    waits: list[float] = []
    client = HttpClient(settings(server.url), sleep=waits.append)
    with pytest.raises(FetchError) as info:
        client.get(f"{HOST}/x")
    assert (info.value.reason, info.value.status, info.value.attempts) == ("HTTP 503", 503, 3)
    assert len(waits) == 2  # two pauses between three attempts


def test_a_hang_past_the_timeout_is_a_timeout_then_retried(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/x", b"x")
    server = serve(tmp_path, "hang:30*1@*/x")
    client = HttpClient(settings(server.url, read_timeout=0.3))
    assert client.get(f"{HOST}/x").body == b"x"
    server_always = serve(tmp_path, "hang:30@*/x")
    client = HttpClient(settings(server_always.url, read_timeout=0.3, attempts=2))
    with pytest.raises(FetchError, match="timeout"):
        client.get(f"{HOST}/x")


def test_404_is_not_retried(tmp_path: Path, serve: Serve) -> None:
    server = serve(tmp_path)
    client = HttpClient(settings(server.url))
    with pytest.raises(FetchError, match="HTTP 404"):
        client.get(f"{HOST}/missing")
    assert len(pages(server)) == 1


def test_robots_txt_is_read_once_and_obeyed(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/robots.txt", "User-agent: *\nDisallow: /private/\n")
    write_mirror_file(tmp_path, f"{HOST}/a", b"a")
    write_mirror_file(tmp_path, f"{HOST}/private/b", b"b")
    server = serve(tmp_path)
    client = HttpClient(settings(server.url))
    assert client.get(f"{HOST}/a").body == b"a"
    with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
        client.get(f"{HOST}/private/b")
    assert server.requests.count("openaccess.thecvf.com/robots.txt") == 1
    assert "openaccess.thecvf.com/private/b" not in server.requests


def test_robots_txt_answering_5xx_disallows_everything(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, f"{HOST}/a", b"a")
    server = serve(tmp_path, "503@*/robots.txt")
    with pytest.raises(FetchError, match=r"disallowed by robots.txt \(robots.txt answered 503\)"):
        HttpClient(settings(server.url)).get(f"{HOST}/a")


def test_redirects_are_followed_hop_by_hop_and_loops_refused(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, "https://new.example/listing", b"moved here")
    _redirect(tmp_path, f"{HOST}/old", "https://new.example/listing")
    _redirect(tmp_path, f"{HOST}/loop-a", f"{HOST}/loop-b")
    _redirect(tmp_path, f"{HOST}/loop-b", f"{HOST}/loop-a")
    server = serve(tmp_path)
    client = HttpClient(settings(server.url))
    response = client.get(f"{HOST}/old")
    assert (response.body, response.final_url) == (b"moved here", "https://new.example/listing")
    assert "new.example/robots.txt" in server.requests  # the new host's rules are checked too
    with pytest.raises(FetchError, match="redirect loop"):
        client.get(f"{HOST}/loop-a")


def test_a_rerun_revalidates_listings_instead_of_downloading_them(
    tmp_path: Path, serve: Serve
) -> None:
    body = b"<html>" + b"x" * 50_000 + b"</html>"
    write_mirror_file(tmp_path / "mirror", f"{HOST}/CVPR2024?day=all", body)
    server = serve(tmp_path / "mirror")
    cache = str(tmp_path / "cache")
    with HttpClient(settings(server.url, cache_dir=cache)) as client:
        first = client.get(f"{HOST}/CVPR2024?day=all")
    with HttpClient(settings(server.url, cache_dir=cache)) as client:
        again = client.get(f"{HOST}/CVPR2024?day=all")
    assert first.body == again.body == body
    assert (first.from_cache, again.from_cache) == (False, True)
    listing = [e for e in server.log if e.target.endswith("day=all")]
    assert [e.status for e in listing] == [200, 304]
    assert listing[1].body_bytes == 0


def _redirect(root: Path, url: str, location: str) -> None:
    write_mirror_file(root, url, b"")
    meta = root / (str(url.split("://", 1)[1]) + ".meta.json")
    meta.write_text(f'{{"status": 302, "headers": {{"Location": "{location}"}}}}')


# --- POST -----------------------------------------------------------------------------

API = "https://bigquery.googleapis.com/bigquery/v2/projects/p/queries"  # no robots.txt
QUESTION = {"query": "SELECT 1", "requestId": "r-1"}


def test_post_json_sends_the_encoded_body_and_its_headers_through_the_mirror() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    transport = httpx.MockTransport(handler)
    with ApiClient(fetch_settings(mirror="http://m:1", rate=0.0), transport=transport) as api:
        result = api.post_json(API, QUESTION, headers={"Authorization": "Bearer t"})
    (request,) = seen  # a documented API: no robots.txt asked
    assert (request.method, str(request.url)) == ("POST", to_mirror(API, "http://m:1"))
    assert request.content == encode_json(QUESTION) == b'{"query":"SELECT 1","requestId":"r-1"}'
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == "Bearer t"
    assert request.headers["user-agent"] == USER_AGENT
    assert json.loads(result.body) == {"ok": True}


def test_only_an_idempotent_post_is_retried(tmp_path: Path, serve: Serve) -> None:
    write_json_answer(tmp_path, API, {"ok": True}, post=encode_json(QUESTION))
    server = serve(tmp_path, "503*1@bigquery.googleapis.com/*")
    with ApiClient(settings(server.url)) as api:
        with pytest.raises(FetchError) as once:
            api.post_json(API, QUESTION)
        assert api.post_json(API, QUESTION).attempts == 1  # the fault was used up
    server = serve(tmp_path, "503*1@bigquery.googleapis.com/*")
    with ApiClient(settings(server.url)) as api:
        retried = api.post_json(API, QUESTION, idempotent=True)
    assert (once.value.status, once.value.attempts) == (503, 1)
    assert (retried.attempts, json.loads(retried.body)) == (2, {"ok": True})
    assert [e.method for e in server.log] == ["POST", "POST"]


def test_a_post_is_never_answered_from_the_cache(tmp_path: Path, serve: Serve) -> None:
    write_json_answer(tmp_path / "mirror", API, {"n": 1}, post=encode_json(QUESTION))
    server = serve(tmp_path / "mirror")
    cache = str(tmp_path / "cache")
    answers = []
    for _ in range(2):
        with ApiClient(settings(server.url, cache_dir=cache)) as api:
            answers.append(api.post_json(API, QUESTION))
    assert [a.from_cache for a in answers] == [False, False]
    assert [(e.method, e.status) for e in server.log] == [("POST", 200), ("POST", 200)]


def test_request_headers_stay_on_their_host_and_redirects_follow_the_rfc() -> None:
    seen: list[httpx.Request] = []
    hops = {
        "/bigquery.googleapis.com/a": httpx.Response(307, headers={"Location": "/b"}),
        "/bigquery.googleapis.com/b": httpx.Response(
            303, headers={"Location": "https://other.org/c"}
        ),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return hops.get(request.url.path, httpx.Response(200, text="done"))

    transport = httpx.MockTransport(handler)
    with ApiClient(fetch_settings(mirror="http://m:1", rate=0.0), transport=transport) as api:
        api.post_json("https://bigquery.googleapis.com/a", QUESTION, headers={"Authorization": "t"})
    asked = [(r.method, r.url.path, r.headers.get("authorization")) for r in seen]
    assert asked == [
        ("POST", "/bigquery.googleapis.com/a", "t"),
        ("POST", "/bigquery.googleapis.com/b", "t"),  # 307 repeats the POST
        ("GET", "/other.org/robots.txt", None),
        ("GET", "/other.org/c", None),  # 303 turns it into a GET, the token stays behind
    ]
    assert seen[1].content == encode_json(QUESTION) and seen[3].content == b""

"""Finding venue papers' arXiv preprints by title: strict matches, stored answers, re-runs that
ask only what is due, failures kept apart, well-formed queries, pacing left to the client."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from typer.testing import CliRunner

from fwcensus.aggregate.stage import ALL_VENUES, aggregate_shares
from fwcensus.cli import app
from fwcensus.collect.arxiv_search import (
    FAILURES_IN_A_ROW,
    RETRY_DAYS,
    RULE,
    LookupSummary,
    lookup_arxiv_ids,
    search_url,
)
from fwcensus.detect.substring2019 import METHOD
from fwcensus.fetch.client import HttpClient
from fwcensus.fetch.schedule import MARGIN
from fwcensus.mirror.urls import file_for_url, meta_for, write_mirror_file
from fwcensus.models import Paper, Selection
from fwcensus.pipeline import link_selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.arxiv import ARXIV_RATE
from fwcensus.store import Store

import skeleton
from conftest import Serve
from facts import structure
from support.sites.arxiv_site import ArxivRecord, write_atom_error, write_atom_search

TITLE = "Deep Residual Learning for Image Recognition"
AUTHORS = ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun")
PREPRINT = "1512.03385"
# Its signature is in tests/fixtures/arxiv/structure.
RECORDED_SEARCH = "export_api_query_search_testing_start0_max10.atom.xml"


def venue_paper(n: int, title: str = TITLE, authors: tuple[str, ...] = AUTHORS) -> Paper:
    return Paper("cvf", f"P{n}_CVPR_2016_paper", "CVPR", 2016, title, authors,
                 f"https://openaccess.thecvf.com/content_cvpr_2016/papers/P{n}.pdf")  # fmt: skip


def entry(arxiv_id: str, title: str = TITLE, authors: tuple[str, ...] = AUTHORS) -> ArxivRecord:
    submitted = datetime(2015, 12, 10, 15, 4, tzinfo=UTC)
    return ArxivRecord(arxiv_id, title, authors, ("cs.CV",), submitted, submitted.date())


def target(url: str) -> str:
    """A real URL as the mirror records the request: HOST/PATH?QUERY."""
    return url.split("://", 1)[1]


def search(store: Store, mirror: str, **options: object) -> LookupSummary:
    attempts = int(options.pop("attempts", 2))  # type: ignore[call-overload]
    settings = fetch_settings(mirror=mirror, rate=0, attempts=attempts, backoff=0.01)
    with HttpClient(settings, sleep=lambda _: None) as client:
        return lookup_arxiv_ids(store, client, Selection(), **options)  # type: ignore[arg-type]


def lookup(store: Store) -> dict[str, object]:
    [row] = store.identity.arxiv_lookups()
    return row


def arxiv_ids(store: Store) -> dict[str, str | None]:
    return {r["source_id"]: r["arxiv_id"] for r in store.papers.rows(Selection())}


def test_a_venue_paper_is_found_and_linked_to_its_collected_preprint(
    tmp_path: Path, serve: Serve
) -> None:
    # The preprint was harvested under its first title; arXiv now shows the venue's title (v2).
    harvested = Paper("arxiv", PREPRINT, "arXiv", 2015, "Deep Residual Nets for Image Recognition",
                      AUTHORS, f"https://arxiv.org/pdf/{PREPRINT}", arxiv_id=PREPRINT)  # fmt: skip
    other = venue_paper(2, "Convolutional Pose Machines for Human Pose", ("Shih-En Wei",))
    db = tmp_path / "fwcensus.db"
    with Store(db) as store:
        store.papers.upsert([venue_paper(1), other], "L1")
        store.papers.upsert([harvested], "L2")
    root = tmp_path / "mirror"
    url = write_atom_search(root, TITLE, [entry(PREPRINT), entry("1603.05027", f"{TITLE} II")],
                            total=2163)  # fmt: skip
    write_atom_search(root, other.title, [])
    server = serve(root)
    args = ["link", "--arxiv", "--venue", "CVPR", "--db", str(db), "--mirror", server.url]
    result = CliRunner().invoke(app, [*args, "--rate", "0"])
    assert result.exit_code == 0, result.output
    assert "2 papers asked, 1 found, 1 without a match" in result.output
    assert server.requests == [target(url), target(search_url(other.title))]
    with Store(db) as store:
        assert arxiv_ids(store)["P1_CVPR_2016_paper"] == PREPRINT
        found = next(r for r in store.identity.arxiv_lookups() if r["status"] == "found")
        assert (found["arxiv_id"], found["rule"], found["url"]) == (PREPRINT, RULE, url)
        assert store.blobs.read_bytes(found["body_sha256"]) == file_for_url(root, url).read_bytes()
        works = {r["source_id"]: r["work_id"] for r in store.papers.rows(Selection())}
        assert works["P1_CVPR_2016_paper"] == works[PREPRINT] != works["P2_CVPR_2016_paper"]
        rows = aggregate_shares(store, METHOD)
        [all_2016] = [r for r in rows if r.venue == ALL_VENUES and r.year == 2016]
        assert all_2016.listed == 2  # two works: the linked pair counts once

        # A re-collect of the venue, whose listing has no arXiv id, keeps the one found and
        # counts the paper unchanged; linking again keeps the pair one work.
        counts = store.papers.upsert([venue_paper(1)], "L1")
        assert (counts.updated, counts.unchanged) == (0, 1)
        assert arxiv_ids(store)["P1_CVPR_2016_paper"] == PREPRINT
        link_selection(store, fetch_settings(), Selection(), arxiv=False, say=lambda _: None)
        works = {r["source_id"]: r["work_id"] for r in store.papers.rows(Selection())}
        assert works["P1_CVPR_2016_paper"] == works[PREPRINT]


@pytest.mark.parametrize(
    ("entries", "detail"),
    [
        ([entry("1512.00001", f"{TITLE} Revisited")], None),  # near-miss title
        ([entry("1512.00002", "Deep Residual Learning for Image Recognitions")], None),
        ([entry("1512.00003", authors=AUTHORS[1:])], None),  # another first author
        ([entry("1512.00004", authors=("Kaiming Hu", *AUTHORS[1:]))], None),
        ([entry("1512.00005"), entry("1512.00006")], "2 entries match"),  # posted twice
    ],
)
def test_a_hit_needs_the_same_title_and_first_author_and_must_be_the_only_one(
    tmp_path: Path, serve: Serve, store: Store, entries: list[ArxivRecord], detail: str | None
) -> None:
    store.papers.upsert([venue_paper(1)], "L1")
    write_atom_search(tmp_path, TITLE, entries)
    summary = search(store, serve(tmp_path).url)
    assert (summary.asked, summary.found, summary.none) == (1, 0, 1)
    row = lookup(store)
    assert (row["status"], row["arxiv_id"], row["rule"]) == ("none", None, None)
    assert (row["detail"] or "").startswith(detail or "") and bool(row["detail"]) == bool(detail)
    assert arxiv_ids(store)["P1_CVPR_2016_paper"] is None


def test_no_hit_is_stored_and_asked_again_only_after_the_retry_days(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    store.papers.upsert([venue_paper(1), venue_paper(2, "Introduction to Nets")], "L1")
    url = write_atom_search(tmp_path, TITLE, [])
    server = serve(tmp_path)
    first = search(store, server.url)
    assert (first.asked, first.none, first.unsearchable) == (1, 1, 1)  # 3 words: not asked
    assert lookup(store)["status"] == "none"
    again = search(store, server.url)
    assert again.asked == 0
    later = search(store, server.url, today=date.today() + timedelta(days=RETRY_DAYS + 1))
    assert later.asked == 1
    assert server.requests == [target(url), target(url)]


@pytest.mark.parametrize("answer", ["atom-error", "html-200"])
def test_an_unusable_answer_is_a_failure_asked_again_next_run(
    tmp_path: Path, serve: Serve, store: Store, answer: str
) -> None:
    store.papers.upsert([venue_paper(1)], "L1")
    url = search_url(TITLE)
    if answer == "atom-error":
        write_atom_error(tmp_path, url, "malformed query")
        message = "arXiv API error: malformed query"
    else:
        write_mirror_file(tmp_path, url, "<html><body>Service busy</body></html>")
        message = "root <html> is not an Atom <feed>"
    server = serve(tmp_path)
    assert search(store, server.url).failed == 1
    row = lookup(store)
    assert (row["status"], row["detail"]) == ("failed", f"{url}: {message}")
    assert "\n" not in row["detail"]
    meta_for(file_for_url(tmp_path, url)).unlink(missing_ok=True)  # the error's HTTP 400
    write_atom_search(tmp_path, TITLE, [entry(PREPRINT)])
    assert search(store, server.url).found == 1
    assert lookup(store)["arxiv_id"] == PREPRINT


def test_a_503_is_retried_by_the_client(tmp_path: Path, serve: Serve, store: Store) -> None:
    store.papers.upsert([venue_paper(1)], "L1")
    url = write_atom_search(tmp_path, TITLE, [entry(PREPRINT)])
    server = serve(tmp_path, faults="503*1@export.arxiv.org/api/query*")
    assert search(store, server.url).found == 1
    assert server.requests == [target(url)] * 2


def test_failures_in_a_row_stop_the_run_and_leave_the_rest(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    papers = [venue_paper(n, f"Learning Deep Features Number {n}") for n in range(8)]
    store.papers.upsert(papers, "L1")
    server = serve(tmp_path, faults="503@export.arxiv.org/*")
    summary = search(store, server.url, attempts=1)
    assert (summary.asked, summary.failed) == (FAILURES_IN_A_ROW, FAILURES_IN_A_ROW)
    assert summary.left == len(papers) - FAILURES_IN_A_ROW
    assert all("HTTP 503" in row["detail"] for row in store.identity.arxiv_lookups())


def test_a_title_with_quotes_colons_and_accents_makes_a_well_formed_query(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    title = '"Über" Nets: Non-Local (Self-)Attention AND Déjà Vu — 2\u00d7 Faster'
    store.papers.upsert([venue_paper(1, title, ("Jörg Müller",))], "L1")
    url = search_url(title)
    query = dict(parse_qsl(urlsplit(url).query))
    assert query == {
        "search_query": 'ti:"uber nets non local self attention and deja vu 2 faster"',
        "start": "0",
        "max_results": "5",
    }
    assert urlsplit(url).query.startswith("search_query=ti:%22uber+nets+non+local+")
    # arXiv's metadata writes accents in TeX; the parser turns them into letters again.
    tex = entry(PREPRINT, title.replace("Ü", '\\"U').replace("é", "\\'e"), ('J\\"org M\\"uller',))
    write_atom_search(tmp_path, title, [tex])
    server = serve(tmp_path)
    assert search(store, server.url).found == 1
    assert server.requests == [target(url)]


def test_the_client_paces_arxiv_to_one_request_every_3_seconds(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    titles = [f"Learning Deep Features Number {n}" for n in range(3)]
    store.papers.upsert([venue_paper(n, t) for n, t in enumerate(titles)], "L1")
    for title in titles:
        write_atom_search(tmp_path, title, [])
    waits: list[float] = []
    settings = fetch_settings(mirror=serve(tmp_path).url)  # the declared rates
    with HttpClient(settings, sleep=waits.append) as client:
        assert lookup_arxiv_ids(store, client, Selection()).asked == 3
    # The sleep is not real, so the second wait is one interval and the third two.
    interval = MARGIN / ARXIV_RATE
    assert waits == [pytest.approx(interval, abs=0.5), pytest.approx(2 * interval, abs=0.5)]


def test_the_search_feed_has_the_recorded_structure(tmp_path: Path) -> None:
    url = write_atom_search(tmp_path, TITLE, [entry(PREPRINT)], total=40)
    built = ET.parse(file_for_url(tmp_path, url))
    ours = skeleton.signature(file_for_url(tmp_path, url).read_bytes(), "xml")["root"]
    recorded = structure("arxiv", RECORDED_SEARCH)["root"]

    def heads(feed: skeleton.Node) -> list[str]:
        return [tag for tag in skeleton.child_tags(feed) if not tag.endswith("entry")]

    def entry_tags(feed: skeleton.Node) -> set[str]:
        entries = [e for e in feed["children"] if e["tag"].endswith("entry")]
        return {tag for e in entries for tag in skeleton.child_tags(e)}

    assert heads(ours) == heads(recorded)
    assert entry_tags(ours) <= entry_tags(recorded)
    ns = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = built.getroot()
    assert root.findtext("os:totalResults", None, ns) == "40"
    assert root.findtext("os:itemsPerPage", None, ns) == "5"
    title = f'search_query=ti:"{TITLE.lower()}"&id_list=&start=0&max_results=5'
    assert root.findtext("a:title", None, ns) == f"arXiv Query: {title}"
    assert len(root.findtext("a:id", "", ns).rsplit("/", 1)[1]) == 27


def test_a_found_lookup_needs_its_id_and_rule(store: Store) -> None:
    store.papers.upsert([venue_paper(1)], "L1")
    with pytest.raises(Exception, match="CHECK constraint"):
        store.identity.save_arxiv_lookup(1, search_url(TITLE), "found")
    with pytest.raises(Exception, match="CHECK constraint"):
        store.identity.save_arxiv_lookup(1, search_url(TITLE), "none", found=(PREPRINT, RULE))
    assert store.identity.arxiv_lookups() == []


def test_looking_up_needs_a_named_venue(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["link", "--arxiv", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "--venue" in result.output
    linked = CliRunner().invoke(app, ["link", "--db", str(tmp_path / "x.db")])
    assert linked.exit_code == 0 and "link: 0 papers are 0 works" in linked.output

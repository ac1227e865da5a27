from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fwcensus.collect.stage import CollectError, CollectSummary, collect
from fwcensus.fetch.client import HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.sources.base import ListingError, ListingPage
from fwcensus.sources.openreview import OpenReviewSource, listing_url, plan_for
from fwcensus.store import Store

from conftest import Serve
from facts import published_total, structure, study_list
from study2019 import stand_ins
from support.sites.openreview_site import (
    Submission,
    make_submissions,
    submission_note,
    write_openreview_year,
    write_page,
)

SOURCE = OpenReviewSource()
# Note fields openreview-py's Note.to_json adds to the recorded objects, and fields the raw API
# sends that to_json drops: the only differences allowed between a built and a recorded note.
TO_JSON_ONLY = {"mdate", "referent", "details", "replyto"}
RAW_ONLY = {"tddate", "odate", "pdate"}


def collect_year(
    root: Path, serve: Serve, store: Store, venue: str, year: int
) -> tuple[CollectSummary, list[dict[str, Any]]]:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        summary = collect(store, client, venue, year, source=SOURCE)
    return summary, store.papers.rows(Selection(venues=(venue,), years=(year,)))


def parse_notes(venue: str, year: int, notes: Sequence[Mapping[str, Any]], offset: int = 0):
    body = json.dumps({"notes": list(notes), "count": len(notes)}).encode()
    return parse_body(venue, year, body, offset)


def parse_body(venue: str, year: int, body: bytes, offset: int = 0) -> ListingPage:
    [request] = SOURCE.start_requests(venue, year)
    request = replace(request, url=listing_url(venue, year, offset), meta={"offset": offset})
    return SOURCE.parse(request, body, request.url)


def accepted(submissions: Sequence[Submission], meaning: Mapping[str, str | None]):
    return [s for s in submissions if s.verdict in meaning]


def with_study(submissions: list[Submission], year: int) -> list[Submission]:
    """The submissions, in order, under the titles and authors of the study's ICLR list of the
    year (generated, as many as it holds)."""
    papers = stand_ins(f"iclr_{year}")
    out = [
        replace(submission, title=paper.title, authors=paper.authors)
        for submission, paper in zip(submissions, papers, strict=False)
    ]
    return out + submissions[len(out) :]


# --- the venues' decisions, as each year wrote them, and what they mean ----------------------

ACCEPT_MEANING = {
    "Accept (Oral)": "oral",
    "Accept (Talk)": "oral",
    "Accept (Spotlight)": "spotlight",
    "Accept (Poster)": "poster",
    "conferenceOral-iclr2013-conference": "oral",
    "conferencePoster-iclr2013-conference": "poster",
    "ICLR 2017 Oral": "oral",
    "ICLR 2017 Poster": "poster",
    **{f"ICLR 2022 {kind}": kind.lower() for kind in ("Oral", "Spotlight", "Poster")},
    "ICLR 2023 notable top 5%": "oral",
    "ICLR 2023 notable top 25%": "spotlight",
    "ICLR 2023 poster": "poster",
    **{f"ICLR 2024 {kind}": kind for kind in ("oral", "spotlight", "poster")},
    **{f"ICLR 2025 {kind}": kind.lower() for kind in ("Oral", "Spotlight", "Poster")},
    **{f"ICLR 2026 {kind}": kind.lower() for kind in ("Oral", "Poster")},
    **{f"NeurIPS 2021 {kind}": kind.lower() for kind in ("Oral", "Spotlight", "Poster")},
    "NeurIPS 2022 Accept": None,
    **{f"NeurIPS 2023 {kind}": kind for kind in ("oral", "spotlight", "poster")},
    "Accepted by TMLR": None,
}

# Full-size years: the official accepted counts and splits (PROVENANCE.md), the rest of each
# year's listing rejected, and where the study's real titles and forum ids are used.
FULL_SIZE = [
    # year, verdict counts, study list: "accepted" (the study listed accepted papers),
    # "submissions" (it listed every submission) or None
    (
        2018,
        {
            "Accept (Oral)": 23,
            "Accept (Poster)": 314,
            "Invite to Workshop Track": 90,
            "Reject": 508,
        },
        "accepted",
    ),
    (2019, {"Accept (Oral)": 24, "Accept (Poster)": 476, "Reject": 919}, None),
    (
        2020,
        {"Accept (Talk)": 48, "Accept (Spotlight)": 107, "Accept (Poster)": 532, "Reject": 1526},
        "accepted",
    ),
    (
        2021,
        {"Accept (Oral)": 53, "Accept (Spotlight)": 114, "Accept (Poster)": 693, "Reject": 1734},
        "submissions",
    ),
    (
        2022,
        {
            "ICLR 2022 Oral": 54,
            "ICLR 2022 Spotlight": 176,
            "ICLR 2022 Poster": 865,
            "ICLR 2022 Submitted": 1522,
        },
        "submissions",
    ),
    (2024, {"ICLR 2024 oral": 85, "ICLR 2024 spotlight": 366, "ICLR 2024 poster": 1809}, None),
]


def build_full_size(root: Path, year: int, verdicts: dict[str, int], study: str | None):
    submissions = make_submissions("ICLR", year, verdicts)
    if study == "accepted":
        chosen = accepted(submissions, ACCEPT_MEANING)
        assert len(chosen) == study_list(f"iclr_{year}").papers  # the study listed just these
        titled = dict(zip((s.forum for s in chosen), with_study(chosen, year), strict=True))
        submissions = [titled.get(s.forum, s) for s in submissions]
    elif study == "submissions":
        submissions = with_study(submissions, year)
    pdf_urls = write_openreview_year(root, "ICLR", year, submissions)
    return submissions, dict(zip((s.forum for s in submissions), pdf_urls, strict=True))


@pytest.mark.parametrize(
    ("year", "verdicts", "study"), FULL_SIZE, ids=[str(f[0]) for f in FULL_SIZE]
)
def test_full_size_iclr_year_gives_the_official_accepted_count_and_split(
    tmp_path: Path,
    serve: Serve,
    store: Store,
    year: int,
    verdicts: dict[str, int],
    study: str | None,
) -> None:
    submissions, pdf_urls = build_full_size(tmp_path, year, verdicts, study)
    summary, rows = collect_year(tmp_path, serve, store, "ICLR", year)

    expected = accepted(submissions, ACCEPT_MEANING)
    assert summary.papers == len(expected) == len(rows)
    assert summary.pages == -(-len(submissions) // 1000)
    split = Counter(row["presentation"] for row in rows)
    assert split == Counter(ACCEPT_MEANING[s.verdict] for s in expected)
    by_id = {row["source_id"]: row for row in rows}
    assert set(by_id) == {s.forum for s in expected}
    for submission in expected[:: max(1, len(expected) // 25)]:
        row = by_id[submission.forum]
        assert row["title"] == " ".join(submission.title.split())
        assert row["pdf_url"] == pdf_urls[submission.forum]
        assert row["page_url"] == f"https://openreview.net/forum?id={submission.forum}"
        assert tuple(row["authors"]) == submission.authors


@pytest.mark.parametrize(("year", "blind", "official"), [(2021, 2594, 860), (2022, 2617, 1095)])
def test_the_study_counted_iclr_submissions_fwcensus_counts_accepted_papers(
    tmp_path: Path, serve: Serve, store: Store, year: int, blind: int, official: int
) -> None:
    [(_, verdicts, _)] = [entry for entry in FULL_SIZE if entry[0] == year]
    submissions, _ = build_full_size(tmp_path, year, verdicts, "submissions")
    assert len(submissions) == blind
    summary, _ = collect_year(tmp_path, serve, store, "ICLR", year)
    assert summary.papers == official
    # The study's list of the year, and its published count, hold more than every submission.
    assert published_total("ICLR", year) == study_list(f"iclr_{year}").papers > blind > official


# --- each era's format ------------------------------------------------------------------------


def test_iclr_2013_decisions_on_the_submission_with_arxiv_pdfs(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    verdicts = {
        "conferenceOral-iclr2013-conference": 3,
        "conferencePoster-iclr2013-conference": 17,
        "conferencePoster-iclr2013-workshop": 32,  # the workshop track shared the listing
        "reject": 12,
    }
    submissions = [
        replace(s, pdf=f"http://arxiv.org/abs/1301.{3600 + s.number}")
        for s in make_submissions("ICLR", 2013, verdicts)
    ]
    write_openreview_year(tmp_path, "ICLR", 2013, submissions)
    summary, rows = collect_year(tmp_path, serve, store, "ICLR", 2013)
    assert summary.papers == 20
    assert Counter(row["presentation"] for row in rows) == {"oral": 3, "poster": 17}
    first = next(s for s in submissions if s.verdict == "conferenceOral-iclr2013-conference")
    [row] = [row for row in rows if row["source_id"] == first.forum]
    assert row["arxiv_id"] == f"1301.{3600 + first.number}"
    assert row["pdf_url"] == f"https://arxiv.org/pdf/1301.{3600 + first.number}"


def test_iclr_2017_venue_labels_and_an_author_list_given_as_one_string(tmp_path: Path) -> None:
    verdicts = {
        "ICLR 2017 Oral": 15,
        "ICLR 2017 Poster": 183,
        "ICLR 2017 Invite to Workshop": 47,
        "Submitted to ICLR 2017": 245,
    }
    submissions = make_submissions("ICLR", 2017, verdicts)
    notes = [submission_note("ICLR", 2017, s) for s in submissions]
    assert notes[0]["invitation"] == "ICLR.cc/2017/conference/-/submission"
    first = submissions.index(accepted(submissions, ACCEPT_MEANING)[0])
    notes[first]["content"]["authors"] = "Ada Lovelace, Alan Turing and Grace Hopper"
    page = parse_notes("ICLR", 2017, notes)
    assert len(page.papers) == 198 and page.total == 490 and len(page.record_ids) == 490
    assert Counter(p.presentation for p in page.papers) == {"oral": 15, "poster": 183}
    assert page.papers[0].authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")


@pytest.mark.parametrize(
    ("venue", "year", "verdicts"),
    [
        (
            "ICLR",
            2023,
            {
                "ICLR 2023 notable top 5%": 91,
                "ICLR 2023 notable top 25%": 280,
                "ICLR 2023 poster": 1203,
                "Submitted to ICLR 2023": 2219,
            },
        ),
        ("ICLR", 2025, {"ICLR 2025 Oral": 12, "ICLR 2025 Spotlight": 30, "ICLR 2025 Poster": 90}),
        ("ICLR", 2026, {"ICLR 2026 Oral": 10, "ICLR 2026 Poster": 100}),
        ("NeurIPS", 2022, {"NeurIPS 2022 Accept": 120, "NeurIPS 2022 Submitted": 8}),
        (
            "NeurIPS",
            2023,
            {"NeurIPS 2023 oral": 7, "NeurIPS 2023 spotlight": 37, "NeurIPS 2023 poster": 300},
        ),
    ],
)
def test_every_other_era_reads_its_own_verdicts(
    tmp_path: Path, serve: Serve, store: Store, venue: str, year: int, verdicts: dict[str, int]
) -> None:
    submissions = make_submissions(venue, year, verdicts)
    write_openreview_year(tmp_path, venue, year, submissions)
    summary, rows = collect_year(tmp_path, serve, store, venue, year)
    expected = accepted(submissions, ACCEPT_MEANING)
    assert summary.papers == len(expected)
    assert Counter(row["presentation"] for row in rows) == Counter(
        ACCEPT_MEANING[s.verdict] for s in expected
    )


def test_neurips_2021_main_track_from_its_venue_labels(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    verdicts = {
        "NeurIPS 2021 Oral": 55,
        "NeurIPS 2021 Spotlight": 260,
        "NeurIPS 2021 Poster": 2019,
        "NeurIPS 2021 Submitted": 136,  # rejected papers whose authors made them public
        None: 1,  # a note that says nothing about its status
    }
    submissions = make_submissions("NeurIPS", 2021, verdicts)
    pdf_urls = write_openreview_year(tmp_path, "NeurIPS", 2021, submissions)
    summary, rows = collect_year(tmp_path, serve, store, "NeurIPS", 2021)
    assert summary.papers == 2334 and summary.pages == 3
    assert Counter(row["presentation"] for row in rows) == {
        "oral": 55,
        "spotlight": 260,
        "poster": 2019,
    }
    first = accepted(submissions, ACCEPT_MEANING)[0]
    [row] = [row for row in rows if row["source_id"] == first.forum]
    assert row["title"] == first.title
    assert row["pdf_url"] == pdf_urls[submissions.index(first)]
    # NeurIPS 2021 asked for a code link; a plain link is kept as the paper's code
    assert row["code_urls"] and row["code_urls"][0].startswith("https://github.com/")


def test_tmlr_year_is_the_year_of_publication(tmp_path: Path, serve: Serve, store: Store) -> None:
    submissions = make_submissions("TMLR", 2023, {"Accepted by TMLR": 1500})
    stamps = {2022: 1_660_000_000_000, 2023: 1_690_000_000_000, 2024: 1_720_000_000_000}
    years = [2022] * 300 + [2023] * 700 + [2024] * 500
    submissions = [
        replace(s, published=stamps[y] + s.number) for s, y in zip(submissions, years, strict=True)
    ]
    # TMLR's query is the same for every year: one listing of every accepted paper
    write_openreview_year(tmp_path, "TMLR", 2023, submissions)
    assert listing_url("TMLR", 2022, 0) == listing_url("TMLR", 2024, 0)
    summary, rows = collect_year(tmp_path, serve, store, "TMLR", 2023)
    assert summary.papers == 700 and summary.pages == 2
    published_2023 = {s.forum for s, y in zip(submissions, years, strict=True) if y == 2023}
    assert {row["source_id"] for row in rows} == published_2023
    assert {row["presentation"] for row in rows} == {None}
    again, _ = collect_year(tmp_path, serve, store, "TMLR", 2024)
    assert again.papers == 500


# --- the real requests and the recorded real notes ----------------------------------------


def test_requests_are_the_real_api_queries() -> None:
    [request] = SOURCE.start_requests("ICLR", 2019)
    assert request.url == (
        "https://api.openreview.net/notes?invitation=ICLR.cc/2019/Conference/-/Blind_Submission"
        "&details=directReplies&offset=0&limit=1000"
    )
    assert SOURCE.start_requests("ICLR", 2024)[0].url == (
        "https://api2.openreview.net/notes?content.venueid=ICLR.cc/2024/Conference"
        "&offset=0&limit=1000"
    )
    assert SOURCE.start_requests("ICLR", 2013)[0].url.startswith(
        "https://api.openreview.net/notes?invitation=ICLR.cc/2013/conference/-/submission&"
    )
    years = SOURCE.venue_years()
    assert years["ICLR"] == (2013, *range(2017, 2027))
    assert years["NeurIPS"] == tuple(range(2021, 2026))
    assert years["TMLR"] == tuple(range(2022, 2026))
    assert SOURCE.official_url("ICLR", 2017) == (
        "https://openreview.net/group?id=ICLR.cc/2017/conference"
    )
    assert SOURCE.official_url("TMLR", 2023) == "https://openreview.net/group?id=TMLR"
    for missing in (2014, 2015, 2016):
        with pytest.raises(ValueError, match=f"ICLR {missing}"):
            plan_for("ICLR", missing)


# Signatures of the recorded notes (tests/fixtures/openreview/structure): keys, no values.
RECORDED_PAIR = "v1_ICLR{year}_blind_submission_and_decision_note.json"
RECORDED_REPLIES = "v1_ICLR2020_blind_submission_details-directReplies.json"
# A verdict of each year's vocabulary, and the field of the decision note that holds it.
VERDICT = {
    2018: ("Reject", "decision"),
    2019: ("Accept (Poster)", "recommendation"),
    2020: ("Accept (Poster)", "decision"),
    2021: ("Reject", "decision"),
    2022: ("ICLR 2022 Spotlight", "venue"),  # on the submission itself
}


@pytest.mark.parametrize("year", [2018, 2019, 2020, 2021, 2022])
def test_built_notes_have_the_recorded_fields(year: int) -> None:
    real, real_decision = structure("openreview", RECORDED_PAIR.format(year=year))["value"]
    verdict, field = VERDICT[year]
    [submission] = make_submissions("ICLR", year, {verdict: 1})
    built = submission_note("ICLR", year, replace(submission, number=7))

    assert set(real["content"]) <= set(built["content"])
    assert set(real) - TO_JSON_ONLY <= set(built)
    assert set(built) - set(real) <= RAW_ONLY | {"details"}
    if year == 2022:
        assert built["content"][field] == verdict
        return
    [decision] = [r for r in built["details"]["directReplies"] if field in r["content"]]
    assert set(decision["content"]) == set(real_decision["content"])
    assert decision["content"][field] == verdict
    assert decision["replyto"] == decision["forum"] == built["id"]


def test_built_replies_have_the_fields_the_api_nests() -> None:
    real = structure("openreview", RECORDED_REPLIES)["value"]
    [submission] = make_submissions("ICLR", 2020, {"Accept (Poster)": 1})
    built = submission_note("ICLR", 2020, submission)
    real_keys = {frozenset(reply) for reply in real["details"]["directReplies"]}
    assert {frozenset(reply) for reply in built["details"]["directReplies"]} == real_keys
    review = next(r for r in real["details"]["directReplies"] if "review" in r["content"])
    built_review = built["details"]["directReplies"][0]
    assert set(built_review["content"]) == set(review["content"])


# --- bad input ----------------------------------------------------------------------------


def one_line_error(venue: str, year: int, body: bytes, expected: str) -> None:
    url = listing_url(venue, year, 0)
    with pytest.raises(ListingError) as info:
        parse_body(venue, year, body)
    message = str(info.value)
    assert "\n" not in message and message.startswith(url)
    assert re.search(expected, message), message


def test_a_changed_answer_is_a_one_line_error_naming_url_and_what_is_missing() -> None:
    [rejected] = make_submissions("ICLR", 2020, {"Reject": 1})
    note = submission_note("ICLR", 2020, rejected)
    one_line_error("ICLR", 2020, b'{"data": [], "count": 1}', "no 'notes' list")
    one_line_error("ICLR", 2020, json.dumps({"notes": [note]}).encode(), "no 'count'")
    challenge = b"<!DOCTYPE html><html><head><title>Verifying your browser</title></head></html>"
    one_line_error("ICLR", 2020, challenge, "not JSON: an HTML page")
    del note["details"]
    one_line_error(
        "ICLR", 2020, json.dumps({"notes": [note], "count": 1}).encode(), "no details.directReplies"
    )


def test_a_verdict_the_year_does_not_use_stops_the_parse() -> None:
    [paper] = make_submissions("ICLR", 2021, {"Accept (Keynote)": 1})
    body = json.dumps({"notes": [submission_note("ICLR", 2021, paper)], "count": 1}).encode()
    one_line_error("ICLR", 2021, body, r"'Accept \(Keynote\)', a verdict this venue-year")


def test_a_v2_note_outside_the_queried_venue_stops_the_parse() -> None:
    [paper] = make_submissions("ICLR", 2024, {"ICLR 2024 poster": 1})
    note = submission_note("ICLR", 2024, paper)
    note["content"]["venueid"] = {"value": "ICLR.cc/2024/Conference/Rejected_Submission"}
    body = json.dumps({"notes": [note], "count": 1}).encode()
    one_line_error("ICLR", 2024, body, "not the queried 'ICLR.cc/2024/Conference'")
    [tmlr] = make_submissions("TMLR", 2023, {"Accepted by TMLR": 1})
    undated = submission_note("TMLR", 2023, tmlr)
    del undated["pdate"]
    body = json.dumps({"notes": [undated], "count": 1}).encode()
    one_line_error("TMLR", 2023, body, "no pdate")


def test_collect_reports_the_page_that_changed(tmp_path: Path, serve: Serve, store: Store) -> None:
    write_page(tmp_path, "ICLR", 2022, 0, [{"id": "x", "content": {}}], 1)
    file_for_url(tmp_path, listing_url("ICLR", 2022, 0)).write_bytes(b'{"results": []}')
    with pytest.raises(CollectError) as info:
        collect_year(tmp_path, serve, store, "ICLR", 2022)
    assert "\n" not in str(info.value) and "Blind_Submission" in str(info.value)
    assert "no 'notes' list" in str(info.value)


def test_notes_missing_fields_are_kept_with_what_they_have_or_skipped(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    submissions = make_submissions("ICLR", 2022, {"ICLR 2022 Poster": 5, "ICLR 2022 Submitted": 1})
    untitled, no_pdf, contentless, *_ = accepted(submissions, ACCEPT_MEANING)
    notes = []
    for submission in submissions:
        written = replace(submission, pdf=None) if submission is no_pdf else submission
        note = submission_note("ICLR", 2022, written)
        if submission is untitled:
            del note["content"]["title"]
        if submission is contentless:  # nothing says what this note is
            del note["content"]
        notes.append(note)
    write_page(tmp_path, "ICLR", 2022, 0, notes, len(notes))
    summary, rows = collect_year(tmp_path, serve, store, "ICLR", 2022)

    by_id = {row["source_id"]: row for row in rows}
    expected = {s.forum for s in accepted(submissions, ACCEPT_MEANING)} - {contentless.forum}
    assert set(by_id) == expected and summary.papers == 4
    assert by_id[untitled.forum]["title"] == ""
    assert by_id[untitled.forum]["pdf_url"] == "https://openreview.net" + untitled.pdf
    assert summary.without_pdf == 1
    assert by_id[no_pdf.forum]["pdf_url"] is None
    assert by_id[no_pdf.forum]["doc_status"] == "skipped"
    assert by_id[no_pdf.forum]["title"] == no_pdf.title


def test_a_note_listed_on_two_pages_is_kept_once(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    submissions = make_submissions("ICLR", 2024, {"ICLR 2024 poster": 1002})
    notes = [submission_note("ICLR", 2024, s) for s in submissions]
    write_page(tmp_path, "ICLR", 2024, 0, notes[:1000], 1002)
    # the listing shifted between two requests: the next page starts one note early
    write_page(tmp_path, "ICLR", 2024, 1000, notes[999:], 1002)
    summary, rows = collect_year(tmp_path, serve, store, "ICLR", 2024)
    assert (summary.papers, summary.duplicates, len(rows)) == (1002, 1, 1002)


def test_a_non_utf8_byte_is_read_alone_not_the_whole_page(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    submissions = make_submissions("ICLR", 2024, {"ICLR 2024 poster": 3})
    submissions[1] = replace(submissions[1], title="Café Models of Naïve Agents")
    write_openreview_year(tmp_path, "ICLR", 2024, submissions)
    page = file_for_url(tmp_path, listing_url("ICLR", 2024, 0))
    page.write_bytes(page.read_bytes().replace("Café".encode(), b"Caf\xe9"))
    summary, rows = collect_year(tmp_path, serve, store, "ICLR", 2024)
    assert summary.papers == 3
    titles = {row["source_id"]: row["title"] for row in rows}
    assert titles[submissions[1].forum] == "Café Models of Naïve Agents"  # read as Windows-1252
    assert titles[submissions[0].forum] == submissions[0].title


def test_a_query_that_repeats_a_page_fails(tmp_path: Path, serve: Serve, store: Store) -> None:
    submissions = make_submissions("ICLR", 2024, {"ICLR 2024 poster": 1500})
    write_openreview_year(tmp_path, "ICLR", 2024, submissions)
    first = file_for_url(tmp_path, listing_url("ICLR", 2024, 0)).read_bytes()
    file_for_url(tmp_path, listing_url("ICLR", 2024, 1000)).write_bytes(first)  # offset ignored
    with pytest.raises(CollectError, match="offset=1000&limit=1000: repeats an earlier page"):
        collect_year(tmp_path, serve, store, "ICLR", 2024)


@pytest.mark.parametrize("served", [0, 300])
def test_a_query_that_stops_early_fails(
    tmp_path: Path, serve: Serve, store: Store, served: int
) -> None:
    submissions = make_submissions("ICLR", 2021, {"Accept (Poster)": 600, "Reject": 900})
    notes = [submission_note("ICLR", 2021, s) for s in submissions]
    write_page(tmp_path, "ICLR", 2021, 0, notes[:1000], 1500)
    write_page(tmp_path, "ICLR", 2021, 1000, notes[1000 : 1000 + served], 1500)
    write_page(tmp_path, "ICLR", 2021, 1000 + served, [], 1500)
    with pytest.raises(CollectError, match=f"stopped early, {1000 + served} of the 1500"):
        collect_year(tmp_path, serve, store, "ICLR", 2021)

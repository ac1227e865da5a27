"""The recorded OpenReview notes (shared fixtures-real/openreview): judged as the venue decided,
and the builder's notes carry their invitations and decision titles."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from fwcensus.sources.base import ListingPage
from fwcensus.sources.openreview import OpenReviewSource, listing_url, plan_for

from recorded.material import shared_dir
from support.sites.openreview_site import make_submissions, submission_note

SOURCE = OpenReviewSource()


def recorded(name: str) -> Any:
    return json.loads((shared_dir() / "fixtures-real/openreview" / name).read_text("utf-8"))


def real_pair(year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A recorded submission and its decision note (real objects, PROVENANCE.md)."""
    submission, decision = recorded(f"v1_ICLR{year}_blind_submission_and_decision_note.json")
    return submission, decision


def parse_notes(year: int, notes: list[dict[str, Any]]) -> ListingPage:
    [request] = SOURCE.start_requests("ICLR", year)
    request = replace(request, url=listing_url("ICLR", year, 0), meta={"offset": 0})
    body = json.dumps({"notes": notes, "count": len(notes)}).encode()
    return SOURCE.parse(request, body, request.url)


@pytest.mark.parametrize(
    ("year", "presentation"),
    [(2018, None), (2019, "poster"), (2020, "poster"), (2021, None), (2022, "spotlight")],
)
def test_recorded_real_notes_are_judged_as_the_venue_decided(
    year: int, presentation: str | None
) -> None:
    submission, decision = real_pair(year)
    if "directReplies" in plan_for("ICLR", year).query:
        submission["details"] = {"directReplies": [decision]}
    page = parse_notes(year, [submission])
    assert page.record_ids == (submission["id"],) and page.total == 1
    if presentation is None:  # 2018 and 2021 recorded rejected papers
        assert page.papers == ()
        return
    [paper] = page.papers
    assert paper.presentation == presentation
    assert paper.source_id == submission["forum"]
    assert paper.title == " ".join(submission["content"]["title"].split())
    assert paper.pdf_url == "https://openreview.net" + submission["content"]["pdf"]
    assert paper.authors == tuple(submission["content"]["authors"])


def test_recorded_2020_note_with_its_direct_replies() -> None:
    note = recorded("v1_ICLR2020_blind_submission_details-directReplies.json")
    [paper] = parse_notes(2020, [note]).papers
    assert paper.presentation == "poster"
    assert paper.title == "Pay Attention to Features, Transfer Learn Faster CNNs"
    assert (
        paper.pdf_url == "https://openreview.net/pdf/6e6abb55b83a1b41eaa6f0c9d191b89c2bfeb7c4.pdf"
    )


@pytest.mark.parametrize("year", [2018, 2019, 2020, 2021, 2022])
def test_built_notes_carry_the_recorded_invitations_and_verdicts(year: int) -> None:
    """The keys are checked on the committed signatures (tests/test_source_openreview.py); the
    values that name invitations and verdicts, here."""
    real, real_decision = real_pair(year)
    verdict_field = "recommendation" if year == 2019 else "decision"
    verdict = real["content"]["venue"] if year == 2022 else real_decision["content"][verdict_field]
    [submission] = make_submissions("ICLR", year, {verdict: 1})
    built = submission_note("ICLR", year, replace(submission, number=real["number"]))
    assert built["invitation"] == real["invitation"]
    if year == 2022:
        assert built["content"]["venueid"] == real["content"]["venueid"]
        return
    [decision] = [
        reply
        for reply in built["details"]["directReplies"]
        if reply["invitation"] == real_decision["invitation"]
    ]
    assert decision["content"]["title"] == real_decision["content"]["title"]

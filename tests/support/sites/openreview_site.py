"""Write OpenReview notes queries into a mirror folder, in the note shapes of each era.

The project cannot ship real notes, so it writes notes of its own in the real structure: the
note-level fields, the content keys, the invitations and the verdict strings of each venue-year,
paged as the API pages them (``{"notes": [...], "count": N}``, 1000 notes a page, compact JSON
in UTF-8). Where the verdict lives comes from the source's plan for the year (``PLANS``): a
content field (``decision`` in ICLR 2013, ``venue`` later), a decision note among
``details.directReplies`` (ICLR 2018-2021), or ``content.venue`` beside the queried
``content.venueid`` (API v2). tests/fixtures/openreview/README.md names the recorded payloads
each shape follows; titles, authors, abstracts and ids are the project's own.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha1
from pathlib import Path
from typing import Any

from fwcensus.mirror.urls import write_mirror_file
from fwcensus.sources.openreview import (
    API_V2,
    PAGE_SIZE,
    SITE,
    ContentVerdict,
    Plan,
    ReplyVerdict,
    listing_url,
    plan_for,
)

Json = dict[str, Any]


@dataclass(frozen=True)
class Submission:
    """One submission note as the builder writes it."""

    forum: str  # the note's id, which is its forum's id
    number: int
    title: str
    authors: tuple[str, ...]
    verdict: str | None  # the venue's own verdict string; None: the note has none (yet)
    pdf: str | None  # the content's "/pdf/<sha1>.pdf"; None: the note has no pdf field
    published: int | None = None  # pdate in epoch ms; None: the year's default


# The raw API's note fields, in its order, per era (tests/fixtures/openreview/README.md).
NOTE_KEYS_2013 = (
    "replyto", "ddate", "legacy_migration", "tmdate", "tcdate", "number", "id", "invitation",
    "forum", "signatures", "readers", "content", "writers",
)  # fmt: skip
NOTE_KEYS_2017 = (
    "tddate", "replyto", "ddate", "active", "tmdate", "tcdate", "number", "id", "invitation",
    "forum", "signatures", "readers", "content", "writers", "nonreaders", "pdate",
)  # fmt: skip
NOTE_KEYS_2018 = (
    "tddate", "ddate", "tmdate", "tcdate", "number", "cdate", "id", "invitation", "forum",
    "original", "signatures", "readers", "writers", "content", "nonreaders",
)  # fmt: skip
NOTE_KEYS_BLIND = (
    "id", "original", "number", "cdate", "ddate", "tcdate", "tmdate", "tddate", "forum",
    "replyto", "invitation", "content", "signatures", "readers", "nonreaders", "writers", "odate",
)  # fmt: skip
NOTE_KEYS_VENUE = (
    "id", "original", "number", "cdate", "mdate", "ddate", "tcdate", "tmdate", "tddate", "forum",
    "replyto", "invitation", "content", "signatures", "readers", "nonreaders", "writers", "pdate",
    "odate",
)  # fmt: skip
NOTE_KEYS_V2 = (
    "content", "id", "forum", "signatures", "readers", "writers", "number", "odate",
    "invitations", "domain", "tcdate", "cdate", "tmdate", "mdate", "pdate", "version",
)  # fmt: skip
V1_NOTE_KEYS = {
    ("ICLR", 2013): NOTE_KEYS_2013,
    ("ICLR", 2017): NOTE_KEYS_2017,
    ("ICLR", 2018): NOTE_KEYS_2018,
    ("ICLR", 2019): NOTE_KEYS_BLIND,
    ("ICLR", 2020): NOTE_KEYS_BLIND,
    ("ICLR", 2021): NOTE_KEYS_BLIND,
}  # every other v1 year has NOTE_KEYS_VENUE
REPLY_KEYS = (
    "id", "original", "number", "cdate", "ddate", "tcdate", "tmdate", "tddate", "forum",
    "replyto", "invitation", "content", "signatures", "readers", "nonreaders", "writers",
)  # fmt: skip

# Content keys a submission of the year may carry (the union over the recorded notes).
V2_ICLR_CONTENT = (
    "title", "authors", "authorids", "keywords", "TLDR", "abstract", "primary_area",
    "code_of_ethics", "submission_guidelines", "anonymous_url", "no_acknowledgement_section",
    "venue", "venueid", "pdf", "supplementary_material", "_bibtex", "paperhash",
)  # fmt: skip
V2_NEURIPS_CONTENT = (
    "TLDR", "_bibtex", "abstract", "authorids", "authors", "keywords", "paperhash", "pdf",
    "supplementary_material", "title", "venue", "venueid",
)  # fmt: skip
CONTENT_KEYS: dict[tuple[str, int], tuple[str, ...]] = {
    ("ICLR", 2013): (
        "title", "decision", "abstract", "pdf", "paperhash", "keywords", "conflicts", "authors",
        "authorids",
    ),
    ("ICLR", 2017): (
        "TL;DR", "title", "abstract", "pdf", "keywords", "authors", "conflicts", "authorids",
        "venue", "venueid", "_bibtex", "community_implementations", "paperhash",
    ),
    ("ICLR", 2018): (
        "title", "abstract", "pdf", "TL;DR", "paperhash", "keywords", "authors", "authorids",
        "data", "community_implementations", "_bibtex",
    ),
    ("ICLR", 2019): (
        "title", "abstract", "keywords", "authorids", "authors", "TL;DR", "pdf", "paperhash",
        "code", "data", "_bibtex",
    ),
    ("ICLR", 2020): (
        "title", "authors", "authorids", "keywords", "TL;DR", "abstract", "pdf", "paperhash",
        "original_pdf", "appendix", "poster", "spotlight_video", "slides",
        "full_presentation_video", "data", "_bibtex",
    ),
    ("ICLR", 2021): (
        "title", "authorids", "authors", "keywords", "abstract", "one-sentence_summary",
        "code_of_ethics", "paperhash", "pdf", "data", "reviewed_version_(pdf)",
        "community_implementations", "venue", "venueid", "_bibtex",
    ),
    ("ICLR", 2022): (
        "title", "authorids", "authors", "keywords", "abstract", "code_of_ethics",
        "submission_guidelines", "resubmission", "student_author", "serve_as_reviewer",
        "paperhash", "pdf", "one-sentence_summary", "_bibtex", "venue", "venueid",
    ),
    ("ICLR", 2023): (
        "title", "authorids", "authors", "keywords", "abstract", "anonymous_url",
        "no_acknowledgement_section", "code_of_ethics", "submission_guidelines", "resubmission",
        "student_author", "Please_choose_the_closest_area_that_your_submission_falls_into",
        "paperhash", "pdf", "supplementary_material", "_bibtex", "venue", "venueid",
        "community_implementations",
    ),
    ("NeurIPS", 2021): (
        "title", "authorids", "authors", "keywords", "TL;DR", "abstract", "pdf",
        "submission_history", "code_of_conduct", "paperhash", "checklist",
        "supplementary_material", "code", "thumbnail", "community_implementations",
        "submission_history_-_venue_and_year", "submission_history_-_improvements_made",
        "_bibtex", "venue", "venueid",
    ),
    ("NeurIPS", 2022): (
        "title", "authorids", "authors", "keywords", "TL;DR", "abstract", "paperhash", "pdf",
        "supplementary_material", "venue", "venueid", "_bibtex",
    ),
    **{("ICLR", year): V2_ICLR_CONTENT for year in (2024, 2025, 2026)},
    **{("NeurIPS", year): V2_NEURIPS_CONTENT for year in (2023, 2024, 2025)},
    **{
        ("TMLR", year): (
            "title", "authors", "authorids", "abstract", "submission_length",
            "previous_TMLR_submission_url", "changes_since_last_submission", "code",
            "assigned_action_editor", "pdf", "supplementary_material", "certifications",
            "venue", "venueid", "_bibtex", "paperhash",
        )
        for year in range(2022, 2026)
    },
}  # fmt: skip

# ICLR 2018-2021: each decision note's title and other fields, and the review beside it.
DECISION_NOTES: dict[int, tuple[str, tuple[str, ...], str]] = {
    # year: (decision title, decision content keys, signature under the venue group)
    2018: ("ICLR 2018 Conference Acceptance Decision", ("comment",), "Program_Chairs"),
    2019: ("meta-review", ("confidence", "metareview"), "Paper{number}/Area_Chair1"),
    2020: ("Paper Decision", ("comment",), "Program_Chairs"),
    2021: ("Final Decision", ("comment",), "Program_Chairs"),
}
REVIEW_INVITATIONS = {
    2018: "ICLR.cc/2018/Conference/-/Paper{number}/Official_Review",
    2019: "ICLR.cc/2019/Conference/-/Paper{number}/Official_Review",
    2020: "ICLR.cc/2020/Conference/Paper{number}/-/Official_Review",
    2021: "ICLR.cc/2021/Conference/Paper{number}/-/Official_Review",
}
REVIEW_2020_KEYS = (
    "experience_assessment", "rating", "review",
    "review_assessment:_checking_correctness_of_derivations_and_theory",
    "review_assessment:_checking_correctness_of_experiments",
    "review_assessment:_thoroughness_in_paper_reading", "title",
)  # fmt: skip
# Accepted ICLR 2021 notes have since been given venue and venueid; their decision names them.
VENUE_2021 = {
    "Accept (Oral)": "ICLR 2021 Oral",
    "Accept (Spotlight)": "ICLR 2021 Spotlight",
    "Accept (Poster)": "ICLR 2021 Poster",
}

ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
FIRST_NAMES = ("Ada", "Alan", "Grace", "Emmy", "Kurt", "Sofia", "Chen", "Amara", "Ines", "Raj")
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "Noether", "Gödel", "Kovalevskaya", "Ning", "Okafor")
TOPICS = ("Sparse", "Robust", "Implicit", "Contrastive", "Equivariant", "Bayesian", "Neural")
THINGS = ("Transformers", "Flows", "Kernels", "Policies", "Graphs", "Representations", "Operators")


def pdf_path(forum: str) -> str:
    """A ``/pdf/<40 hex>.pdf`` content value, as OpenReview names its PDFs by sha1."""
    return f"/pdf/{sha1(forum.encode()).hexdigest()}.pdf"


def note_id(venue: str, year: int, index: int) -> str:
    """A note id in the site's alphabet, as long as the era's (9 chars in 2018, 11 in 2021...)."""
    length = 13 if year == 2013 else 9 if year <= 2019 else 10 if year == 2020 else 11
    if plan_for(venue, year).api == API_V2:
        length = 10
    digest = sha1(f"{venue}/{year}/{index}".encode()).digest()
    return "".join(ID_ALPHABET[byte % 64] for byte in digest[:length])


def make_submissions(
    venue: str, year: int, verdicts: Mapping[str | None, int], seed: int = 0
) -> list[Submission]:
    """Submissions with ``verdicts[v]`` notes of each verdict, shuffled as a real listing is."""
    plan = [verdict for verdict, count in verdicts.items() for _ in range(count)]
    random.Random(seed).shuffle(plan)
    out = []
    for index, verdict in enumerate(plan):
        forum = note_id(venue, year, index)
        rng = random.Random(f"{venue}{year}{index}")
        title = f"{rng.choice(TOPICS)} {rng.choice(THINGS)} for {venue} {year}, Study {index + 1}"
        authors = tuple(
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 4))
        )
        out.append(Submission(forum, index + 1, title, authors, verdict, pdf_path(forum)))
    return out


def write_openreview_year(
    root: Path, venue: str, year: int, submissions: Sequence[Submission]
) -> list[str | None]:
    """Write the notes query of one venue-year, page by page; return each submission's PDF URL.

    The pages hold every submission the query lists (for API v2 that is the accepted ones only:
    pass only those), in order, ``PAGE_SIZE`` a page, each with ``count`` the whole query's.
    """
    notes = [submission_note(venue, year, submission) for submission in submissions]
    for offset in range(0, max(len(notes), 1), PAGE_SIZE):
        write_page(root, venue, year, offset, notes[offset : offset + PAGE_SIZE], len(notes))
    # An OpenReview path is served by the site; an absolute link (ICLR 2013's arXiv) as it is.
    return [SITE + s.pdf if s.pdf and s.pdf.startswith("/") else s.pdf for s in submissions]


def write_page(
    root: Path, venue: str, year: int, offset: int, notes: Sequence[Json], count: int
) -> Path:
    """Write one page of a venue-year's query as the API sends it; return the mirror file."""
    page = {"notes": list(notes), "count": count}
    text = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
    return write_mirror_file(root, listing_url(venue, year, offset), text.encode("utf-8"))


def submission_note(venue: str, year: int, submission: Submission) -> Json:
    """The note of one submission, with the fields and verdict placement of its venue-year."""
    plan = plan_for(venue, year)
    if plan.api == API_V2:
        return _v2_note(venue, year, plan, submission)
    content = _content(venue, year, submission)
    rule = plan.rule
    if isinstance(rule, ContentVerdict) and submission.verdict is not None:
        content[rule.field] = submission.verdict
        if rule.field == "venue":  # v1 puts the bare venue path on every note, rejected or not
            content["venueid"] = plan.group
    elif (venue, year) == ("ICLR", 2021) and submission.verdict in VENUE_2021:
        content["venue"] = VENUE_2021[submission.verdict]
        content["venueid"] = plan.group
    note = _v1_fields(venue, year, plan, submission, _ordered(content, venue, year))
    if isinstance(rule, ReplyVerdict):
        note["details"] = {"directReplies": _replies(year, rule, submission)}
    return note


def _v1_fields(venue: str, year: int, plan: Plan, submission: Submission, content: Json) -> Json:
    created = _stamp(year, 0) + submission.number * 1000
    invitation = plan.query.split("&")[0].removeprefix("invitation=")
    legacy = year in (2013, 2017)  # authored notes, before the blind-submission system
    fields: Json = {
        "id": submission.forum,
        "original": note_id(venue, year, -submission.number),
        "number": submission.number,
        "cdate": created,
        "mdate": None,
        "ddate": None,
        "tcdate": created,
        "tmdate": created + 86_400_000,
        "tddate": None,
        "forum": submission.forum,
        "replyto": None,
        "invitation": invitation,
        "content": content,
        "signatures": [_profile(submission)] if legacy else [plan.group],
        "readers": ["everyone"],
        "nonreaders": [],
        "writers": [] if legacy else [plan.group],
        "pdate": submission.published or _stamp(year, 1),
        "odate": created + 3_600_000,
        "active": True,
        "legacy_migration": True,
    }
    keys = V1_NOTE_KEYS.get((venue, year), NOTE_KEYS_VENUE)
    return {key: fields[key] for key in keys}


def _v2_note(venue: str, year: int, plan: Plan, submission: Submission) -> Json:
    group = plan.group
    paper = f"{group}/{'Paper' if venue == 'TMLR' else 'Submission'}{submission.number}"
    content = _content(venue, year, submission)
    content["venue"] = submission.verdict
    content["venueid"] = group
    invitations = [f"{group}/-/Submission", f"{group}/-/Post_Submission", f"{paper}/-/Revision"]
    invitations += [f"{group}/-/Edit", f"{paper}/-/Camera_Ready_Revision"]
    if venue == "TMLR":  # the journal's accepted papers also pass its acceptance invitation
        content["certifications"] = []
        invitations.append("TMLR/-/Accepted")
    created = _stamp(year, 0) + submission.number * 1000
    published = submission.published or _stamp(year, 1)
    wrapped = {key: {"value": value} for key, value in _ordered(content, venue, year).items()}
    fields: Json = {
        "content": wrapped,
        "id": submission.forum,
        "forum": submission.forum,
        "signatures": [f"{paper}/Authors"],
        "readers": ["everyone"],
        "writers": [group, f"{paper}/Authors"],
        "number": submission.number,
        "odate": created + 3_600_000,
        "invitations": invitations,
        "domain": group,
        "tcdate": created,
        "cdate": created,
        "tmdate": published + 60_000,
        "mdate": published + 60_000,
        "pdate": published,
        "version": 2,
    }
    return {key: fields[key] for key in NOTE_KEYS_V2}


def _replies(year: int, rule: ReplyVerdict, submission: Submission) -> list[Json]:
    """A review and, once decided, the decision note: replies as the API nests them."""
    number = submission.number
    review_content = (
        {key: "" for key in REVIEW_2020_KEYS}
        if year == 2020
        else {"title": "", "review": "", "rating": "", "confidence": ""}
    )
    review_content.update(title="Official Review", rating="6: Marginally above acceptance")
    review_content["review"] = f"The paper {submission.title!r} is clearly written."
    replies = [
        _reply(year, submission, 1, REVIEW_INVITATIONS[year].format(number=number), review_content)
    ]
    if submission.verdict is not None:
        title, extra, signer = DECISION_NOTES[year]
        decision = {"title": title, rule.field: submission.verdict}
        decision.update({key: "The reviewers agree." for key in extra})
        invitation = rule.invitation.format(number=number)
        replies.append(_reply(year, submission, 2, invitation, decision, signer))
    return replies


def _reply(
    year: int,
    submission: Submission,
    index: int,
    invitation: str,
    content: Json,
    signer: str = "Paper{number}/AnonReviewer1",
) -> Json:
    group = f"ICLR.cc/{year}/Conference"
    signature = f"{group}/{signer.format(number=submission.number)}"
    created = _stamp(year, 1) + submission.number * 1000 + index
    fields: Json = {
        "id": note_id("ICLR", year, -(submission.number * 10 + index)),
        "original": None,
        "number": index,
        "cdate": created,
        "ddate": None,
        "tcdate": created,
        "tmdate": created,
        "tddate": None,
        "forum": submission.forum,
        "replyto": submission.forum,
        "invitation": invitation,
        "content": content,
        "signatures": [signature],
        "readers": ["everyone"],
        "nonreaders": [],
        "writers": [signature],
    }
    return {key: fields[key] for key in REPLY_KEYS}


def _content(venue: str, year: int, submission: Submission) -> Json:
    """Every content value of the year's submission form, filled with the project's own text."""
    last = submission.authors[0].split()[-1].lower() if submission.authors else "anonymous"
    slug = "_".join(re.findall(r"[a-z0-9]+", submission.title.lower())[:6])
    values: Json = {
        "title": submission.title,
        "authors": list(submission.authors),
        "authorids": [f"~{name.replace(' ', '_')}1" for name in submission.authors],
        "abstract": f"We study {submission.title.lower()} and report what we find.",
        "keywords": [],
        "conflicts": [],
        "paperhash": f"{last}|{slug}",
        "_bibtex": (
            f"@inproceedings{{\n{last}{year}{slug.split('_')[0]},\n"
            f"title={{{submission.title}}},\nauthor={{{' and '.join(submission.authors)}}},\n"
            f"year={{{year}}},\nurl={{{SITE}/forum?id={submission.forum}}}\n}}"
        ),
        "code": f"https://github.com/{last}/{slug.replace('_', '-')}",
        "supplementary_material": f"/attachment/{sha1(slug.encode()).hexdigest()}.zip",
        "original_pdf": f"/attachment/{sha1(submission.forum.encode()).hexdigest()}.pdf",
    }
    if submission.pdf is not None:
        values["pdf"] = submission.pdf
    keys = CONTENT_KEYS[(venue, year)]
    # Verdict fields are placed by the caller; a missing pdf stays missing.
    skipped = {"decision", "venue", "venueid", "pdf"}
    content = {key: values.get(key, "") for key in keys if key not in skipped}
    if "pdf" in values:
        content["pdf"] = values["pdf"]
    return content


def _ordered(content: Json, venue: str, year: int) -> Json:
    """The content in the year's key order (keys the caller added keep theirs)."""
    order = {key: index for index, key in enumerate(CONTENT_KEYS[(venue, year)])}
    return dict(sorted(content.items(), key=lambda item: order.get(item[0], len(order))))


def _profile(submission: Submission) -> str:
    first = submission.authors[0] if submission.authors else "Anonymous Author"
    return f"~{first.replace(' ', '_')}1"


def _stamp(year: int, phase: int) -> int:
    """Epoch ms of the year's submissions (phase 0, the autumn before) or decisions (phase 1)."""
    moment = datetime(year - 1, 9, 27) if phase == 0 else datetime(year, 1, 28)
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)

"""OpenReview (openreview.net): ICLR, NeurIPS from 2021 and TMLR, read from the venues' own notes.

Two APIs hold them. API v1 (``api.openreview.net``) keeps ICLR 2013-2023 and NeurIPS 2021-2022,
with bare content values (``"title": "..."``); API v2 (``api2.openreview.net``) keeps ICLR 2024+,
NeurIPS 2023+ and TMLR, with wrapped ones (``"title": {"value": "..."}``). Both answer
``GET /notes?...&offset=O&limit=1000`` with ``{"notes": [...], "count": N}``; 1000 is the most a
page may hold. Every page's note ids and ``count`` go to collect, which proves the query whole.

Only accepted papers count, and each era says which they are in its own way (``PLANS``):

- API v2: the query ``content.venueid=V`` lists accepted papers only (rejected, withdrawn and
  desk-rejected ones carry ``V/Rejected_Submission`` and so on); ``content.venue`` names the
  presentation ("ICLR 2024 oral", "ICLR 2025 Spotlight"). TMLR publishes all year round, so its
  year is that of a note's publication date ``pdate``.
- ICLR 2013: ``content.decision`` on the submission ("conferencePoster-iclr2013-conference").
- ICLR 2017, 2022, 2023 and NeurIPS 2021-2022: ``content.venue`` on the submission ("ICLR 2022
  Spotlight" or "ICLR 2022 Submitted"). Their ``content.venueid`` is set on rejected papers too,
  so it proves nothing.
- ICLR 2018-2021: a separate decision note among the submission's replies, asked for with
  ``details=directReplies``: 2018 ``-/Acceptance_Decision``, 2019 the meta-review's
  ``recommendation``, 2020 and 2021 ``Paper<N>/-/Decision``.

Years OpenReview does not hold with decisions are not offered: ICLR 2014 (its submissions carry
"submitted, no decision"), 2015 (no group at all) and 2016 (the workshop track only); NeurIPS
before 2021 (the proceedings are its source) and 2026 (no main-track note public when checked);
TMLR 2026 (a year still running).

Verdict strings are matched exactly against the year's vocabulary. A string the year does not
know ends the parse with a ListingError, as a changed page layout would: a census must not guess
whether a paper was accepted.

Missing fields: a note without a content object is skipped (nothing says what it is; its id still
counts towards the query's total); an accepted note without a title is kept with an empty title,
and one without a PDF with ``pdf_url=None``, so the counts stay whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from fwcensus.errors import SourceError
from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text

API_V1 = "https://api.openreview.net"
API_V2 = "https://api2.openreview.net"
SITE = "https://openreview.net"
# OpenReview API v2 answers with "ratelimit-policy: 500;w=3600" (500 requests an hour).
HOSTS = (
    Host(urlsplit(API_V1).netloc, api=(f"{API_V1}/",)),
    Host(urlsplit(API_V2).netloc, api=(f"{API_V2}/",), rate=500 / 3600),
    Host(urlsplit(SITE).netloc),  # the PDFs
)
PAGE_SIZE = 1000  # the most the API gives per page: a larger limit is refused
PRESENTATIONS = frozenset({"oral", "spotlight", "poster"})
ARXIV_ABS = re.compile(r"^https?://arxiv\.org/abs/([^/?#]+?)(?:v\d+)?$")

Note = Mapping[str, Any]


@dataclass(frozen=True)
class Accepted:
    presentation: str | None = None  # "oral", "spotlight", "poster" where the venue says


class NoteProblem(SourceError):
    """A note this parser cannot judge; ``parse`` reports it as a ListingError of its page."""


class Rule(Protocol):
    def judge(self, note: Note, content: Note, year: int) -> Accepted | None:
        """The note's acceptance for ``year``, or None when it is not an accepted paper of it."""
        ...


@dataclass(frozen=True)
class Vocabulary:
    """Every verdict string a venue-year uses: the accepting ones with their presentation."""

    accepted: Mapping[str, str | None]
    other: frozenset[str]  # rejections, workshop invitations, "Submitted to ..."

    def judge(self, value: object, where: str) -> Accepted | None:
        if value is None or value == "":
            return None  # no verdict (yet): not an accepted paper
        if isinstance(value, str) and value in self.accepted:
            return Accepted(self.accepted[value])
        if isinstance(value, str) and value in self.other:
            return None
        raise NoteProblem(f"{where} is {value!r}, a verdict this venue-year does not use")


@dataclass(frozen=True)
class ContentVerdict:
    """The verdict is a field of the submission itself (``decision`` in 2013, later ``venue``)."""

    field: str
    vocabulary: Vocabulary

    def judge(self, note: Note, content: Note, year: int) -> Accepted | None:
        return self.vocabulary.judge(content.get(self.field), f"note {note['id']} {self.field}")


@dataclass(frozen=True)
class ReplyVerdict:
    """The verdict is a note replying to the submission, as ``details.directReplies`` lists it."""

    invitation: str  # "{number}" stands for the submission's number
    field: str
    vocabulary: Vocabulary

    def judge(self, note: Note, content: Note, year: int) -> Accepted | None:
        details = note.get("details")
        replies = details.get("directReplies") if isinstance(details, dict) else None
        if not isinstance(replies, list):
            raise NoteProblem(f"note {note['id']} has no details.directReplies to read")
        invitation = self.invitation.format(number=note.get("number"))
        for reply in replies:
            if not isinstance(reply, dict) or reply.get("invitation") != invitation:
                continue
            if reply.get("replyto") != note["id"]:  # a decision belongs to the submission itself
                continue
            reply_content = reply.get("content")
            value = reply_content.get(self.field) if isinstance(reply_content, dict) else None
            return self.vocabulary.judge(value, f"decision {reply.get('id')} {self.field}")
        return None  # undecided (or never decided): not an accepted paper


@dataclass(frozen=True)
class QueriedVenue:
    """API v2: ``content.venueid=V`` lists accepted papers only; every note must say V."""

    venueid: str
    by_publication_year: bool = False  # a journal's year is that of each paper's publication

    def judge(self, note: Note, content: Note, year: int) -> Accepted | None:
        found = content.get("venueid")
        if found != self.venueid:
            raise NoteProblem(
                f"note {note['id']} has venueid {found!r}, not the queried {self.venueid!r}"
            )
        if self.by_publication_year and _publication_year(note) != year:
            return None
        return Accepted(_presentation(content.get("venue")))


@dataclass(frozen=True)
class Plan:
    """How one venue-year is read: which API, which notes query, and how its verdicts read."""

    api: str
    query: str  # the notes filter, before the paging parameters
    rule: Rule
    group: str  # the venue's OpenReview group, whose page people read


ACCEPT = {"Accept (Oral)": "oral", "Accept (Spotlight)": "spotlight", "Accept (Poster)": "poster"}
REJECT = frozenset({"Reject"})


def _iclr(year: int) -> str:
    return f"ICLR.cc/{year}/Conference"


def _neurips(year: int) -> str:
    return f"NeurIPS.cc/{year}/Conference"


def _by_venue_label(
    group: str, accepted: Mapping[str, str | None], other: set[str], blind: bool = True
) -> Plan:
    """A v1 year whose submissions carry their verdict in ``content.venue``."""
    listing = f"{group}/-/Blind_Submission" if blind else f"{group}/-/submission"
    rule = ContentVerdict("venue", Vocabulary(accepted, frozenset(other)))
    return Plan(API_V1, f"invitation={listing}", rule, group)


def _by_decision_note(
    year: int,
    invitation: str,
    field: str,
    accepted: Mapping[str, str],
    other: frozenset[str] = REJECT,
) -> Plan:
    """An ICLR year whose verdicts are decision notes replying to each blind submission."""
    rule = ReplyVerdict(invitation, field, Vocabulary(accepted, other))
    query = f"invitation={_iclr(year)}/-/Blind_Submission&details=directReplies"
    return Plan(API_V1, query, rule, _iclr(year))


def _v2(group: str, by_publication_year: bool = False) -> Plan:
    return Plan(API_V2, f"content.venueid={group}", QueriedVenue(group, by_publication_year), group)


def _labels(prefix: str, *kinds: str) -> dict[str, str]:
    return {f"{prefix} {kind}": kind.lower() for kind in kinds}


ICLR_2013 = "ICLR.cc/2013/conference"
ICLR_2017 = "ICLR.cc/2017/conference"

PLANS: dict[tuple[str, int], Plan] = {
    ("ICLR", 2013): Plan(
        API_V1,
        f"invitation={ICLR_2013}/-/submission",
        ContentVerdict(
            "decision",
            Vocabulary(
                {
                    "conferenceOral-iclr2013-conference": "oral",
                    "conferencePoster-iclr2013-conference": "poster",
                },
                # the 2013 workshop track shared the listing; it is not the conference
                frozenset(
                    {
                        "conferenceOral-iclr2013-workshop",
                        "conferencePoster-iclr2013-workshop",
                        "reject",
                    }
                ),
            ),
        ),
        ICLR_2013,
    ),
    ("ICLR", 2017): _by_venue_label(
        ICLR_2017,
        _labels("ICLR 2017", "Oral", "Poster"),
        {"ICLR 2017 Invite to Workshop", "Submitted to ICLR 2017"},
        blind=False,
    ),
    ("ICLR", 2018): _by_decision_note(
        2018,
        "ICLR.cc/2018/Conference/-/Acceptance_Decision",
        "decision",
        {"Accept (Oral)": "oral", "Accept (Poster)": "poster"},
        REJECT | {"Invite to Workshop Track"},  # invited to the workshop, not the conference
    ),
    ("ICLR", 2019): _by_decision_note(
        2019,
        "ICLR.cc/2019/Conference/-/Paper{number}/Meta_Review",
        "recommendation",
        {"Accept (Oral)": "oral", "Accept (Poster)": "poster"},
    ),
    ("ICLR", 2020): _by_decision_note(
        2020,
        "ICLR.cc/2020/Conference/Paper{number}/-/Decision",
        "decision",
        # 2020 called its orals talks
        {"Accept (Talk)": "oral", "Accept (Spotlight)": "spotlight", "Accept (Poster)": "poster"},
    ),
    ("ICLR", 2021): _by_decision_note(
        2021, "ICLR.cc/2021/Conference/Paper{number}/-/Decision", "decision", ACCEPT
    ),
    ("ICLR", 2022): _by_venue_label(
        _iclr(2022), _labels("ICLR 2022", "Oral", "Spotlight", "Poster"), {"ICLR 2022 Submitted"}
    ),
    ("ICLR", 2023): _by_venue_label(
        _iclr(2023),
        # 2023 ranked its papers instead of naming talks: top 5% were orals, top 25% spotlights
        {
            "ICLR 2023 notable top 5%": "oral",
            "ICLR 2023 notable top 25%": "spotlight",
            "ICLR 2023 poster": "poster",
        },
        {"Submitted to ICLR 2023"},
    ),
    **{("ICLR", year): _v2(_iclr(year)) for year in (2024, 2025, 2026)},
    ("NeurIPS", 2021): _by_venue_label(
        _neurips(2021),
        _labels("NeurIPS 2021", "Oral", "Spotlight", "Poster"),
        {"NeurIPS 2021 Submitted"},
    ),
    ("NeurIPS", 2022): _by_venue_label(
        _neurips(2022), {"NeurIPS 2022 Accept": None}, {"NeurIPS 2022 Submitted"}
    ),
    **{("NeurIPS", year): _v2(_neurips(year)) for year in (2023, 2024, 2025)},
    **{("TMLR", year): _v2("TMLR", by_publication_year=True) for year in range(2022, 2026)},
}


def plan_for(venue: str, year: int) -> Plan:
    plan = PLANS.get((venue, year))
    if plan is None:
        raise ValueError(f"OpenReview has no accepted papers of {venue} {year}")
    return plan


def listing_url(venue: str, year: int, offset: int) -> str:
    """The real notes query of one venue-year, at one page; parameters in a fixed order."""
    plan = plan_for(venue, year)
    return f"{plan.api}/notes?{plan.query}&offset={offset}&limit={PAGE_SIZE}"


class OpenReviewSource:
    name = "openreview"
    hosts = HOSTS
    in_all = True

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        years: dict[str, list[int]] = {}
        for venue, year in PLANS:
            years.setdefault(venue, []).append(year)
        return {venue: tuple(sorted(found)) for venue, found in years.items()}

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        return [_request(venue, year, 0)]

    def official_url(self, venue: str, year: int) -> str:
        return f"{SITE}/group?id={plan_for(venue, year).group}"

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        plan = plan_for(request.venue, request.year)
        notes, count = _envelope(body, final_url)
        papers = []
        for note in notes:
            try:
                paper = _paper(request, plan, note)
            except NoteProblem as exc:
                raise ListingError(final_url, str(exc)) from exc
            if paper is not None:
                papers.append(paper)
        offset = int(request.meta["offset"])
        # The next page starts after the notes this one really held, so a server that pages by
        # fewer than the limit is still read whole; an empty page ends the query.
        follow: tuple[ListingRequest, ...] = ()
        if notes and offset + len(notes) < count:
            follow = (_request(request.venue, request.year, offset + len(notes)),)
        return ListingPage(
            papers=tuple(papers),
            follow=follow,
            record_ids=tuple(str(note["id"]) for note in notes),
            total=count,
        )


def _request(venue: str, year: int, offset: int) -> ListingRequest:
    return ListingRequest(
        listing_url(venue, year, offset),
        venue,
        year,
        chain=plan_for(venue, year).query,
        meta={"offset": offset},
    )


def _envelope(body: bytes, url: str) -> tuple[list[Note], int]:
    """The page's notes and the total its query announces, or a ListingError saying what lacks."""
    text = decode_text(body)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        # Anonymous clients now get a browser-check page with status 200 instead of notes.
        kind = ": an HTML page (a login or browser check?)" if text.lstrip().startswith("<") else ""
        raise ListingError(url, f"the answer is not JSON{kind}") from None
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise ListingError(url, "no 'notes' list in the JSON answer")
    count = data.get("count")
    if not isinstance(count, int) or isinstance(count, bool):
        raise ListingError(url, "no 'count' in the JSON answer: the query cannot be proved whole")
    notes = data["notes"]
    for index, note in enumerate(notes):
        if not isinstance(note, dict) or not isinstance(note.get("id"), str):
            raise ListingError(url, f"note {index} of the page has no 'id'")
    return notes, count


def _paper(request: ListingRequest, plan: Plan, note: Note) -> Paper | None:
    content = note.get("content")
    if not isinstance(content, dict):
        return None  # nothing says what this note is: skipped, its id still counted
    if plan.api == API_V2:
        content = _unwrap(content)
    accepted = plan.rule.judge(note, content, request.year)
    if accepted is None:
        return None
    forum = str(note.get("forum") or note["id"])
    pdf_url, arxiv_id = _pdf(content.get("pdf"))
    return Paper(
        source=OpenReviewSource.name,
        source_id=forum,
        venue=request.venue,
        year=request.year,
        title=_clean(content.get("title")),
        authors=_authors(content.get("authors")),
        pdf_url=pdf_url,
        page_url=f"{SITE}/forum?id={forum}",
        arxiv_id=arxiv_id,
        presentation=accepted.presentation,
        code_urls=_code(content.get("code")),
    )


def _unwrap(content: Note) -> dict[str, Any]:
    """API v2 wraps each value as ``{"value": ...}``; a field without a value is left out."""
    return {
        key: field["value"]
        for key, field in content.items()
        if isinstance(field, dict) and "value" in field
    }


def _pdf(value: object) -> tuple[str | None, str | None]:
    """The PDF URL and arXiv id a note's ``pdf`` field gives.

    OpenReview keeps its PDFs at ``/pdf/<sha1>.pdf``; ICLR 2013 pointed at arXiv abstract pages,
    whose PDF is the same id under ``/pdf/``.
    """
    if not isinstance(value, str) or not value.strip():
        return None, None
    value = value.strip()
    if value.startswith("/"):
        return SITE + value, None
    match = ARXIV_ABS.match(value)
    if match:
        return f"https://arxiv.org/pdf/{match.group(1)}", match.group(1)
    return (value, None) if value.startswith(("https://", "http://")) else (None, None)


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # some 2017 notes hold the author list as one string
        value = re.split(r",|\band\b", value)
    if not isinstance(value, list):
        return ()
    return tuple(name for name in (_clean(item) for item in value) if name)


def _code(value: object) -> tuple[str, ...]:
    # Only a plain link is the authors' code; later years fill the field with Markdown badges.
    link = _clean(value)
    return (link,) if link.startswith(("https://", "http://")) and " " not in link else ()


def _presentation(venue: object) -> str | None:
    words = venue.split() if isinstance(venue, str) else []
    return words[-1].lower() if words and words[-1].lower() in PRESENTATIONS else None


def _publication_year(note: Note) -> int:
    pdate = note.get("pdate")
    if not isinstance(pdate, int) or isinstance(pdate, bool):
        raise NoteProblem(f"note {note['id']} has no pdate: its year of publication is unknown")
    return datetime.fromtimestamp(pdate / 1000, tz=UTC).year


def _clean(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""

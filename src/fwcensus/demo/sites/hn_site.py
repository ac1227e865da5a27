"""Write HN Search API (Algolia) answers for "Who is hiring?" threads into a mirror folder.

Structures are those recorded in shared/fixtures-real/signals/hn-algolia (PROVENANCE.md there:
ryanwi/hiringtrends @ b300bbc, cassettes of 2023-09-25):

- the thread list, ``search_by_date?page=N&query=hiring&tags=...``: ``hits`` of 20 stories
  (``created_at``, ``title``, ``url``, ``author``, ``points``, ``story_text`` as HTML with
  entities, ``num_comments``, ``created_at_i``, ``_tags``, ``objectID``, ``_highlightResult``)
  newest first, with ``nbHits``, ``page``, ``nbPages``, ``hitsPerPage``, ``exhaustive*``,
  ``query``, ``params`` and timings; the page after the last is empty with ``page == nbPages``;
- a thread, ``items/{id}``: the story (``id``, ``created_at``, ``created_at_i``, ``type``,
  ``author``, ``title``, ``url``, ``text``, ``points``, ``parent_id``, ``story_id``,
  ``children``, ``options``) with its comments nested in ``children``, each in the same shape.

Not recorded, from the HN API's clients: a deleted comment keeps its place with ``author``,
``text`` and ``points`` null. Companies, posts and numbers are synthetic.
"""

from __future__ import annotations

import bisect
import calendar
import html
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.base import month_of, months_between
from fwcensus.signals.hn_jobs import item_url, list_url
from fwcensus.signals.targets import Target

AUTHOR = "whoishiring"
PER_PAGE = 20
FIRST_THREAD = "2011-04"  # the account's first monthly thread
_BOILERPLATE = (
    "Please state the location and include REMOTE, INTERNS and&#x2F;or VISA when that sort of"
    " candidate is welcome.<p>Please only post if you personally are part of the hiring"
    " company. One post per company. If it isn&#x27;t a household name, explain what your"
    " company does."
)


@dataclass(frozen=True)
class JobPost:
    text: str | None  # HTML as HN stores it; None: a deleted post
    replies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    """A story of the whoishiring account as the thread list shows it."""

    object_id: int
    title: str
    posted: datetime
    comments: int = 0


@dataclass(frozen=True)
class HiringThread:
    month: str  # YYYY-MM
    object_id: int
    posts: tuple[JobPost, ...]
    title: str | None = None  # None: the usual "Ask HN: Who is hiring? (Month YYYY)"
    posted: datetime | None = None  # None: the month's first day, 15:00 UTC

    def story(self) -> Story:
        year, month = int(self.month[:4]), int(self.month[5:])
        return Story(
            self.object_id,
            self.title or f"Ask HN: Who is hiring? ({calendar.month_name[month]} {year})",
            self.posted or datetime(year, month, 1, 15, 0, 25, tzinfo=UTC),
            sum(1 + len(post.replies) for post in self.posts),
        )


def posts(*texts: str | None) -> tuple[JobPost, ...]:
    return tuple(JobPost(text) for text in texts)


def write_threads(
    root: Path, threads: Sequence[HiringThread], others: Sequence[Story] = (),
    per_page: int = PER_PAGE,
) -> None:  # fmt: skip
    """The thread list (with ``others``, stories that are no monthly thread) and every thread."""
    write_thread_list(root, [t.story() for t in threads] + list(others), per_page)
    for thread in threads:
        write_thread(root, thread)


def write_thread_list(root: Path, stories: Sequence[Story], per_page: int = PER_PAGE) -> None:
    newest_first = sorted(stories, key=lambda s: s.posted, reverse=True)
    pages = -(-len(newest_first) // per_page)
    for page in range(pages + 1):  # and the empty page after the last
        hits = newest_first[page * per_page : (page + 1) * per_page]
        write_json_answer(root, list_url(page), _list_page(hits, page, pages, len(stories)))


def _list_page(hits: Sequence[Story], page: int, pages: int, total: int) -> dict[str, Any]:
    tags = "story%2C%28author__whoishiring%2C+author_whoishiring%29"
    return {
        "hits": [_hit(story) for story in hits],
        "nbHits": total,
        "page": page,
        "nbPages": pages,
        "hitsPerPage": PER_PAGE,
        "exhaustiveNbHits": False,
        "exhaustiveTypo": False,
        "exhaustive": {"nbHits": False, "typo": False},
        "query": "hiring",
        "params": "advancedSyntax=true&analytics=true&analyticsTags=backend"
        f"&page={page}&query=hiring&tags={tags}",
        "processingTimeMS": 3,
        "processingTimingsMS": {"_request": {"roundTrip": 15}, "total": 3},
        "serverTimeMS": 4,
    }


def _hit(story: Story) -> dict[str, Any]:
    highlighted = html.unescape(_BOILERPLATE).replace("hiring", "<em>hiring</em>")
    return {
        "created_at": _iso(story.posted),
        "title": story.title,
        "url": None,
        "author": AUTHOR,
        "points": _points(story),
        "story_text": _BOILERPLATE,
        "comment_text": None,
        "num_comments": story.comments,
        "story_id": None,
        "story_title": None,
        "story_url": None,
        "parent_id": None,
        "created_at_i": int(story.posted.timestamp()),
        "_tags": ["story", f"author_{AUTHOR}", f"story_{story.object_id}", "ask_hn"],
        "objectID": str(story.object_id),
        "_highlightResult": {
            "title": _highlight(story.title.replace("hiring", "<em>hiring</em>"), "full"),
            "author": {"value": AUTHOR, "matchLevel": "none", "matchedWords": []},
            "story_text": _highlight(highlighted, "full"),
        },
    }


def _highlight(value: str, level: str) -> dict[str, Any]:
    return {"value": value, "matchLevel": level, "fullyHighlighted": False,
            "matchedWords": ["hiring"]}  # fmt: skip


def write_thread(root: Path, thread: HiringThread) -> None:
    story = thread.story()
    children, next_id = [], thread.object_id + 1
    for number, post in enumerate(thread.posts):
        when = story.posted + timedelta(minutes=3 * number + 1)
        replies: list[dict[str, Any]] = []
        for reply in post.replies:
            replies.append(_item(next_id + 1 + len(replies), when, reply, next_id, story))
        children.append(_item(next_id, when, post.text, thread.object_id, story, replies))
        next_id += 1 + len(replies)
    body = {
        **_item(thread.object_id, story.posted, _BOILERPLATE, None, story, children),
        "type": "story",
        "author": AUTHOR,
        "title": story.title,
        "url": "",
        "points": _points(story),
        "story_id": None,
    }
    write_json_answer(root, item_url(thread.object_id), body)


def _item(
    item_id: int, when: datetime, text: str | None, parent: int | None, story: Story,
    children: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": item_id,
        "created_at": _iso(when),
        "created_at_i": int(when.timestamp()),
        "type": "comment",
        "author": None if text is None else f"user{item_id % 9973}",
        "title": None,
        "url": None,
        "text": text,
        "points": None if text is None else 1 + item_id % 40,
        "parent_id": parent,
        "story_id": story.object_id,
        "children": list(children),
        "options": [],
    }


def _points(story: Story) -> int:
    return 300 + story.object_id % 200


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --- the demo's full history --------------------------------------------------------------

# Share of job posts naming each framework: (year as a number, share) points, linear between.
# TensorFlow appears late 2015 and peaks around 2018; PyTorch appears in 2017 and passes it
# around 2020; Keras rides along with TensorFlow; JAX and MLX are recent and small.
SHARES: dict[str, tuple[tuple[float, float], ...]] = {
    "tensorflow": ((2015.8, 0.0), (2016.5, 0.02), (2018.5, 0.055), (2021.0, 0.04),
                   (2026.0, 0.022)),
    "pytorch": ((2017.0, 0.0), (2018.0, 0.012), (2020.5, 0.04), (2023.0, 0.065),
                (2026.0, 0.075)),
    "keras": ((2015.5, 0.0), (2017.0, 0.012), (2019.0, 0.015), (2026.0, 0.006)),
    "jax": ((2019.0, 0.0), (2021.0, 0.005), (2026.0, 0.012)),
    "mxnet": ((2016.0, 0.0), (2017.5, 0.005), (2020.0, 0.002), (2023.0, 0.0005)),
    "paddlepaddle": ((2017.0, 0.0), (2019.0, 0.0008), (2026.0, 0.0005)),
    "mindspore": ((2020.3, 0.0), (2022.0, 0.0005), (2026.0, 0.0005)),
    "mlx": ((2023.9, 0.0), (2024.5, 0.003), (2026.0, 0.006)),
}  # fmt: skip
OTHER_SHARE = 0.002  # a framework with no curve of its own
_COMPANIES = ("Acme Robotics", "Northwind Labs", "Globex", "Initech", "Hooli", "Vandelay AI",
              "Umbrella Health", "Stark Analytics", "Wayne Data", "Cyberdyne")  # fmt: skip
_ROLES = ("Senior Backend Engineer", "ML Engineer", "Data Scientist", "Full Stack Developer",
          "Research Engineer", "SRE", "Frontend Engineer", "Platform Engineer")  # fmt: skip
_PLACES = ("San Francisco, CA", "New York, NY", "Berlin", "London", "Remote (US)", "Toronto")
_STACK = ("Python", "Go", "TypeScript", "React", "Postgres", "Kubernetes", "Rust", "AWS")
_DISTRACTORS = ("Java&#x2F;JAX-RS", "Lua Torch", "tensor cores", "Jaxon framework")


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Every thread from the account's first (April 2011) to ``today``'s month, each with
    40-100 posts whose framework mentions follow ``SHARES``, and the account's two stories that
    are no monthly thread."""
    rng = random.Random(seed)
    names = [t.framework for t in targets if t["hn"]]
    threads, object_id = [], 2396027
    for month in months_between(FIRST_THREAD, month_of(today)):
        object_id += 200_000 + rng.randrange(60_000)
        count = rng.randint(40, 100)
        made = tuple(_sample_post(rng, month, names) for _ in range(count))
        threads.append(HiringThread(month, object_id, made))
    others = (
        Story(2391828, "Ask HN: Should we agree that this account will submit all Who is"
              " Hiring posts?", datetime(2011, 3, 31, 14, 56, 54, tzinfo=UTC), 12),
        Story(22665398, "Ask HN: Who is hiring right now?",
              datetime(2020, 3, 23, 16, 13, 49, tzinfo=UTC), 480),
    )  # fmt: skip
    write_threads(root, threads, [s for s in others if month_of(s.posted) <= month_of(today)])


def _sample_post(rng: random.Random, month: str, frameworks: Iterable[str]) -> JobPost:
    if rng.random() < 0.01:
        return JobPost(None)
    when = int(month[:4]) + (int(month[5:]) - 1) / 12
    stack = rng.sample(_STACK, 3)
    catalogue = load_catalogue()
    stack += [catalogue.framework(f).name for f in frameworks if rng.random() < _share(f, when)]
    if rng.random() < 0.03:
        stack.append(rng.choice(_DISTRACTORS))
    text = (
        f"{rng.choice(_COMPANIES)} | {rng.choice(_ROLES)} | {rng.choice(_PLACES)} | Full-time"
        f"<p>We build tools for {rng.choice(('logistics', 'health', 'finance', 'retail'))}."
        f" Stack: {', '.join(stack)}.<p>Apply: jobs@example.com"
    )
    replies = ("Is this role open to candidates in the EU?",) if rng.random() < 0.1 else ()
    return JobPost(text, replies)


def _share(framework: str, when: float) -> float:
    points = SHARES.get(framework)
    if points is None:
        return OTHER_SHARE
    years = [p[0] for p in points]
    at = bisect.bisect_right(years, when)
    if at == 0:
        return 0.0
    if at == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[at - 1], points[at]
    return y0 + (y1 - y0) * (when - x0) / (x1 - x0)

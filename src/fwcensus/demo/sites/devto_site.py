"""Write dev.to (Forem API v1) article listings into a mirror folder, in the real structure.

Each article has the fields, order and types of the 200-response example of ``GET
/api/articles`` in the Forem OpenAPI spec (shared/fixtures-real/signals/devto/
api_articles_openapi_example.json, forem/forem ``swagger/v1/api_v1.json``): ``type_of``, ``id``,
``readable_publish_date`` ("Jan 12", or "Jan 12 '22" before the current year, as the Article
model's ``short``/``short_with_yy`` formats give), ``tag_list`` as a list and ``tags`` as the
comma-separated string, ``user`` and an optional ``organization``. A tag's pages hold
``per_page`` articles by descending popularity (``public_reactions_count``) and end with an
empty array; with ``top`` only articles published in the last ``top`` days are listed, as
``ArticleApiIndexService`` does. An error is the ``{"error": ..., "status": ...}`` object.
URLs are the ``devto`` signal's own (``page_url``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fwcensus.demo.sites.stackexchange_site import framework_level, month_share
from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.base import month_of, months_between, next_month
from fwcensus.signals.devto import PER_PAGE, page_url
from fwcensus.signals.targets import Target

SITE = "https://dev.to"
SAMPLE_SINCE = "2015-01"
# dev.to articles per Stack Overflow question at the same interest, and the site's own growth.
SAMPLE_SCALE = 0.012
SITE_OPENED = "2017-01"
SITE_GROWN = "2021-01"
_WORDS = ("Training", "Deploying", "Debugging", "Scaling", "Profiling", "Porting", "Serving")
_SUBJECTS = ("a vision model", "transformers", "a recommender", "GANs", "an LLM", "time series")


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _readable(when: datetime, now: datetime) -> str:
    day = f"{when:%b} {when.day}"
    return day if when.year == now.year else f"{day} '{when:%y}"


def make_article(
    article_id: int,
    tags: Sequence[str],
    published_at: datetime,
    *,
    reactions: int = 0,
    comments: int = 0,
    organization: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One article of a listing, its fields in the order the API sends them."""
    title = f"{_WORDS[article_id % len(_WORDS)]} {_SUBJECTS[article_id % len(_SUBJECTS)]}"
    username = f"writer{article_id % 97}"
    slug = f"{title.lower().replace(' ', '-')}-{article_id:x}"
    url = f"{SITE}/{username}/{slug}"
    image = f"{SITE}/social_previews/article/{article_id}.png"
    article: dict[str, Any] = {
        "type_of": "article",
        "id": article_id,
        "title": title,
        "description": f"Notes from {title.lower()} with {tags[0]}.",
        "readable_publish_date": _readable(published_at, now or datetime.now(UTC)),
        "slug": slug,
        "path": f"/{username}/{slug}",
        "url": url,
        "comments_count": comments,
        "public_reactions_count": reactions,
        "collection_id": None,
        "published_timestamp": _stamp(published_at),
        "positive_reactions_count": reactions,
        "cover_image": None,
        "social_image": image,
        "canonical_url": url,
        "created_at": _stamp(published_at),
        "edited_at": None,
        "crossposted_at": None,
        "published_at": _stamp(published_at),
        "last_comment_at": _stamp(published_at),
        "reading_time_minutes": 3 + article_id % 9,
        "tag_list": list(tags),
        "tags": ", ".join(tags),
        "user": {
            "name": f"Writer {article_id % 97}",
            "username": username,
            "twitter_username": None,
            "github_username": username,
            "user_id": 1000 + article_id % 97,
            "website_url": None,
            "profile_image": f"{SITE}/uploads/user/profile_image/{article_id % 97}/a.png",
            "profile_image_90": f"{SITE}/uploads/user/profile_image/{article_id % 97}/a_90.png",
        },
    }
    if organization:
        article["organization"] = {
            "name": organization.title(),
            "username": organization,
            "slug": organization,
            "profile_image": f"{SITE}/uploads/organization/profile_image/{organization}.png",
            "profile_image_90": f"{SITE}/uploads/organization/profile_image/{organization}_90.png",
        }
    return article


def articles_for(
    tag: str,
    counts: Mapping[str, int],
    *,
    first_id: int = 1,
    seed: int = 0,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """``counts[month]`` articles tagged ``tag`` in each month, at seeded times in the month
    (never later than ``now``) and with seeded popularity."""
    rng = random.Random(f"devto:{tag}:{seed}")
    articles = []
    article_id = first_id
    for month, count in counts.items():
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
        end = datetime.strptime(next_month(month), "%Y-%m").replace(tzinfo=UTC)
        if now is not None:
            end = min(end, now)
        seconds = max(int((end - start).total_seconds()), 1)
        for _ in range(count):
            when = start + timedelta(seconds=rng.randrange(seconds))
            tags = [tag, *rng.sample(["python", "machinelearning", "ai", "tutorial"], 2)]
            org = "mlteam" if rng.random() < 0.2 else None
            articles.append(
                make_article(
                    article_id,
                    tags,
                    when,
                    reactions=int(rng.paretovariate(1.3)) - 1,
                    comments=rng.randrange(6),
                    organization=org,
                    now=now,
                )
            )
            article_id += 1
    return articles


def write_tag(
    root: Path,
    tag: str,
    articles: Sequence[dict[str, Any]],
    *,
    per_page: int = PER_PAGE,
    top: int | None = None,
    now: datetime | None = None,
) -> int:
    """The listing of ``tag``: pages of ``per_page`` by descending popularity, then an empty
    page. With ``top``, only articles published after ``now`` minus ``top`` days. Returns the
    number of pages written, the empty one included."""
    listed = list(articles)
    if top is not None:
        cutoff = _stamp((now or datetime.now(UTC)) - timedelta(days=top))
        listed = [a for a in listed if a["published_at"] > cutoff]
    listed.sort(key=lambda a: (-a["public_reactions_count"], a["id"]))
    chunks = [listed[i : i + per_page] for i in range(0, len(listed), per_page)]
    return write_pages(root, tag, [*chunks, []], per_page=per_page, top=top)


def write_pages(
    root: Path,
    tag: str,
    pages: Sequence[Sequence[dict[str, Any]]],
    *,
    per_page: int = PER_PAGE,
    top: int | None = None,
) -> int:
    """Exactly these pages, 1, 2, ... (e.g. an article that moved up a page while the listing
    was read); the caller ends them with an empty one. Returns the number of pages."""
    for page, chunk in enumerate(pages, start=1):
        write_json_answer(root, page_url(tag, page, per_page, top), list(chunk))
    return len(pages)


def site_growth(month: str) -> float:
    """dev.to's own size: nothing before it opened, growing until 2021, then steady."""
    if month < SITE_OPENED:
        return 0.02
    opened = months_between(SITE_OPENED, SITE_GROWN)
    return min(1.0, 0.15 + 0.85 * len(months_between(SITE_OPENED, month)) / len(opened))


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Full listings (no ``top``) of every dev.to tag of ``targets``, 2015-01 to ``today``."""
    rng = random.Random(f"devto-sample:{seed}")
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    first_id = 1
    for target in targets:
        for tag in target["devto"]:
            counts = {}
            for month in months_between(SAMPLE_SINCE, month_of(today)):
                level = framework_level(target.framework, month) * site_growth(month)
                expected = level * SAMPLE_SCALE * month_share(month, today)
                counts[month] = max(0, round(expected * rng.gauss(1.0, 0.15)))
            articles = articles_for(tag, counts, first_id=first_id, seed=seed, now=now)
            write_tag(root, tag, articles, now=now)
            first_id += len(articles)

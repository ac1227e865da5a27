"""Write GitHub's star answers into a mirror folder, in the structures of the real API.

* The repository object is ``github_site.repo_object`` (the shape of the recorded 2025 answer in
  shared/fixtures-real/github/) with its star count and creation date set. It is served at
  ``/repos/{owner}/{name}`` and at ``/repositories/{id}``, where a rename leads.
* A renamed repository answers 301 with ``Location: /repositories/{id}`` and GitHub's body
  (``github_site.write_renamed``).
* ``/stargazers/history`` follows shared/fixtures-real/signals/github-stars/PROVENANCE.md (the
  2026-09-04 changelog; no recorded body exists yet): a JSON array of weeks, newest first, each
  ``{"week": <unix seconds>, "total": <int>, "days": [7 ints]}``, 30 weeks a page. Pages after
  the first are named by the ``Link`` header as GitHub's pagination docs show it (prev, next,
  last, first; URLs by ``/repositories/{id}``); a history that fits one page has no Link.

Weeks start on Sunday 00:00 UTC, as GitHub's other weekly statistics do, and run from the week
of the first star to the week of ``today``. ``write_sample`` writes a seeded, plausible history
for every target repository for ``fwcensus demo``; all numbers and ids are synthetic.
"""

from __future__ import annotations

import calendar
import random
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from fwcensus.demo.sites.github_site import API, rate_headers, repo_object
from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.base import month_of, next_month
from fwcensus.signals.targets import Target

PER_PAGE = 30
_WEEK = timedelta(days=7)


def _write(root: Path, url: str, body: object, status: int = 200,
           headers: Mapping[str, str] | None = None) -> Path:  # fmt: skip
    return write_json_answer(root, url, body, status, {**rate_headers(4999), **(headers or {})})


def week_start(day: date) -> date:
    """The Sunday that starts ``day``'s week."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _unix(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def history_weeks(daily: Mapping[date, int], today: date) -> list[dict[str, object]]:
    """The history's weeks, newest first, from the week of the first star to today's week."""
    if any(count and day > today for day, count in daily.items()):
        raise ValueError("stars dated after today")
    starred = [day for day, count in daily.items() if count]
    if not starred:
        return []
    weeks, week, first = [], week_start(today), week_start(min(starred))
    while week >= first:
        days = [daily.get(week + timedelta(days=i), 0) for i in range(7)]
        weeks.append({"week": _unix(week), "total": sum(days), "days": days})
        week -= _WEEK
    return weeks


def history_page_url(full_name: str, repo_id: int, page: int) -> str:
    """Page 1 as a client asks for it; later pages as GitHub's Link header names them."""
    if page == 1:
        return f"{API}/repos/{full_name}/stargazers/history?per_page={PER_PAGE}"
    return f"{API}/repositories/{repo_id}/stargazers/history?per_page={PER_PAGE}&page={page}"


def _link(repo_id: int, page: int, last: int) -> dict[str, str]:
    def url(n: int) -> str:
        return f"{API}/repositories/{repo_id}/stargazers/history?per_page={PER_PAGE}&page={n}"

    rels = [(page - 1, "prev")] if page > 1 else []
    if page < last:
        rels += [(page + 1, "next"), (last, "last")]
    if page > 1:
        rels.append((1, "first"))
    return {"Link": ", ".join(f'<{url(n)}>; rel="{rel}"' for n, rel in rels)} if rels else {}


def write_history(
    root: Path, full_name: str, repo_id: int, daily: Mapping[date, int], today: date
) -> list[Path]:
    """Write the history pages of ``daily`` (stars per day); return their files, page 1 first."""
    weeks = history_weeks(daily, today)
    chunks = [weeks[i : i + PER_PAGE] for i in range(0, len(weeks), PER_PAGE)] or [[]]
    files = []
    for n, chunk in enumerate(chunks, 1):
        link = _link(repo_id, n, len(chunks))
        files.append(_write(root, history_page_url(full_name, repo_id, n), chunk, headers=link))
    return files


def write_repository(root: Path, full_name: str, repo_id: int, stars: int, created: date) -> None:
    owner, name = full_name.split("/")
    body = {
        **repo_object(owner, name, repo_id, "main"),
        "created_at": f"{created.isoformat()}T09:00:00Z",
        "stargazers_count": stars,
        "watchers_count": stars,
    }
    # Folder URLs: the history's pages live below both.
    for url in (f"{API}/repos/{full_name}/", f"{API}/repositories/{repo_id}/"):
        _write(root, url, body)


def write_stars(
    root: Path,
    full_name: str,
    repo_id: int,
    daily: Mapping[date, int],
    today: date,
    stars: int | None = None,
) -> list[Path]:
    """Write a repository (today's total: ``stars``, else the sum of ``daily``) and its
    history; return the history's page files."""
    total = sum(daily.values()) if stars is None else stars
    write_repository(root, full_name, repo_id, total, min(daily, default=today))
    return write_history(root, full_name, repo_id, daily, today)


def month_days(month: str, today: date) -> list[date]:
    """The days of ``month`` up to ``today``."""
    year, mon = int(month[:4]), int(month[5:7])
    days = [date(year, mon, d) for d in range(1, calendar.monthrange(year, mon)[1] + 1)]
    return [day for day in days if day <= today]


# -- the demo's sample ---------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """New stars a month: straight lines between knots (none before the first), plus the
    launches' bursts."""

    knots: Mapping[str, float]  # YYYY-MM -> stars, months in order
    bursts: Mapping[str, float] = field(default_factory=dict)

    def rate(self, month: str) -> float:
        at = _index(month)
        points = [(_index(m), r) for m, r in self.knots.items()]
        if at < points[0][0]:
            return 0.0
        base = points[-1][1]
        for (m0, r0), (m1, r1) in pairwise(points):
            if m0 <= at < m1:
                base = r0 + (r1 - r0) * (at - m0) / (m1 - m0)
                break
        return base + self.bursts.get(month, 0.0)


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


# Rough outlines of the real repositories' star gains (launches, TensorFlow's lead fading,
# PyTorch passing it in 2020-2021), not their data.
# fmt: off
SHAPES: dict[str, Shape] = {
    "tensorflow": Shape(
        {"2015-11": 3800, "2017-01": 3600, "2018-01": 3000, "2019-01": 2300, "2020-01": 1700,
         "2021-01": 1100, "2022-01": 800, "2024-01": 500, "2026-06": 350},
        {"2015-11": 15000, "2015-12": 3000},
    ),
    "pytorch": Shape(
        {"2016-09": 20, "2016-12": 60, "2017-01": 600, "2018-01": 750, "2019-01": 950,
         "2020-01": 1100, "2021-01": 1150, "2022-01": 1000, "2023-03": 1050, "2024-01": 850,
         "2026-06": 700},
        {"2017-01": 2500, "2017-02": 800},
    ),
    "keras": Shape(
        {"2015-03": 250, "2016-01": 900, "2017-06": 1300, "2018-06": 1100, "2020-01": 700,
         "2023-01": 400, "2026-06": 280},
        {"2015-03": 600},
    ),
    "jax": Shape(
        {"2018-11": 40, "2019-03": 250, "2020-06": 450, "2022-01": 650, "2024-01": 500,
         "2026-06": 420},
    ),
    "mxnet": Shape(
        {"2015-04": 120, "2016-06": 600, "2017-06": 480, "2019-01": 330, "2021-01": 150,
         "2023-09": 40, "2026-06": 15},
    ),
    "paddlepaddle": Shape(
        {"2016-08": 250, "2017-06": 280, "2020-06": 330, "2023-01": 240, "2026-06": 150},
        {"2016-09": 1800},
    ),
    "mindspore": Shape(
        {"2020-03": 250, "2021-06": 150, "2024-01": 60, "2026-06": 30}, {"2020-03": 900}
    ),
    "mlx": Shape(
        {"2023-12": 900, "2024-06": 850, "2025-06": 650, "2026-06": 500}, {"2023-12": 7000}
    ),
}
# fmt: on
DEFAULT_SHAPE = Shape({"2018-01": 100, "2026-06": 150})
_WEEKEND = 0.65  # fewer stars on Saturdays and Sundays
_NOISE = 0.12  # month-to-month wobble (sigma of a log-normal factor)


def sample_id(full_name: str) -> int:
    """A stable synthetic repository id."""
    return 10_000_000 + zlib.crc32(full_name.lower().encode()) % 900_000_000


def sample_days(shape: Shape, today: date, rng: random.Random) -> dict[date, int]:
    """Stars per day drawn around ``shape``; the month of ``today`` only up to today."""
    daily: Counter[date] = Counter()
    month = next(iter(shape.knots))
    while month <= month_of(today):
        days = month_days(month, today)
        elapsed = len(days) / calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
        stars = round(shape.rate(month) * elapsed * rng.lognormvariate(0, _NOISE))
        weights = [_WEEKEND if day.weekday() >= 5 else 1.0 for day in days]
        daily.update(rng.choices(days, weights, k=stars))
        month = next_month(month)
    return dict(daily)


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Every target repository's object and full star history up to ``today``."""
    for target in targets:
        shape = SHAPES.get(target.framework, DEFAULT_SHAPE)
        for full_name in target["github"]:
            rng = random.Random(f"{seed}:{full_name}")
            daily = sample_days(shape, today, rng)
            write_stars(root, full_name, sample_id(full_name), daily, today)
